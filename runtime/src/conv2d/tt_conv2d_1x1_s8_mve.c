/*
 * qtrain.conv2d, 1x1, stride 1, no padding, any groups and batch, with Helium
 * (MVE) for the Cortex-M55; the bytes of tt_conv2d_1x1_s8 (see tt_mve.h).
 *
 * int8 x int8 products do not fit int16 sums, and MVE's widening
 * multiply-accumulates reduce across lanes (a channel dot product wants the
 * channels contiguous, NHWC), so there are two forms. Up to
 * TT_MVE_1X1_MAX_CHANNELS input channels per group, 16 pixels at a time are
 * transposed into a channel-contiguous stack tile and each output is a
 * VMLADAVA.S8 dot product (16 MACs per instruction). Wider groups take
 * VMLA.S32 Qacc, Qx, Rw: a widening byte load of 4 pixels times one scalar
 * weight, register-blocked over output channels, without scratch.
 */
#include "../internal/tt_mve.h"

#if TT_HAS_MVE_FP

/* NOUT output channels x NV vectors of 4 pixels (NOUT * NV <= 6, NV <= 4:
 * with one register for the input vector that fills the 8 Q registers). x:
 * the group's channel 0 at the block's first pixel; w: NOUT weight rows of
 * group_in. `lanes` pixels of the 4 * NV are real (the rest are neither loaded
 * nor stored). With no zero padding the zero point comes out of the sum:
 * sum((x - z) * w) = sum(x * w) - z * sum(w), wrap-exact in int32 (the conv
 * verifier bounds the true sums), so the accumulators start at -z * sum(w). */
TT_MVE_INLINE void pw_block(const int8_t *x, int32_t pixels, const int8_t *w, int32_t group_in, const int32_t *zero_terms,
                            const int32_t *bias, const float *m, int32_t output_zero, int8_t *y, uint8_t *mask,
                            int32_t bit, int NOUT, int NV, int32_t lanes)
{
    /* Named accumulators, not an array: gcc keeps arrays of vectors in memory. */
    const int32x4_t z0 = vdupq_n_s32(-zero_terms[0]);
    const int32x4_t z1 = vdupq_n_s32(NOUT > 1 ? -zero_terms[1] : 0);
    const int32x4_t z2 = vdupq_n_s32(NOUT > 2 ? -zero_terms[2] : 0);
    int32x4_t a00 = z0, a01 = z0, a02 = z0, a03 = z0;
    int32x4_t a10 = z1, a11 = z1, a12 = z1;
    int32x4_t a20 = z2, a21 = z2;
    const int full = lanes == 4 * NV;
    const mve_pred16_t p0 = vctp32q((uint32_t)(lanes < 0 ? 0 : lanes));
    const mve_pred16_t p1 = vctp32q((uint32_t)(lanes < 4 ? 0 : lanes - 4));
    const mve_pred16_t p2 = vctp32q((uint32_t)(lanes < 8 ? 0 : lanes - 8));
    const mve_pred16_t p3 = vctp32q((uint32_t)(lanes < 12 ? 0 : lanes - 12));
    const int8_t *w0 = w, *w1 = w + group_in, *w2 = w + 2 * group_in;
#pragma GCC unroll 2
    for (int32_t c = 0; c < group_in; ++c) {
        /* A tail block's predicated loads read nothing past the plane. */
#define PW_LOAD(V, P) (full ? vldrbq_s32(x + 4 * (V)) : vldrbq_z_s32(x + 4 * (V), P))
        const int32_t u0 = *w0++;
        const int32_t u1 = NOUT > 1 ? *w1++ : 0;
        const int32_t u2 = NOUT > 2 ? *w2++ : 0;
        int32x4_t xv = PW_LOAD(0, p0);
        a00 = vmlaq_n_s32(a00, xv, u0);
        if (NOUT > 1) {
            a10 = vmlaq_n_s32(a10, xv, u1);
        }
        if (NOUT > 2) {
            a20 = vmlaq_n_s32(a20, xv, u2);
        }
        if (NV > 1) {
            xv = PW_LOAD(1, p1);
            a01 = vmlaq_n_s32(a01, xv, u0);
            if (NOUT > 1) {
                a11 = vmlaq_n_s32(a11, xv, u1);
            }
            if (NOUT > 2) {
                a21 = vmlaq_n_s32(a21, xv, u2);
            }
        }
        if (NV > 2) {
            xv = PW_LOAD(2, p2);
            a02 = vmlaq_n_s32(a02, xv, u0);
            if (NOUT > 1) {
                a12 = vmlaq_n_s32(a12, xv, u1);
            }
        }
        if (NV > 3) {
            xv = PW_LOAD(3, p3);
            a03 = vmlaq_n_s32(a03, xv, u0);
        }
#undef PW_LOAD
        x += pixels;
    }
    store_run(y, mask, bit, NV, lanes, a00, a01, a02, a03, bias[0], m[0], output_zero);
    if (NOUT > 1) {
        store_run(y + pixels, mask, bit + pixels, NV, lanes, a10, a11, a12, a12, bias[1], m[1], output_zero);
    }
    if (NOUT > 2) {
        store_run(y + 2 * pixels, mask, bit + 2 * pixels, NV, lanes, a20, a21, a21, a21, bias[2], m[2], output_zero);
    }
}

/* Out of line per block shape so that each block loop gets the 8 Q registers to itself. */
#define PW_BLOCKS(NOUT, NV)                                                                                          \
    static __attribute__((noinline)) void pw_row_##NOUT(const int8_t *x, int32_t pixels, const int8_t *w,           \
                                                         int32_t group_in, const int32_t *zt, const int32_t *bias,  \
                                                         const float *m, int32_t oz, int8_t *y, uint8_t *mask,      \
                                                         int32_t bit)                                               \
    {                                                                                                                \
        int32_t p = 0;                                                                                               \
        for (; p + 4 * NV <= pixels; p += 4 * NV) {                                                                  \
            pw_block(x + p, pixels, w, group_in, zt, bias, m, oz, y + p, mask, bit + p, NOUT, NV, 4 * NV);           \
        }                                                                                                            \
        if (p < pixels) {                                                                                            \
            pw_block(x + p, pixels, w, group_in, zt, bias, m, oz, y + p, mask, bit + p, NOUT, NV, pixels - p);       \
        }                                                                                                            \
    }
PW_BLOCKS(1, 4)
PW_BLOCKS(2, 3)
PW_BLOCKS(3, 2)
#undef PW_BLOCKS

/* The channel-contiguous form (for group_in <= TT_MVE_1X1_MAX_CHANNELS): 16 pixels
 * at a time are transposed into a tile [chunk][pixel][16 channels] (one
 * 16-byte load per channel, one byte scatter with offsets 16 * pixel, which
 * fit the 8-bit offsets), zero beyond group_in. Then each output is a dot
 * product over the channels, 16 int8 MACs per VMLADAVA.S8 into an exact int32
 * scalar accumulator (wrapping, as the portable sums), 4 pixels per weight
 * load. The 4 sums become one vector for the requantization. */

/* Transposes channels [0, group_in) of pixels [p, p + count) (count <= 16) into the tile. */
TT_MVE_INLINE void pwt_transpose(int8_t *tile, const int8_t *x, int32_t pixels, int32_t group_in, int32_t count)
{
    /* Pixel p = g + 4 i goes to row 4 g + i: the 4 rows of a lane group are
     * adjacent, within VLDRB's 7-bit immediate offsets. */
    static const uint8_t rows[16] = {0, 64, 128, 192, 16, 80, 144, 208, 32, 96, 160, 224, 48, 112, 176, 240};
    const uint8x16_t offsets = vldrbq_u8(rows);
    const mve_pred16_t live = vctp8q((uint32_t)count);
    for (int32_t c = 0; c < group_in; ++c) {
        int8_t *chunk = tile + (c >> 4) * 256 + (c & 15);
        if (count == 16) {
            vstrbq_scatter_offset_s8(chunk, offsets, vldrbq_s8(x + c * pixels));
        } else {
            vstrbq_scatter_offset_p_s8(chunk, offsets, vldrbq_z_s8(x + c * pixels, live), live);
        }
    }
}

/* Sums of the 4 pixels g, g + 4, g + 8, g + 12 of the tile against one weight
 * row, as one vector (lane i: pixel g + 4 i; see finish16 for why). */
TT_MVE_INLINE int32x4_t pwt_dot4(const int8_t *tile, const int8_t *w, int32_t group_in, int32_t g, int32_t init)
{
    int32_t s0 = init, s1 = init, s2 = init, s3 = init;
    const int32_t chunks = group_in >> 4;
    const int8_t *t = tile + g * 64;
    for (int32_t k = 0; k < chunks; ++k) {
        const int8x16_t wv = vldrbq_s8(w + 16 * k);
        s0 = vmladavaq_s8(s0, vldrbq_s8(t), wv);
        s1 = vmladavaq_s8(s1, vldrbq_s8(t + 16), wv);
        s2 = vmladavaq_s8(s2, vldrbq_s8(t + 32), wv);
        s3 = vmladavaq_s8(s3, vldrbq_s8(t + 48), wv);
        t += 256;
    }
    if (group_in & 15) {
        /* The last weights: a predicated load reads nothing past the row (the tile is 0 there anyway). */
        const int8x16_t wv = vldrbq_z_s8(w + 16 * chunks, vctp8q((uint32_t)(group_in & 15)));
        s0 = vmladavaq_s8(s0, vldrbq_s8(t), wv);
        s1 = vmladavaq_s8(s1, vldrbq_s8(t + 16), wv);
        s2 = vmladavaq_s8(s2, vldrbq_s8(t + 32), wv);
        s3 = vmladavaq_s8(s3, vldrbq_s8(t + 48), wv);
    }
    int32x4_t v;
#if defined(__GNUC__) && !defined(__clang__)
    /* Two lanes per VMOV (no intrinsic for the two-register form; gcc's %q operand syntax). */
    __asm__("vmov %q0[2], %q0[0], %1, %2\n\tvmov %q0[3], %q0[1], %3, %4"
            : "=&w"(v)
            : "r"(s0), "r"(s2), "r"(s1), "r"(s3));
#else
    v = vsetq_lane_s32(s3, vsetq_lane_s32(s2, vsetq_lane_s32(s1, vdupq_n_s32(s0), 1), 2), 3);
#endif
    return v;
}

/* Requantizes 16 outputs of one channel given as 4 vectors of pixels
 * {k, k + 4, k + 8, k + 12} (k = 0..3) and stores the first `count`: after
 * the f32 part, saturating narrowings put them in pixel order (VQMOVNB/T
 * interleave even and odd lanes): int32 -> int16 (outside int8 stays
 * outside), + output_zero saturating in int16 (the same clamp result and mask
 * as in int32), int16 -> int8 is the clamp. The mask bit (value inside int8
 * before the clamp) is one unsigned compare per int16 lane: r + 128 (wrapping)
 * <= 255; VCMP's predicate has 2 bits per int16 lane, so the even pixels' bits
 * and the odd pixels' bits interleave into pixel order with two masks. */
TT_MVE_INLINE void finish16(int8_t *y, uint8_t *mask, int32_t bit, int32_t count, int32x4_t v0, int32x4_t v1,
                            int32x4_t v2, int32x4_t v3, int32_t bias, float m, int32_t zero)
{
    int16x8_t even = vqmovnbq_s32(vuninitializedq_s16(), scale4(v0, bias, m)); /* pixels 0, 4, 8, 12 */
    even = vqmovntq_s32(even, scale4(v2, bias, m));                            /* pixels 2, 6, 10, 14 */
    int16x8_t odd = vqmovnbq_s32(vuninitializedq_s16(), scale4(v1, bias, m));
    odd = vqmovntq_s32(odd, scale4(v3, bias, m));
    even = vqaddq_n_s16(even, (int16_t)zero);
    odd = vqaddq_n_s16(odd, (int16_t)zero);
    int8x16_t bytes = vqmovnbq_s16(vuninitializedq_s8(), even);
    bytes = vqmovntq_s16(bytes, odd);
    if (count >= 16) {
        vstrbq_s8(y, bytes);
    } else {
        vstrbq_p_s8(y, bytes, vctp8q((uint32_t)count));
    }
    if (mask != NULL) {
        const mve_pred16_t out_even = vcmphiq_n_u16(vreinterpretq_u16_s16(vaddq_n_s16(even, 128)), 255);
        const mve_pred16_t out_odd = vcmphiq_n_u16(vreinterpretq_u16_s16(vaddq_n_s16(odd, 128)), 255);
        const uint32_t bits = ~(((uint32_t)out_even & 0x5555u) | ((uint32_t)out_odd & 0xaaaau)) & 0xffffu;
        mask_put(mask, bit, bits, count < 16 ? count : 16);
    }
}

static __attribute__((noinline)) void pwt_outputs(const int8_t *tile, const int8_t *w, int32_t group_in,
                     int32_t count, int32_t input_zero, const int32_t *bias,
                     const float *m, int32_t oz, int8_t *y, int32_t pixels,
                     uint8_t *mask, int32_t bit, int32_t outs)
{
    for (int32_t o = 0; o < outs; ++o) {
        const int8_t *wo = w + o * group_in;
        const int32_t init = -input_zero * weight_sum(wo, group_in);
        const int32x4_t v0 = pwt_dot4(tile, wo, group_in, 0, init);
        const int32x4_t v1 = pwt_dot4(tile, wo, group_in, 1, init);
        const int32x4_t v2 = pwt_dot4(tile, wo, group_in, 2, init);
        const int32x4_t v3 = pwt_dot4(tile, wo, group_in, 3, init);
        finish16(y, mask, bit, count, v0, v1, v2, v3, bias[o], m[o], oz);
        y += pixels;
        bit += pixels;
    }
}

static void pointwise_tiled(const int8_t *input, int32_t input_zero, const int8_t *weight, const int32_t *bias,
                            const float *multipliers, int32_t output_zero, int8_t *output, uint8_t *mask,
                            int32_t batch, int32_t in_channels, int32_t pixels, int32_t out_channels, int32_t groups)
{
    const int32_t group_in = in_channels / groups;
    const int32_t group_out = out_channels / groups;
    const int32_t chunks = (group_in + 15) >> 4;
    int8_t tile[chunks * 256]; /* at most TT_MVE_1X1_MAX_CHANNELS * 16 bytes */
    fill_bytes(tile + (chunks - 1) * 256, 0, 256); /* channels past group_in stay 0 */
    for (int32_t n = 0; n < batch; ++n) {
        for (int32_t g = 0; g < groups; ++g) {
            const int8_t *w = weight + g * group_out * group_in;
            const int8_t *x = input + (n * in_channels + g * group_in) * pixels;
            const int32_t o = g * group_out;
            const int32_t base = (n * out_channels + o) * pixels;
            for (int32_t p = 0; p < pixels; p += 16) {
                const int32_t count = pixels - p < 16 ? pixels - p : 16;
                pwt_transpose(tile, x + p, pixels, group_in, count);
                pwt_outputs(tile, w, group_in, count, input_zero, bias + o, multipliers + o, output_zero,
                            output + base + p, pixels, mask, base + p, group_out);
            }
        }
    }
}

int tt_conv2d_1x1_s8_mve_fits(const tt_conv_shape *s)
{
    return tt_conv_is_pointwise(s) && s->groups >= 1 && s->in_channels % s->groups == 0 &&
           s->out_channels % s->groups == 0;
}

int32_t tt_conv2d_1x1_s8_mve_buffer_size(const tt_conv_shape *s)
{
    return s->group_in <= TT_MVE_1X1_MAX_CHANNELS ? ((s->group_in + 15) >> 4) * 256 : 0;
}

void tt_conv2d_1x1_s8_mve(const tt_conv_shape *s, const int8_t *input, const int8_t *weight, const int32_t *bias,
                          const float *multipliers, int8_t *output, uint8_t *mask)
{
    const int32_t pixels = s->in_h * s->in_w;
    const int32_t group_in = s->group_in;
    const int32_t group_out = s->group_out;
    const int32_t input_zero = s->input_zero;
    const int32_t output_zero = s->output_zero;
    if (group_in <= TT_MVE_1X1_MAX_CHANNELS) {
        pointwise_tiled(input, input_zero, weight, bias, multipliers, output_zero, output, mask, s->batch,
                        s->in_channels, pixels, s->out_channels, s->groups);
        mask_finish(mask, s->batch * s->out_channels * pixels);
        return;
    }
    for (int32_t n = 0; n < s->batch; ++n) {
        for (int32_t o = 0; o < s->out_channels;) {
            const int32_t g = o / group_out;
            const int32_t left = (g + 1) * group_out - o; /* output channels left in this group */
            const int32_t block = left >= 3 ? 3 : left; /* 3 x 8 pixels, then 2 x 12 or 1 x 16 */
            const int8_t *x = input + (n * s->in_channels + g * group_in) * pixels;
            const int8_t *w = weight + o * group_in;
            int32_t zero_terms[3];
            for (int32_t j = 0; j < block; ++j) {
                zero_terms[j] = input_zero * weight_sum(w + j * group_in, group_in);
            }
            const int32_t bit = (n * s->out_channels + o) * pixels;
            int8_t *y = output + bit;
            if (block == 3) {
                pw_row_3(x, pixels, w, group_in, zero_terms, bias + o, multipliers + o, output_zero, y, mask, bit);
            } else if (block == 2) {
                pw_row_2(x, pixels, w, group_in, zero_terms, bias + o, multipliers + o, output_zero, y, mask, bit);
            } else {
                pw_row_1(x, pixels, w, group_in, zero_terms, bias + o, multipliers + o, output_zero, y, mask, bit);
            }
            o += block;
        }
    }
    mask_finish(mask, s->batch * s->out_channels * pixels);
}

#endif /* TT_HAS_MVE_FP */
