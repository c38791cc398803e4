/*
 * 1x1 int8 conv, stride 1, no padding, any groups and plane: each output pixel
 * is a dot product over the group's input channels at the same pixel. No
 * padded taps, so the zero point comes out of the sum:
 * sum((x - z) * w) = sum(x * w) - z * sum(w), exact in int32 under the conv
 * verifier's bound (|x * w| <= 128 * 128, |z * sum(w)| as well).
 * Four pixels at a time share each weight load. In NCHW the channel reduction
 * is strided, so pairing operands for the dual MAC would cost a repack per
 * pair; the DSP path loads the four pixels of a channel in one word, widens
 * them with SXTB16 and multiplies the halves with SMLABB / SMLATB.
 */
#include "../internal/tt_conv2d_internal.h"
#include "../internal/tt_support.h"

/* Kept out of line: the loop then gets the registers to itself. */
TT_NOINLINE void tt_dot4_s8(int32_t *acc, const int8_t *x, int32_t pixels, const int8_t *w, int32_t count)
{
    const int8_t *w_end = w + count;
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    for (; w != w_end; ++w) {
        const int32_t u = *w;
#if TT_HAS_DSP
        const uint32_t word = tt_read_u32(x);
        const uint32_t even = tt_sxtb16(word, 0), odd = tt_sxtb16(word, 1);
        a0 = tt_smlabb(even, (uint32_t)u, a0);
        a2 = tt_smlatb(even, (uint32_t)u, a2);
        a1 = tt_smlabb(odd, (uint32_t)u, a1);
        a3 = tt_smlatb(odd, (uint32_t)u, a3);
#else
        a0 += x[0] * u;
        a1 += x[1] * u;
        a2 += x[2] * u;
        a3 += x[3] * u;
#endif
        x += pixels;
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

void tt_conv2d_1x1_s8(const tt_conv_shape *s, const int8_t *input, const int8_t *weight, const int32_t *bias,
                      const float *multipliers, int8_t *output, uint8_t *mask)
{
    mask_writer writer = mask_begin(mask);
    mask_writer *bits = &writer;
    const int32_t pixels = s->in_h * s->in_w;
    const int32_t group_in = s->group_in;
    for (int32_t n = 0; n < s->batch; ++n) {
        for (int32_t o = 0; o < s->out_channels; ++o) {
            const int8_t *w = weight + o * group_in;
            const int8_t *x = input + (n * s->in_channels + (o / s->group_out) * group_in) * pixels;
            int8_t *y = output + (n * s->out_channels + o) * pixels;
            int32_t weight_sum = 0;
            for (int32_t c = 0; c < group_in; ++c) {
                weight_sum += w[c];
            }
            const int32_t zero_term = s->input_zero * weight_sum;
            const int32_t b = bias[o];
            const float m = multipliers[o];
            int32_t p = 0;
            for (; p + 4 <= pixels; p += 4) {
                int32_t acc[4] = {0, 0, 0, 0};
                tt_dot4_s8(acc, x + p, pixels, w, group_in);
                for (int32_t i = 0; i < 4; ++i) {
                    tt_conv_output(&y[p + i], bits, tt_sat_add_i32(acc[i] - zero_term, b), m, s->output_zero);
                }
            }
            for (; p < pixels; ++p) {
                int32_t acc = 0;
                for (int32_t c = 0; c < group_in; ++c) {
                    acc += x[c * pixels + p] * w[c];
                }
                tt_conv_output(&y[p], bits, tt_sat_add_i32(acc - zero_term, b), m, s->output_zero);
            }
        }
    }
    mask_end(&writer);
}
