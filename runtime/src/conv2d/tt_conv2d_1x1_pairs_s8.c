/*
 * 1x1 int8 conv with the dual MAC (SMLAD): per block of 4 output channels the
 * weight pairs (w[o][c], w[o][c + 1]) are packed once as int16 halves of one
 * word; per pair of input channels two pixels (p and p + 2, or p + 1 and p + 3,
 * of a 4-pixel word) are repacked into (x[c][p], x[c + 1][p]) words with SXTB16
 * and PKHBT/PKHTB, and each output channel takes one SMLAD per pixel. Exact
 * integer sums, as the other paths. The outputs are written in place and their
 * mask bits a nibble at a time (4 pixels of one output channel are 4 aligned
 * bits when the plane is a multiple of 4 pixels), so the order of the blocks
 * does not matter. Stack: TT_PAIRS_PACK words and 4 * TT_PAIRS_ACC sums.
 */
#include "../internal/tt_conv2d_internal.h"
#include "../internal/tt_support.h"

/* The asm loop below takes all 14 allocatable registers; clang (which may keep r7
 * for the frame) gets the portable loop. */
#if TT_HAS_DSP && !defined(__clang__)
#define PAIRS_ASM 1
#else
#define PAIRS_ASM 0
#endif

#if !PAIRS_ASM
/* The portable forms of PKHBT and PKHTB. */
static TT_ALWAYS_INLINE uint32_t pack_low(uint32_t a, uint32_t b)
{
    return (a & 0xffffu) | (b << 16);
}

static TT_ALWAYS_INLINE uint32_t pack_high(uint32_t a, uint32_t b)
{
    return (a >> 16) | (b & 0xffff0000u);
}
#endif

/* acc[2 * j + k] += sum over the pairs of x-pair(pixel k) * wp[4 * pair + j], j < 4,
 * k < 2; pixel 0 is byte 0 (odd: 1) and pixel 1 byte 2 (odd: 3) of the words at x.
 * At least one pair. On the DSP target the loop is one asm block: the compiler
 * otherwise spills accumulators (8 accumulators, 3 pointers and 3 temporaries
 * take all 14 registers, the end pointer stays in memory). */
#if PAIRS_ASM
#define PAIRS_SMLAD_LOOP(ROT)                                                                               \
    __asm__ volatile("1:\n\t"                                                                            \
                     "ldr %[lo], [%[x]]\n\t"                                                              \
                     "ldr %[hi], [%[x], %[px]]\n\t"                                                       \
                     "add %[x], %[x], %[px], lsl #1\n\t"                                                  \
                     "sxtb16 %[lo], %[lo]" ROT "\n\t"                                                    \
                     "sxtb16 %[hi], %[hi]" ROT "\n\t"                                                    \
                     "pkhbt %[t], %[lo], %[hi], lsl #16\n\t"                                             \
                     "pkhtb %[hi], %[hi], %[lo], asr #16\n\t"                                            \
                     "ldr %[lo], [%[wp]], #4\n\t"                                                         \
                     "smlad %[a0], %[t], %[lo], %[a0]\n\t"                                               \
                     "smlad %[a1], %[hi], %[lo], %[a1]\n\t"                                              \
                     "ldr %[lo], [%[wp]], #4\n\t"                                                         \
                     "smlad %[a2], %[t], %[lo], %[a2]\n\t"                                               \
                     "smlad %[a3], %[hi], %[lo], %[a3]\n\t"                                              \
                     "ldr %[lo], [%[wp]], #4\n\t"                                                         \
                     "smlad %[a4], %[t], %[lo], %[a4]\n\t"                                               \
                     "smlad %[a5], %[hi], %[lo], %[a5]\n\t"                                              \
                     "ldr %[lo], [%[wp]], #4\n\t"                                                         \
                     "smlad %[a6], %[t], %[lo], %[a6]\n\t"                                               \
                     "smlad %[a7], %[hi], %[lo], %[a7]\n\t"                                              \
                     "ldr %[lo], %[end]\n\t"                                                              \
                     "cmp %[wp], %[lo]\n\t"                                                               \
                     "bne 1b"                                                                            \
                     : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [a4] "+r"(a4),           \
                       [a5] "+r"(a5), [a6] "+r"(a6), [a7] "+r"(a7), [x] "+r"(x), [wp] "+r"(wp),             \
                       [lo] "=&r"(lo), [hi] "=&r"(hi), [t] "=&r"(t)                                          \
                     : [px] "r"(pixels), [end] "m"(end)                                                    \
                     : "cc", "memory")
#endif

static TT_ALWAYS_INLINE void pointwise_smlad_k(int32_t *acc, const int8_t *x, int32_t pixels,
                                               const uint32_t *wp, const uint32_t *wp_end, int odd)
{
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    int32_t a4 = acc[4], a5 = acc[5], a6 = acc[6], a7 = acc[7];
#if PAIRS_ASM
    const uint32_t *end = wp_end;
    uint32_t lo, hi, t;
    if (odd) {
        PAIRS_SMLAD_LOOP(", ror #8");
    } else {
        PAIRS_SMLAD_LOOP("");
    }
    (void)lo;
    (void)hi;
    (void)t;
#else
    for (; wp != wp_end; wp += 4) {
        uint32_t lo, hi;
        memcpy(&lo, x, sizeof lo);
        memcpy(&hi, x + pixels, sizeof hi);
        x += 2 * pixels;
        lo = tt_sxtb16(lo, odd);
        hi = tt_sxtb16(hi, odd);
        const uint32_t p0 = pack_low(lo, hi);
        const uint32_t p1 = pack_high(lo, hi);
        uint32_t w = wp[0];
        a0 = tt_smlad(p0, w, a0);
        a1 = tt_smlad(p1, w, a1);
        w = wp[1];
        a2 = tt_smlad(p0, w, a2);
        a3 = tt_smlad(p1, w, a3);
        w = wp[2];
        a4 = tt_smlad(p0, w, a4);
        a5 = tt_smlad(p1, w, a5);
        w = wp[3];
        a6 = tt_smlad(p0, w, a6);
        a7 = tt_smlad(p1, w, a7);
    }
#endif
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
    acc[4] = a4;
    acc[5] = a5;
    acc[6] = a6;
    acc[7] = a7;
}

static TT_NOINLINE void pointwise_smlad_even(int32_t *acc, const int8_t *x, int32_t pixels, const uint32_t *wp,
                                             const uint32_t *wp_end)
{
    pointwise_smlad_k(acc, x, pixels, wp, wp_end, 0);
}

static TT_NOINLINE void pointwise_smlad_odd(int32_t *acc, const int8_t *x, int32_t pixels, const uint32_t *wp,
                                            const uint32_t *wp_end)
{
    pointwise_smlad_k(acc, x, pixels, wp, wp_end, 1);
}

/* Requantizes 4 accumulators of one output channel into y[0..3] and, with a mask,
 * their bits into the aligned nibble at bit index `bit` (a multiple of 4). */
static TT_ALWAYS_INLINE void pointwise_out4(int8_t *y, uint8_t *mask, int32_t bit, const int32_t *acc,
                                            int32_t zero_term, int32_t b, float m, int32_t output_zero)
{
    uint8_t local = 0;
    mask_writer w = mask_begin(mask != NULL ? &local : NULL);
    for (int32_t i = 0; i < 4; ++i) {
        tt_conv_output(&y[i], &w, tt_sat_add_i32(acc[i] - zero_term, b), m, output_zero);
    }
    if (mask != NULL) {
        const uint32_t shift = (uint32_t)bit & 4u;
        uint8_t *byte = mask + (bit >> 3);
        *byte = (uint8_t)((*byte & ~(0xfu << shift)) | (uint32_t)w.bits << shift);
    }
}

int tt_conv2d_1x1_pairs_s8_fits(const tt_conv_shape *s)
{
    const int32_t pixels = s->in_h * s->in_w;
    return tt_conv_is_pointwise(s) && s->group_in % 2 == 0 && pixels % 4 == 0 && s->group_out >= 4 &&
           (s->group_in <= 2 * (TT_PAIRS_PACK / 4) || pixels <= TT_PAIRS_ACC);
}

void tt_conv2d_1x1_pairs_s8(const tt_conv_shape *s, const int8_t *input, const int8_t *weight,
                            const int32_t *bias, const float *multipliers, int8_t *output, uint8_t *mask)
{
    const int32_t batch = s->batch, in_channels = s->in_channels, out_channels = s->out_channels;
    const int32_t groups = s->groups, input_zero = s->input_zero, output_zero = s->output_zero;
    const int32_t pixels = s->in_h * s->in_w;
    uint32_t wp[TT_PAIRS_PACK];
    int32_t partial[4 * TT_PAIRS_ACC];
    const int32_t group_in = s->group_in;
    const int32_t group_out = s->group_out;
    const int32_t chunk = 2 * (TT_PAIRS_PACK / 4); /* input channels per packing */
    for (int32_t n = 0; n < batch; ++n) {
        for (int32_t g = 0; g < groups; ++g) {
            const int8_t *x = input + (n * in_channels + g * group_in) * pixels;
            int32_t o = g * group_out;
            const int32_t o_end = o + group_out;
            for (; o < o_end; o += 4) {
                if (o + 4 > o_end) {
                    o = o_end - 4; /* the last block overlaps the one before: outputs are rewritten equal */
                }
                const int8_t *w = weight + o * group_in;
                int32_t weight_sum[4] = {0, 0, 0, 0}; /* summed while packing */
                const int32_t base = (n * out_channels + o) * pixels;
                for (int32_t c0 = 0; c0 < group_in; c0 += chunk) {
                    const int32_t count = tt_min_i32(chunk, group_in - c0);
                    const int first = c0 == 0;
                    const int last = c0 + count == group_in;
                    uint32_t *t = wp;
                    for (int32_t c = c0; c < c0 + count; c += 2) {
                        for (int32_t j = 0; j < 4; ++j) {
                            const int8_t *wj = w + j * group_in + c;
                            const int32_t w0 = wj[0], w1 = wj[1];
                            weight_sum[j] += w0 + w1;
                            *t++ = tt_pack_s16x2(w0, w1);
                        }
                    }
                    const int8_t *xc = x + c0 * pixels;
                    for (int32_t p = 0; p < pixels; p += 4) {
                        int32_t even[8], odd[8];
                        int32_t *keep = partial + p * 4; /* 4 pixels x 4 channels */
                        for (int32_t i = 0; i < 4; ++i) {
                            even[2 * i] = first ? 0 : keep[4 * i + 0];
                            even[2 * i + 1] = first ? 0 : keep[4 * i + 2];
                            odd[2 * i] = first ? 0 : keep[4 * i + 1];
                            odd[2 * i + 1] = first ? 0 : keep[4 * i + 3];
                        }
                        pointwise_smlad_even(even, xc + p, pixels, wp, t);
                        pointwise_smlad_odd(odd, xc + p, pixels, wp, t);
                        if (last) {
                            for (int32_t j = 0; j < 4; ++j) {
                                const int32_t acc[4] = {even[2 * j], odd[2 * j], even[2 * j + 1], odd[2 * j + 1]};
                                pointwise_out4(output + base + j * pixels + p, mask, base + j * pixels + p, acc,
                                               input_zero * weight_sum[j], bias[o + j], multipliers[o + j], output_zero);
                            }
                        } else {
                            for (int32_t i = 0; i < 4; ++i) {
                                keep[4 * i + 0] = even[2 * i];
                                keep[4 * i + 2] = even[2 * i + 1];
                                keep[4 * i + 1] = odd[2 * i];
                                keep[4 * i + 3] = odd[2 * i + 1];
                            }
                        }
                    }
                }
            }
        }
    }
    if (mask != NULL) {
        const int32_t total = batch * out_channels * pixels;
        if (total & 4) {
            mask[total >> 3] &= 0x0fu; /* unused high bits are 0 */
        }
    }
}
