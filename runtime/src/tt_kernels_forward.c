/*
 * int8 forward kernels: conv2d, add, global_avgpool, dequantize, slice_channels,
 * and the fp32 linear head. Bit-exact with interpreters/qtrain.py on the int8
 * paths; the arithmetic per element is the one of tt_quant.c.
 */
#include "tt_kernels.h"
#include "tt_mask_writer.h"
#include "tt_quant.h"

#include <math.h>
#include <string.h>

/*
 * TT_NAIVE_KERNELS: when defined, the kernels take their plain reference loops
 * (no pointwise or interior fast paths, the out-of-line requantization of
 * tt_quant.c), for measuring what the fast paths save. Both builds give the
 * same results bit for bit.
 */
#if defined(__GNUC__)
#define TT_ALWAYS_INLINE inline __attribute__((always_inline))
#define TT_NOINLINE __attribute__((noinline))
#define TT_MAYBE_UNUSED __attribute__((unused))
#else
#define TT_ALWAYS_INLINE inline
#define TT_NOINLINE
#define TT_MAYBE_UNUSED
#endif

#ifdef TT_NAIVE_KERNELS
#define requantize_s8 tt_requantize
#define sat_add tt_saturating_add_i32
#define add_requantize_s8 tt_add_requantize
#else
/* tt_saturating_add_i32 (tt_quant.c) inlined: QADD with the DSP extension. */
static TT_ALWAYS_INLINE int32_t sat_add(int32_t a, int32_t b)
{
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
    int32_t sum;
    __asm__("qadd %0, %1, %2" : "=r"(sum) : "r"(a), "r"(b));
    return sum;
#else
    const int64_t sum = (int64_t)a + (int64_t)b;
    return sum > INT32_MAX ? INT32_MAX : sum < INT32_MIN ? INT32_MIN : (int32_t)sum;
#endif
}

/* tt_requantize (tt_quant.c) inlined, the same operations in the same order:
 * clamp(rint(f32(acc) * multiplier) + zero_point, -128, 127), clamped while
 * still a float. */
/* Unused where conv_output requantizes with VCVTR (Cortex-M7 builds). */
static TT_MAYBE_UNUSED TT_ALWAYS_INLINE int8_t requantize_s8(int32_t acc, float multiplier, int32_t zero_point)
{
    float rounded = rintf((float)acc * multiplier);
    const float low = (float)(-128 - zero_point);
    const float high = (float)(127 - zero_point);
    if (rounded < low) {
        rounded = low;
    }
    if (rounded > high) {
        rounded = high;
    }
    return (int8_t)((int32_t)rounded + zero_point);
}

/* tt_add_requantize (tt_quant.c) inlined, the same operations in the same order:
 * clamp(rint(f32(a - za) * ma + f32(b - zb) * mb) + zy, -128, 127). */
static TT_ALWAYS_INLINE int8_t add_requantize_s8(int8_t a, int32_t a_zero, float a_mult,
                                                 int8_t b, int32_t b_zero, float b_mult, int32_t y_zero)
{
    const float a_part = (float)((int32_t)a - a_zero) * a_mult;
    const float b_part = (float)((int32_t)b - b_zero) * b_mult;
    float rounded = rintf(a_part + b_part);
    const float low = (float)(-128 - y_zero);
    const float high = (float)(127 - y_zero);
    if (rounded < low) {
        rounded = low;
    }
    if (rounded > high) {
        rounded = high;
    }
    return (int8_t)((int32_t)rounded + y_zero);
}
#endif

/* ------------------------------------------------------------------ masks */

/* The mask writer (mask_begin, mask_push, mask_end) is in tt_mask_writer.h. */

/* Was `rounded + zero` inside [-128, 127] before the clamp? Compared as floats:
 * `rounded` may be far outside the int32 range. */
static int rounded_inside_int8(float rounded, int32_t zero)
{
    return rounded >= (float)(INT8_MIN - zero) && rounded <= (float)(INT8_MAX - zero);
}

/* Requantizes one conv accumulator into *slot and records its mask bit. Only a
 * value on a rail can have been clamped, so only those redo the product and
 * rounding of tt_requantize to see whether the clamp acted. */
static TT_ALWAYS_INLINE void conv_output(int8_t *slot, mask_writer *mask, int32_t acc, float multiplier,
                                          int32_t zero)
{
#if !defined(TT_NAIVE_KERNELS) && defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP && defined(__ARM_FP) && \
    (__ARM_FP & 4)
    /* The same result with integer clamping: VCVTR rounds with the FPSCR mode
     * (round to nearest, ties to even, as rintf) and saturates to int32; an
     * int32 rounded value gives clamp(rounded + zero) exactly, and a saturated
     * one lies far outside the int8 range either way (QADD keeps it there).
     * SSAT clamps, and the clamp acted exactly when SSAT changed the value. */
    float product = (float)acc * multiplier;
    float rounded_bits;
    int32_t rounded, shifted, value;
    __asm__("vcvtr.s32.f32 %0, %1" : "=t"(rounded_bits) : "t"(product));
    __asm__("vmov %0, %1" : "=r"(rounded) : "t"(rounded_bits));
    __asm__("qadd %0, %1, %2" : "=r"(shifted) : "r"(rounded), "r"(zero));
    __asm__("ssat %0, #8, %1" : "=r"(value) : "r"(shifted));
    *slot = (int8_t)value;
    if (mask->next != NULL) {
        mask_push(mask, value == shifted);
    }
#else
    const int8_t value = requantize_s8(acc, multiplier, zero);
    *slot = value;
    if (mask->next != NULL) {
        int inside = 1;
        if (value == INT8_MIN || value == INT8_MAX) {
            inside = rounded_inside_int8(rintf((float)acc * multiplier), zero);
        }
        mask_push(mask, inside);
    }
#endif
}

/* ------------------------------------------------------------------ conv2d */

static int32_t max_i32(int32_t a, int32_t b)
{
    return a > b ? a : b;
}

static int32_t min_i32(int32_t a, int32_t b)
{
    return a < b ? a : b;
}

#ifndef TT_NAIVE_KERNELS
/* 1x1 kernel, stride 1, no padding: each output pixel is a dot product over the
 * group's input channels at the same pixel. No padded taps, so the zero point
 * comes out of the sum: sum((x - z) * w) = sum(x * w) - z * sum(w), exact in
 * int32 under the verifier's bound (|x * w| <= 128 * 128, |z * sum(w)| as well).
 * Four pixels at a time share each weight load.
 * No SMLAD path: in NCHW the channel reduction is strided, so packing two
 * int8 operands per 16-bit lane costs about the instructions the dual MAC
 * saves. The DSP extension still does the bias add (QADD, in
 * tt_saturating_add_i32). */
/* Four consecutive int8 values as two sign-extended 16-bit pairs:
 * *even = (v[0], v[2]), *odd = (v[1], v[3]) (low half first). */
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
/* acc + low half(a) * low half(b) and acc + high half(a) * low half(b), 16-bit signed. */
static TT_ALWAYS_INLINE int32_t smlabb(int32_t a, int32_t b, int32_t acc)
{
    int32_t result;
    __asm__("smlabb %0, %1, %2, %3" : "=r"(result) : "r"(a), "r"(b), "r"(acc));
    return result;
}

static TT_ALWAYS_INLINE int32_t smlatb(int32_t a, int32_t b, int32_t acc)
{
    int32_t result;
    __asm__("smlatb %0, %1, %2, %3" : "=r"(result) : "r"(a), "r"(b), "r"(acc));
    return result;
}

static TT_ALWAYS_INLINE void unpack4(const int8_t *v, int32_t *even, int32_t *odd)
{
    uint32_t word;
    memcpy(&word, v, sizeof word); /* one LDR: the M7 loads unaligned words */
    __asm__("sxtb16 %0, %1" : "=r"(*even) : "r"(word));
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(*odd) : "r"(word));
}
#endif

/* 1x1 kernel, stride 1, no padding: each output pixel is a dot product over the
 * group's input channels at the same pixel. No padded taps, so the zero point
 * comes out of the sum: sum((x - z) * w) = sum(x * w) - z * sum(w), exact in
 * int32 under the verifier's bound (|x * w| <= 128 * 128, |z * sum(w)| as well).
 * Four pixels at a time share each weight load. In NCHW the channel reduction
 * is strided, so pairing operands for the dual MAC (SMLAD) would cost a repack
 * per pair; the DSP path instead loads the four pixels of a channel in one
 * word, widens them with SXTB16 and multiplies the halves with SMLABB/SMLATB. */
/* acc[i] = sum over c of x[c * pixels + i] * w[c], i < 4, w[c] for w <= &w[c] < w_end.
 * Kept out of line: the loop then gets the registers to itself. */
static TT_NOINLINE void pointwise_dot4(int32_t *acc, const int8_t *x, int32_t pixels, const int8_t *w, const int8_t *w_end)
{
    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    for (; w != w_end; ++w) {
        const int32_t u = *w;
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
        int32_t even, odd;
        unpack4(x, &even, &odd);
        a0 = smlabb(even, u, a0);
        a2 = smlatb(even, u, a2);
        a1 = smlabb(odd, u, a1);
        a3 = smlatb(odd, u, a3);
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

static void conv2d_pointwise(const int8_t *input, int32_t input_zero, const int8_t *weight,
                             const int32_t *bias, const float *multipliers, int32_t output_zero,
                             int8_t *output, mask_writer *mask,
                             int32_t batch, int32_t in_channels, int32_t pixels,
                             int32_t out_channels, int32_t groups)
{
    const int32_t group_in = in_channels / groups;
    const int32_t group_out = out_channels / groups;
    for (int32_t n = 0; n < batch; ++n) {
        for (int32_t o = 0; o < out_channels; ++o) {
            const int8_t *w = weight + o * group_in;
            const int8_t *w_end = w + group_in;
            const int8_t *x = input + (n * in_channels + (o / group_out) * group_in) * pixels;
            int8_t *y = output + (n * out_channels + o) * pixels;
            int32_t weight_sum = 0;
            for (int32_t c = 0; c < group_in; ++c) {
                weight_sum += w[c];
            }
            const int32_t zero_term = input_zero * weight_sum;
            const int32_t b = bias[o];
            const float m = multipliers[o];
            int32_t p = 0;
            for (; p + 4 <= pixels; p += 4) {
                int32_t acc[4];
                pointwise_dot4(acc, x + p, pixels, w, w_end);
                for (int32_t i = 0; i < 4; ++i) {
                    conv_output(&y[p + i], mask, sat_add(acc[i] - zero_term, b), m, output_zero);
                }
            }
            for (; p < pixels; ++p) {
                int32_t acc = 0;
                for (int32_t c = 0; c < group_in; ++c) {
                    acc += x[c * pixels + p] * w[c];
                }
                conv_output(&y[p], mask, sat_add(acc - zero_term, b), m, output_zero);
            }
        }
    }
}

/* 1x1 forward with the dual MAC: per block of 4 output channels the weight
 * pairs (w[o][c], w[o][c + 1]) are packed once as int16 halves of one word;
 * per pair of input channels two pixels (p and p + 2, or p + 1 and p + 3, of a
 * 4-pixel word) are repacked into (x[c][p], x[c + 1][p]) words with SXTB16 and
 * PKHBT/PKHTB, and each output channel takes one SMLAD per pixel. Exact integer
 * sums, as the other paths. The outputs are written in place and their mask
 * bits a nibble at a time (4 pixels of one output channel are 4 aligned bits
 * when the plane is a multiple of 4 pixels), so the order of the blocks does
 * not matter. */
#define PW_PACK 256 /* packed weight words: 4 output channels x 64 channel pairs */
#define PW_ACC 64   /* pixels whose 4 partial sums a chunked reduction keeps */
/* The asm loop below takes all 14 allocatable registers; clang (which may keep r7
 * for the frame) gets the portable loop. */
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP && !defined(__clang__)
#define PW_ASM 1
#else
#define PW_ASM 0
#endif

#if !PW_ASM
/* The portable forms of SMLAD, SXTB16 (ror #8 when odd), PKHBT and PKHTB. */
static TT_ALWAYS_INLINE int32_t smlad(uint32_t a, uint32_t b, int32_t acc)
{
    return acc + (int32_t)(int16_t)(a & 0xffffu) * (int32_t)(int16_t)(b & 0xffffu) +
           (int32_t)(int16_t)(a >> 16) * (int32_t)(int16_t)(b >> 16);
}

static TT_ALWAYS_INLINE uint32_t sxtb16_rot(uint32_t word, int odd)
{
    if (odd) {
        word >>= 8;
    }
    return (uint32_t)(uint16_t)(int16_t)(int8_t)(word & 0xffu) |
           (uint32_t)(uint16_t)(int16_t)(int8_t)((word >> 16) & 0xffu) << 16;
}

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
#if PW_ASM
#define PW_SMLAD_LOOP(ROT)                                                                               \
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
#if PW_ASM
    const uint32_t *end = wp_end;
    uint32_t lo, hi, t;
    if (odd) {
        PW_SMLAD_LOOP(", ror #8");
    } else {
        PW_SMLAD_LOOP("");
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
        lo = sxtb16_rot(lo, odd);
        hi = sxtb16_rot(hi, odd);
        const uint32_t p0 = pack_low(lo, hi);
        const uint32_t p1 = pack_high(lo, hi);
        uint32_t w = wp[0];
        a0 = smlad(p0, w, a0);
        a1 = smlad(p1, w, a1);
        w = wp[1];
        a2 = smlad(p0, w, a2);
        a3 = smlad(p1, w, a3);
        w = wp[2];
        a4 = smlad(p0, w, a4);
        a5 = smlad(p1, w, a5);
        w = wp[3];
        a6 = smlad(p0, w, a6);
        a7 = smlad(p1, w, a7);
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
        conv_output(&y[i], &w, sat_add(acc[i] - zero_term, b), m, output_zero);
    }
    if (mask != NULL) {
        const uint32_t shift = (uint32_t)bit & 4u;
        uint8_t *byte = mask + (bit >> 3);
        *byte = (uint8_t)((*byte & ~(0xfu << shift)) | (uint32_t)w.bits << shift);
    }
}

/* The 1x1 case for an even group_in, a plane of a multiple of 4 pixels and at
 * least 4 output channels per group; group_in <= 2 * PW_PACK / 4 or
 * pixels <= PW_ACC. */
static void conv2d_pointwise_pairs(const int8_t *input, int32_t input_zero, const int8_t *weight,
                                   const int32_t *bias, const float *multipliers, int32_t output_zero,
                                   int8_t *output, uint8_t *mask, int32_t batch, int32_t in_channels,
                                   int32_t pixels, int32_t out_channels, int32_t groups)
{
    uint32_t wp[PW_PACK];
    int32_t partial[4 * PW_ACC];
    const int32_t group_in = in_channels / groups;
    const int32_t group_out = out_channels / groups;
    const int32_t chunk = 2 * (PW_PACK / 4); /* input channels per packing */
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
                    const int32_t count = min_i32(chunk, group_in - c0);
                    const int first = c0 == 0;
                    const int last = c0 + count == group_in;
                    uint32_t *t = wp;
                    for (int32_t c = c0; c < c0 + count; c += 2) {
                        for (int32_t j = 0; j < 4; ++j) {
                            const int8_t *wj = w + j * group_in + c;
                            const int32_t w0 = wj[0], w1 = wj[1];
                            weight_sum[j] += w0 + w1;
                            *t++ = (uint32_t)(uint16_t)(int16_t)w0 | (uint32_t)(uint16_t)(int16_t)w1 << 16;
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

/* ------------------------------------------------------------ depthwise */

/* Depthwise (one input channel per output channel) KxK convs, K in {3, 5, 7},
 * on planes whose padded size fits DW_SCRATCH int16 elements (1 KB of stack):
 * per channel the plane is widened once into a zero-padded scratch of
 * x - input_zero (padding is real zero), so every window is whole and the
 * taps need no bounds. The taps of a row go in pairs (w[2j], w[2j + 1]) as
 * int16 halves of one word, multiplied with two adjacent pixels by SMLAD; an
 * odd last tap by a plain multiply. Exact integer sums, as the general path.
 * The channel's input is read whole into the scratch before its output is
 * written, channels in ascending order (the channel order of tt_kernels.h). */
#define DW_SCRATCH 512
#define DW_MAX_K 7

/* acc + low(a) * low(b) + high(a) * high(b), 16-bit signed halves. */
static TT_ALWAYS_INLINE int32_t pair_mac(uint32_t a, uint32_t b, int32_t acc)
{
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
    int32_t result;
    __asm__("smlad %0, %1, %2, %3" : "=r"(result) : "r"(a), "r"(b), "r"(acc));
    return result;
#else
    return acc + (int32_t)(int16_t)(a & 0xffffu) * (int32_t)(int16_t)(b & 0xffffu) +
           (int32_t)(int16_t)(a >> 16) * (int32_t)(int16_t)(b >> 16);
#endif
}

static TT_ALWAYS_INLINE uint32_t load_pair(const int16_t *p)
{
    uint32_t word;
    memcpy(&word, p, sizeof word); /* one LDR: the M7 loads unaligned words */
    return word;
}

/* acc + low(a) * low(b) and acc + high(a) * low(b), 16-bit signed halves. */
static TT_ALWAYS_INLINE int32_t half_mac_bb(uint32_t a, uint32_t b, int32_t acc)
{
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
    int32_t result;
    __asm__("smlabb %0, %1, %2, %3" : "=r"(result) : "r"(a), "r"(b), "r"(acc));
    return result;
#else
    return acc + (int32_t)(int16_t)(a & 0xffffu) * (int32_t)(int16_t)(b & 0xffffu);
#endif
}

static TT_ALWAYS_INLINE int32_t half_mac_tb(uint32_t a, uint32_t b, int32_t acc)
{
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
    int32_t result;
    __asm__("smlatb %0, %1, %2, %3" : "=r"(result) : "r"(a), "r"(b), "r"(acc));
    return result;
#else
    return acc + (int32_t)(int16_t)(a >> 16) * (int32_t)(int16_t)(b & 0xffffu);
#endif
}

/* One channel's outputs from the padded scratch `s` (row length `srow`).
 * Per kernel row, `taps` holds K + 1 words: first the pairs (w[2j], w[2j + 1])
 * and the odd last tap w[K - 1], then w[0] alone and the pairs
 * (w[2j + 1], w[2j + 2]). With stride 1, two neighbouring outputs share the
 * pixel words of a row: the left one takes the first set against the words
 * at even offsets, the right one w[0] against the high half of the first word
 * and the second set against the words that follow. */
static TT_ALWAYS_INLINE void dw_plane_k(const int16_t *s, int32_t srow, const uint32_t *taps, int32_t K,
                                        int32_t stride, int32_t out_h, int32_t out_w, int32_t b, float m,
                                        int32_t output_zero, int8_t *y, mask_writer *bits)
{
    const int32_t H = K / 2; /* K is odd */
    for (int32_t oy = 0; oy < out_h; ++oy) {
        const int16_t *row = s + oy * stride * srow;
        int32_t ox = 0;
        if (stride == 1) {
            for (; ox + 2 <= out_w; ox += 2) {
                const int16_t *p = row + ox;
                int32_t acc0 = 0, acc1 = 0;
                for (int32_t kh = 0; kh < K; ++kh) {
                    const uint32_t *t = taps + kh * (K + 1);
                    uint32_t word = load_pair(p);
                    acc0 = pair_mac(word, t[0], acc0);
                    acc1 = half_mac_tb(word, t[H + 1], acc1);
                    for (int32_t j = 1; j < H; ++j) {
                        word = load_pair(p + 2 * j);
                        acc0 = pair_mac(word, t[j], acc0);
                        acc1 = pair_mac(word, t[H + 1 + j], acc1);
                    }
                    word = load_pair(p + 2 * H);
                    acc0 = half_mac_bb(word, t[H], acc0);
                    acc1 = pair_mac(word, t[2 * H + 1], acc1);
                    p += srow;
                }
                conv_output(y++, bits, sat_add(acc0, b), m, output_zero);
                conv_output(y++, bits, sat_add(acc1, b), m, output_zero);
            }
        }
        for (; ox < out_w; ++ox) {
            const int16_t *p = row + ox * stride;
            int32_t acc = 0;
            for (int32_t kh = 0; kh < K; ++kh) {
                const uint32_t *t = taps + kh * (K + 1);
                for (int32_t j = 0; j < H; ++j) {
                    acc = pair_mac(load_pair(p + 2 * j), t[j], acc);
                }
                acc += (int32_t)p[K - 1] * (int32_t)(int16_t)t[H];
                p += srow;
            }
            conv_output(y++, bits, sat_add(acc, b), m, output_zero);
        }
    }
}

/* Planes whose padded size does not fit the scratch go in bands of output
 * rows: the scratch then holds the band's input rows (out-of-range rows as
 * zero), srow * band_rows <= DW_SCRATCH. The output of a channel never reaches
 * its own input (it starts one output channel below the input at the lowest, and
 * an output plane is no larger than an input plane), so a band may be written
 * while later rows of the channel's input are still to be read. */
static void conv2d_depthwise(const int8_t *input, int32_t input_zero, const int8_t *weight, const int32_t *bias,
                             const float *multipliers, int32_t output_zero, int8_t *output, mask_writer *bits,
                             int32_t batch, int32_t channels, int32_t in_h, int32_t in_w, int32_t K,
                             int32_t stride, int32_t pad_top, int32_t pad_left, int32_t srow, int32_t scols,
                             int32_t out_h, int32_t out_w)
{
    int16_t scratch[DW_SCRATCH];
    uint32_t taps[DW_MAX_K * (DW_MAX_K + 1)];
    const int32_t plane = in_h * in_w;
    /* Output rows per band: (band - 1) * stride + K input rows fit the scratch. */
    const int banded = srow * scols > DW_SCRATCH;
    const int32_t band = banded ? min_i32(out_h, (DW_SCRATCH / srow - K) / stride + 1) : out_h;
    const int32_t band_rows = (band - 1) * stride + K;
    memset(scratch, 0, (size_t)(srow * (banded ? band_rows : scols)) * sizeof scratch[0]);
    for (int32_t n = 0; n < batch; ++n) {
        for (int32_t c = 0; c < channels; ++c) {
            const int8_t *x = input + (n * channels + c) * plane;
            int8_t *y = output + (n * channels + c) * out_h * out_w;
            const int8_t *w = weight + c * K * K;
            for (int32_t kh = 0; kh < K; ++kh) {
                const int8_t *wr = w + kh * K;
                uint32_t *t = taps + kh * (K + 1);
                for (int32_t j = 0; j < K / 2; ++j) {
                    t[j] = (uint32_t)(uint16_t)(int16_t)wr[2 * j] | (uint32_t)(uint16_t)(int16_t)wr[2 * j + 1] << 16;
                    t[K / 2 + 2 + j] =
                        (uint32_t)(uint16_t)(int16_t)wr[2 * j + 1] | (uint32_t)(uint16_t)(int16_t)wr[2 * j + 2] << 16;
                }
                t[K / 2] = (uint32_t)(uint16_t)(int16_t)wr[K - 1];
                t[K / 2 + 1] = (uint32_t)(uint16_t)(int16_t)wr[0];
            }
            const int32_t b = bias[c];
            const float m = multipliers[c];
            for (int32_t oy0 = 0; oy0 < out_h; oy0 += band) {
                const int32_t rows_out = min_i32(band, out_h - oy0);
                const int32_t first_row = oy0 * stride - pad_top; /* input row of scratch row 0 */
                const int32_t rows = banded ? (rows_out - 1) * stride + K : in_h + pad_top;
                for (int32_t j = banded ? 0 : pad_top; j < rows; ++j) {
                    const int32_t iy = first_row + j;
                    int16_t *d = scratch + j * srow + pad_left;
                    if (iy < 0 || iy >= in_h) {
                        for (int32_t ix = 0; ix < in_w; ++ix) {
                            d[ix] = 0; /* only banded: rows a previous band may have filled */
                        }
                        continue;
                    }
                    const int8_t *xr = x + iy * in_w;
                    for (int32_t ix = 0; ix < in_w; ++ix) {
                        d[ix] = (int16_t)((int32_t)xr[ix] - input_zero);
                    }
                }
                int8_t *yb = y + oy0 * out_w;
                if (K == 3 && stride == 1) {
                    dw_plane_k(scratch, srow, taps, 3, 1, rows_out, out_w, b, m, output_zero, yb, bits);
                } else if (K == 3) {
                    dw_plane_k(scratch, srow, taps, 3, 2, rows_out, out_w, b, m, output_zero, yb, bits);
                } else if (K == 5 && stride == 1) {
                    dw_plane_k(scratch, srow, taps, 5, 1, rows_out, out_w, b, m, output_zero, yb, bits);
                } else if (K == 5) {
                    dw_plane_k(scratch, srow, taps, 5, 2, rows_out, out_w, b, m, output_zero, yb, bits);
                } else if (stride == 1) {
                    dw_plane_k(scratch, srow, taps, 7, 1, rows_out, out_w, b, m, output_zero, yb, bits);
                } else {
                    dw_plane_k(scratch, srow, taps, 7, 2, rows_out, out_w, b, m, output_zero, yb, bits);
                }
            }
        }
    }
}

/* floor / ceil of numerator / denominator for denominator > 0 and any sign of numerator. */
static int32_t floor_div_nonneg(int32_t numerator, int32_t denominator)
{
    return numerator >= 0 ? numerator / denominator : -((-numerator + denominator - 1) / denominator);
}

static int32_t ceil_div_nonneg(int32_t numerator, int32_t denominator)
{
    return -floor_div_nonneg(-numerator, denominator);
}

/* The window sum of `pixels` outputs spaced `stride` input columns apart:
 * acc[i] = sum over (c, kh, kw) of x[c, kh, i * stride + kw] * w[c, kh, kw],
 * the raw input (the zero point comes off afterwards), KW taps per row. */
static TT_ALWAYS_INLINE void window_sums(int32_t *acc, int32_t pixels, const int8_t *x, int32_t plane,
                                         int32_t row, const int8_t *w, int32_t channels, int32_t kernel_h,
                                         int32_t KW, int32_t stride)
{
    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    for (int32_t c = 0; c < channels; ++c) {
        const int8_t *xr = x + c * plane;
        for (int32_t kh = 0; kh < kernel_h; ++kh) {
            for (int32_t kw = 0; kw < KW; ++kw) {
                const int32_t wv = w[kw];
                a0 += xr[kw] * wv;
                if (pixels > 1) {
                    a1 += xr[kw + stride] * wv;
                }
                if (pixels > 2) {
                    a2 += xr[kw + 2 * stride] * wv;
                }
                if (pixels > 3) {
                    a3 += xr[kw + 3 * stride] * wv;
                }
            }
            xr += row;
            w += KW;
        }
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

/* `count` interior outputs of one output row, every tap inside the input: no
 * bounds checks, and the zero point comes out of the sum as in the pointwise
 * path (sum((x - z) * w) = sum(x * w) - z * sum(w), exact under the verifier's
 * bound). x points at the first window's top-left input of channel 0. */
static TT_ALWAYS_INLINE void interior_row_k(const int8_t *x, int32_t plane, int32_t row, const int8_t *w,
                                            int32_t channels, int32_t kernel_h, int32_t KW, int32_t stride,
                                            int32_t count, int32_t zero_term, int32_t b, float m,
                                            int32_t output_zero, int8_t *y, mask_writer *bits)
{
    int32_t acc[4];
    int32_t i = 0;
    for (; i + 4 <= count; i += 4) {
        window_sums(acc, 4, x + i * stride, plane, row, w, channels, kernel_h, KW, stride);
        for (int32_t j = 0; j < 4; ++j) {
            conv_output(y + i + j, bits, sat_add(acc[j] - zero_term, b), m, output_zero);
        }
    }
    for (; i < count; ++i) {
        window_sums(acc, 1, x + i * stride, plane, row, w, channels, kernel_h, KW, stride);
        conv_output(y + i, bits, sat_add(acc[0] - zero_term, b), m, output_zero);
    }
}

static void interior_row(const int8_t *x, int32_t plane, int32_t row, const int8_t *w, int32_t channels,
                         int32_t kernel_h, int32_t kernel_w, int32_t stride, int32_t count, int32_t zero_term,
                         int32_t b, float m, int32_t output_zero, int8_t *y, mask_writer *bits)
{
    /* Constant kernel widths and strides unroll the tap loop. */
    if (kernel_w == 3 && stride == 1) {
        interior_row_k(x, plane, row, w, channels, kernel_h, 3, 1, count, zero_term, b, m, output_zero, y, bits);
    } else if (kernel_w == 3 && stride == 2) {
        interior_row_k(x, plane, row, w, channels, kernel_h, 3, 2, count, zero_term, b, m, output_zero, y, bits);
    } else if (kernel_w == 5 && stride == 1) {
        interior_row_k(x, plane, row, w, channels, kernel_h, 5, 1, count, zero_term, b, m, output_zero, y, bits);
    } else if (kernel_w == 5 && stride == 2) {
        interior_row_k(x, plane, row, w, channels, kernel_h, 5, 2, count, zero_term, b, m, output_zero, y, bits);
    } else if (kernel_w == 7 && stride == 1) {
        interior_row_k(x, plane, row, w, channels, kernel_h, 7, 1, count, zero_term, b, m, output_zero, y, bits);
    } else if (kernel_w == 7 && stride == 2) {
        interior_row_k(x, plane, row, w, channels, kernel_h, 7, 2, count, zero_term, b, m, output_zero, y, bits);
    } else {
        interior_row_k(x, plane, row, w, channels, kernel_h, kernel_w, stride, count, zero_term, b, m, output_zero,
                       y, bits);
    }
}
#endif

void tt_conv2d_s8(const int8_t *input, int32_t input_zero, const int8_t *weight, const int32_t *bias,
                  const float *multipliers, int32_t output_zero, int8_t *output, uint8_t *mask,
                  int32_t batch, int32_t in_channels, int32_t in_h, int32_t in_w,
                  int32_t out_channels, int32_t kernel_h, int32_t kernel_w,
                  int32_t stride_h, int32_t stride_w,
                  int32_t pad_top, int32_t pad_left, int32_t pad_bottom, int32_t pad_right,
                  int32_t groups)
{
    const int32_t out_h = (in_h + pad_top + pad_bottom - kernel_h) / stride_h + 1;
    const int32_t out_w = (in_w + pad_left + pad_right - kernel_w) / stride_w + 1;
    const int32_t group_in = in_channels / groups;
    const int32_t group_out = out_channels / groups;
    const int32_t taps = kernel_h * kernel_w;
    mask_writer bits = mask_begin(mask);

#ifndef TT_NAIVE_KERNELS
    if (kernel_h == 1 && kernel_w == 1 && stride_h == 1 && stride_w == 1 &&
        pad_top == 0 && pad_left == 0 && pad_bottom == 0 && pad_right == 0) {
        const int32_t pixels = in_h * in_w;
        if (group_in % 2 == 0 && pixels % 4 == 0 && group_out >= 4 &&
            (group_in <= 2 * (PW_PACK / 4) || pixels <= PW_ACC)) {
            conv2d_pointwise_pairs(input, input_zero, weight, bias, multipliers, output_zero, output, mask,
                                   batch, in_channels, pixels, out_channels, groups);
            return;
        }
        conv2d_pointwise(input, input_zero, weight, bias, multipliers, output_zero, output, &bits,
                         batch, in_channels, pixels, out_channels, groups);
        mask_end(&bits);
        return;
    }
#endif

#ifndef TT_NAIVE_KERNELS
    /* Depthwise KxK on a small plane: conv2d_depthwise. */
    if (group_in == 1 && group_out == 1 && kernel_h == kernel_w &&
        (kernel_h == 3 || kernel_h == 5 || kernel_h == 7) && stride_h == stride_w &&
        (stride_h == 1 || stride_h == 2) && pad_top >= 0 && pad_left >= 0 && pad_bottom >= 0 &&
        pad_right >= 0 && input_zero >= -255 && input_zero <= 255 && out_h > 0 && out_w > 0 &&
        (in_w + pad_left + pad_right) * kernel_h <= DW_SCRATCH) {
        conv2d_depthwise(input, input_zero, weight, bias, multipliers, output_zero, output, &bits, batch,
                         in_channels, in_h, in_w, kernel_h, stride_h, pad_top, pad_left,
                         in_w + pad_left + pad_right, in_h + pad_top + pad_bottom, out_h, out_w);
        mask_end(&bits);
        return;
    }
#endif

    /* General case. Per output row and column only the kernel taps that land
     * inside the input are visited (padding is real zero and adds nothing), so
     * the inner loops carry no bounds checks. Outputs are produced in NCHW
     * order, which is also the mask's flat order. */
    int8_t *y = output;
#ifndef TT_NAIVE_KERNELS
    /* Interior outputs, whose whole window lies inside the input, go through
     * interior_row; the rest (the padded border) through the loop below. */
    const int32_t oy_inner_begin = ceil_div_nonneg(pad_top, stride_h);
    const int32_t oy_inner_end = max_i32(oy_inner_begin, min_i32(out_h, floor_div_nonneg(in_h + pad_top - kernel_h, stride_h) + 1));
    const int32_t ox_inner_begin = min_i32(out_w, ceil_div_nonneg(pad_left, stride_w));
    const int32_t ox_inner_end = max_i32(ox_inner_begin, min_i32(out_w, floor_div_nonneg(in_w + pad_left - kernel_w, stride_w) + 1));
    const int has_interior = oy_inner_end > oy_inner_begin && ox_inner_end > ox_inner_begin;
#endif
    for (int32_t n = 0; n < batch; ++n) {
        for (int32_t o = 0; o < out_channels; ++o) {
            const int32_t first_channel = (o / group_out) * group_in;
            const int8_t *x_group = input + (n * in_channels + first_channel) * in_h * in_w;
            const int8_t *w_o = weight + o * group_in * taps;
            const int32_t b = bias[o];
            const float m = multipliers[o];
#ifndef TT_NAIVE_KERNELS
            int32_t weight_sum = 0; /* only needed when there are interior outputs */
            for (int32_t i = 0; has_interior && i < group_in * taps; ++i) {
                weight_sum += w_o[i];
            }
            const int32_t zero_term = input_zero * weight_sum;
#endif
            for (int32_t oy = 0; oy < out_h; ++oy) {
                const int32_t iy0 = oy * stride_h - pad_top;
                const int32_t kh_begin = max_i32(0, -iy0);
                const int32_t kh_end = min_i32(kernel_h, in_h - iy0);
                for (int32_t ox = 0; ox < out_w; ++ox) {
#ifndef TT_NAIVE_KERNELS
                    if (ox == ox_inner_begin && oy >= oy_inner_begin && oy < oy_inner_end && has_interior) {
                        const int32_t count = ox_inner_end - ox_inner_begin;
                        interior_row(x_group + iy0 * in_w + (ox * stride_w - pad_left), in_h * in_w, in_w, w_o,
                                     group_in, kernel_h, kernel_w, stride_w, count, zero_term, b, m, output_zero,
                                     y, &bits);
                        y += count;
                        ox = ox_inner_end - 1;
                        continue;
                    }
#endif
                    const int32_t ix0 = ox * stride_w - pad_left;
                    const int32_t kw_begin = max_i32(0, -ix0);
                    const int32_t kw_end = min_i32(kernel_w, in_w - ix0);
                    int32_t acc = 0;
                    for (int32_t c = 0; c < group_in; ++c) {
                        const int8_t *x_c = x_group + c * in_h * in_w;
                        const int8_t *w_c = w_o + c * taps;
                        for (int32_t kh = kh_begin; kh < kh_end; ++kh) {
                            /* Indices, not pointers, because ix0 may be negative. */
                            const int32_t row = (iy0 + kh) * in_w + ix0;
                            const int8_t *w_row = w_c + kh * kernel_w;
                            for (int32_t kw = kw_begin; kw < kw_end; ++kw) {
                                acc += ((int32_t)x_c[row + kw] - input_zero) * w_row[kw];
                            }
                        }
                    }
                    conv_output(y++, &bits, sat_add(acc, b), m, output_zero);
                }
            }
        }
    }
    mask_end(&bits);
}

/* ------------------------------------------------------------------ add */

void tt_add_s8(const int8_t *lhs, int32_t lhs_zero, float lhs_mult,
               const int8_t *rhs, int32_t rhs_zero, float rhs_mult,
               int32_t output_zero, int8_t *output, uint8_t *mask, int32_t count)
{
    mask_writer bits = mask_begin(mask);
    for (int32_t i = 0; i < count; ++i) {
        const int8_t a = lhs[i];
        const int8_t b = rhs[i];
        const int8_t value = add_requantize_s8(a, lhs_zero, lhs_mult, b, rhs_zero, rhs_mult, output_zero);
        output[i] = value;
        if (mask != NULL) {
            int inside = 1;
            if (value == INT8_MIN || value == INT8_MAX) {
                /* On a rail: redo tt_add_requantize's f32 products and sum. */
                const float a_part = (float)((int32_t)a - lhs_zero) * lhs_mult;
                const float b_part = (float)((int32_t)b - rhs_zero) * rhs_mult;
                inside = rounded_inside_int8(rintf(a_part + b_part), output_zero);
            }
            mask_push(&bits, inside);
        }
    }
    mask_end(&bits);
}

/* ------------------------------------------------------------------ global_avgpool */

void tt_global_avgpool_s8(const int8_t *input, int8_t *output,
                          int32_t batch, int32_t channels, int32_t h, int32_t w)
{
    const int32_t pixels = h * w;
    const int32_t planes = batch * channels;
    for (int32_t plane = 0; plane < planes; ++plane) {
        const int8_t *x = input + plane * pixels;
        int32_t sum = 0; /* |sum| <= 128 * pixels: exact for any realistic plane */
        for (int32_t p = 0; p < pixels; ++p) {
            sum += x[p];
        }
        /* The rounded mean of int8 values is an int8 value; clamp anyway. */
        const int32_t mean = tt_div_round_half_even(sum, pixels);
        output[plane] = (int8_t)max_i32(INT8_MIN, min_i32(INT8_MAX, mean));
    }
}

/* ------------------------------------------------------------------ dequantize */

void tt_dequantize_s8(const int8_t *input, int32_t zero, float scale, float *output, int32_t count)
{
    /* Back to front: with output == input, float i overwrites int8 elements
     * 4i..4i+3, which are read already. */
    for (int32_t i = count - 1; i >= 0; --i) {
        const float centered = (float)((int32_t)input[i] - zero);
        output[i] = centered * scale;
    }
}

/* ------------------------------------------------------------------ linear */

void tt_linear_f32(const float *input, const float *weight, const float *bias, float *output,
                   int32_t batch, int32_t in_features, int32_t out_features)
{
    for (int32_t n = 0; n < batch; ++n) {
        const float *x = input + n * in_features;
        for (int32_t o = 0; o < out_features; ++o) {
            const float *w = weight + o * in_features;
            float acc = 0.0f;
            for (int32_t k = 0; k < in_features; ++k) {
                acc += x[k] * w[k];
            }
            output[n * out_features + o] = acc + bias[o];
        }
    }
}

/* ------------------------------------------------------------------ slice_channels */

void tt_slice_channels_s8(const int8_t *input, int8_t *output, int32_t batch, int32_t channels,
                          int32_t kept_channels, int32_t h, int32_t w)
{
    const size_t kept = (size_t)kept_channels * (size_t)h * (size_t)w;
    const size_t stride = (size_t)channels * (size_t)h * (size_t)w;
    for (int32_t n = 0; n < batch; ++n) {
        /* memmove: in place the slices slide towards the front and may overlap. */
        if (output + (size_t)n * kept != input + (size_t)n * stride) {
            memmove(output + (size_t)n * kept, input + (size_t)n * stride, kept);
        }
    }
}
