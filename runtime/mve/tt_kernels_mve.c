/*
 * Helium (MVE) fast paths for the Cortex-M55: int8 1x1 conv, int8 depthwise
 * conv, int8 SGD update. Bit-exact with the portable kernels of runtime/src
 * (see tt_kernels_mve.h for the dispatch contract).
 *
 * Layout is NCHW, so the contiguous axis is the pixel axis: every kernel runs
 * 4 pixels per vector in int32 lanes. int8 x int8 products do not fit int16
 * sums, and MVE's widening multiply-accumulates reduce across lanes (a channel
 * dot product wants the channels contiguous, NHWC), so the MAC is
 * VMLA.S32 Qacc, Qx, Rw: a widening byte load (VLDRB.S32) of 4 pixels times
 * one scalar weight, 4 exact int32 MACs per instruction.
 *
 * Requantization per 4 lanes, as tt_requantize / conv_output of the portable
 * code: acc = sat32(sum - zero_term + bias) (VQADD), f32(acc) (VCVT, exact
 * rounding to nearest as the scalar conversion), * multiplier (VMUL, one IEEE
 * product, no fusing), rint with ties to even and int32 saturation
 * (VCVTN.S32.F32), + output_zero saturating (VQADD), clamp to int8 (VMIN,
 * VMAX); the clamp-mask bit is "the clamp did not change the value", which is
 * the portable DSP path's test (a saturated int32 lies far outside int8
 * either way). MVE float arithmetic flushes denormals to zero (it uses the
 * "standard" FP behaviour); a denormal product here rounds to 0 either way,
 * so this changes no result.
 */
#include "tt_kernels_mve.h"

#include "tt_kernels.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

/* Bit 0 of __ARM_FEATURE_MVE is integer MVE, bit 1 floating-point MVE; the
 * requantization and the SGD step are f32 vector arithmetic, so both are needed. */
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 2)
#define TT_MVE 1
#include <arm_mve.h>
#else
#define TT_MVE 0
#endif

#define TT_INLINE static inline __attribute__((always_inline))
/* The hot loops: out of line, and without gcc's pre-allocation scheduling,
 * which hoists the loads of an unrolled tap loop and then spills the 8 Q
 * registers to the stack. */
#if defined(__clang__)
#define TT_HOT static __attribute__((noinline))
#else
#define TT_HOT static __attribute__((noinline, optimize("no-schedule-insns")))
#endif

int tt_mve_available(void)
{
    return TT_MVE;
}

#if TT_MVE

/* ------------------------------------------------------------ shared */

/* Writes `count` (1..16) mask bits at flat bit index `index`, leaving the
 * neighbouring bits as they are (outputs need not come in flat order). */
TT_INLINE void mask_put(uint8_t *mask, int32_t index, uint32_t bits, int32_t count)
{
    const uint32_t shift = (uint32_t)index & 7u;
    uint8_t *byte = mask + (index >> 3);
    if (shift == 0 && count == 8) {
        *byte = (uint8_t)bits;
        return;
    }
    if (shift == 0 && count == 16) {
        byte[0] = (uint8_t)bits;
        byte[1] = (uint8_t)(bits >> 8);
        return;
    }
    const uint32_t field = ((1u << count) - 1u) << shift;
    const uint32_t value = bits << shift;
    const int32_t bytes = (int32_t)(shift + (uint32_t)count + 7u) >> 3;
    for (int32_t i = 0; i < bytes; ++i) {
        const uint32_t f = field >> (8 * i);
        byte[i] = (uint8_t)((byte[i] & ~f) | ((value >> (8 * i)) & f));
    }
}

/* The unused high bits of the last mask byte are 0 (tt_kernels.h). */
static void mask_finish(uint8_t *mask, int32_t total)
{
    if (mask != NULL && (total & 7) != 0) {
        mask[total >> 3] &= (uint8_t)((1u << (total & 7)) - 1u);
    }
}

/* rint(f32(sat32(acc + bias)) * multiplier) + zero, saturated to int32, for 4
 * accumulators (sum - zero_term, wrap-exact). */
TT_INLINE int32x4_t round4(int32x4_t acc, int32_t bias, float multiplier, int32_t zero)
{
    acc = vqaddq_n_s32(acc, bias);
    const float32x4_t product = vmulq_n_f32(vcvtq_f32_s32(acc), multiplier);
    return vqaddq_n_s32(vcvtnq_s32_f32(product), zero);
}

/* Clamp to [-128, 127] without constant registers: a saturating shift left by
 * 24 saturates exactly the values outside int8, the shift back restores the rest. */
TT_INLINE int32x4_t clamp8(int32x4_t r)
{
    return vshrq_n_s32(vqshlq_n_s32(r, 24), 24);
}

/* Requantizes one vector of `lanes` (<= 0: none, >= 4: all) outputs, stores
 * them at y and returns their mask bits (lane i -> bit i) when `mask`. */
TT_INLINE uint32_t store_vec(int8_t *y, int32x4_t acc, int32_t lanes, int32_t bias, float m, int32_t zero, int mask)
{
    if (lanes <= 0) {
        return 0;
    }
    const int32x4_t rounded = round4(acc, bias, m, zero);
    const int32x4_t value = clamp8(rounded);
    if (lanes >= 4) {
        vstrbq_s32(y, value);
    } else {
        vstrbq_p_s32(y, value, vctp32q((uint32_t)lanes));
    }
    if (!mask) {
        return 0;
    }
    /* The clamp mask: the clamp left the value as it was. */
    const int32x4_t weights = {1, 2, 4, 8};
    const uint32_t bits = (uint32_t)vaddvq_p_s32(weights, vcmpeqq_s32(rounded, value));
    return lanes >= 4 ? bits : bits & ((1u << lanes) - 1u);
}

/* Up to 4 vectors (NV) of consecutive outputs of one channel: `lanes` of them real. */
TT_INLINE void store_run(int8_t *y, uint8_t *mask, int32_t bit, int NV, int32_t lanes, int32x4_t a0, int32x4_t a1,
                         int32x4_t a2, int32x4_t a3, int32_t bias, float m, int32_t zero)
{
    const int with_mask = mask != NULL;
    uint32_t bits = store_vec(y, a0, lanes, bias, m, zero, with_mask);
    if (NV > 1) {
        bits |= store_vec(y + 4, a1, lanes - 4, bias, m, zero, with_mask) << 4;
    }
    if (NV > 2) {
        bits |= store_vec(y + 8, a2, lanes - 8, bias, m, zero, with_mask) << 8;
    }
    if (NV > 3) {
        bits |= store_vec(y + 12, a3, lanes - 12, bias, m, zero, with_mask) << 12;
    }
    if (with_mask) {
        mask_put(mask, bit, bits, lanes < 4 * NV ? lanes : 4 * NV);
    }
}

/* Copies `count` bytes with predicated 16-byte vectors. */
TT_INLINE void copy_bytes(int8_t *d, const int8_t *s, int32_t count)
{
    for (int32_t i = 0; i < count; i += 16) {
        const mve_pred16_t p = vctp8q((uint32_t)(count - i));
        vstrbq_p_s8(d + i, vldrbq_z_s8(s + i, p), p);
    }
}

TT_INLINE void fill_bytes(int8_t *d, int8_t value, int32_t count)
{
    const int8x16_t v = vdupq_n_s8(value);
    for (int32_t i = 0; i < count; i += 16) {
        vstrbq_p_s8(d + i, v, vctp8q((uint32_t)(count - i)));
    }
}

/* ------------------------------------------------------------ 1x1 conv */

/* NOUT output channels x NV vectors of 4 pixels (NOUT * NV <= 6, NV <= 4:
 * with one register for the input vector that fills the 8 Q registers). x:
 * the group's channel 0 at the block's first pixel; w: NOUT weight rows of
 * group_in. `lanes` pixels of the 4 * NV are real (the rest are neither loaded
 * nor stored). With no zero padding the zero point comes out of the sum:
 * sum((x - z) * w) = sum(x * w) - z * sum(w), wrap-exact in int32 (the conv
 * verifier bounds the true sums), so the accumulators start at -z * sum(w). */
TT_INLINE void pw_block(const int8_t *x, int32_t pixels, const int8_t *w, int32_t group_in, const int32_t *zero_terms,
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

/* The channel-contiguous form (for group_in <= PWT_MAX_CHANNELS): 16 pixels
 * at a time are transposed into a tile [chunk][pixel][16 channels] (one
 * 16-byte load per channel, one byte scatter with offsets 16 * pixel, which
 * fit the 8-bit offsets), zero beyond group_in. Then each output is a dot
 * product over the channels, 16 int8 MACs per VMLADAVA.S8 into an exact int32
 * scalar accumulator (wrapping, as the portable sums), 4 pixels per weight
 * load. The 4 sums become one vector for the requantization. */
#define PWT_MAX_CHANNELS 640

/* Transposes channels [0, group_in) of pixels [p, p + count) (count <= 16) into the tile. */
TT_INLINE void pwt_transpose(int8_t *tile, const int8_t *x, int32_t pixels, int32_t group_in, int32_t count)
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
TT_INLINE int32x4_t pwt_dot4(const int8_t *tile, const int8_t *w, int32_t group_in, int32_t g, int32_t init)
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
TT_INLINE void finish16(int8_t *y, uint8_t *mask, int32_t bit, int32_t count, int32x4_t v0, int32x4_t v1,
                        int32x4_t v2, int32x4_t v3, int32_t bias, float m, int32_t zero)
{
#define PWT_ROUND(V) vcvtnq_s32_f32(vmulq_n_f32(vcvtq_f32_s32(vqaddq_n_s32(V, bias)), m))
    int16x8_t even = vqmovnbq_s32(vuninitializedq_s16(), PWT_ROUND(v0)); /* pixels 0, 4, 8, 12 */
    even = vqmovntq_s32(even, PWT_ROUND(v2));                            /* pixels 2, 6, 10, 14 */
    int16x8_t odd = vqmovnbq_s32(vuninitializedq_s16(), PWT_ROUND(v1));
    odd = vqmovntq_s32(odd, PWT_ROUND(v3));
#undef PWT_ROUND
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

/* sum(w[0 .. n)) with 16-byte vectors. */
TT_INLINE int32_t weight_sum(const int8_t *w, int32_t n)
{
    int32_t sum = 0;
    for (int32_t i = 0; i < n; i += 16) {
        sum = vaddvaq_s8(sum, vldrbq_z_s8(w + i, vctp8q((uint32_t)(n - i))));
    }
    return sum;
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
    int8_t tile[chunks * 256]; /* at most PWT_MAX_CHANNELS * 16 bytes */
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

int tt_mve_conv2d_pointwise_s8(const int8_t *input, int32_t input_zero, const int8_t *weight, const int32_t *bias,
                               const float *multipliers, int32_t output_zero, int8_t *output, uint8_t *mask,
                               int32_t batch, int32_t in_channels, int32_t in_h, int32_t in_w,
                               int32_t out_channels, int32_t kernel_h, int32_t kernel_w,
                               int32_t stride_h, int32_t stride_w,
                               int32_t pad_top, int32_t pad_left, int32_t pad_bottom, int32_t pad_right,
                               int32_t groups)
{
    if (kernel_h != 1 || kernel_w != 1 || stride_h != 1 || stride_w != 1 || pad_top != 0 || pad_left != 0 ||
        pad_bottom != 0 || pad_right != 0 || groups < 1 || in_channels % groups != 0 || out_channels % groups != 0) {
        return 0;
    }
    const int32_t pixels = in_h * in_w;
    const int32_t group_in = in_channels / groups;
    const int32_t group_out = out_channels / groups;
    if (group_in <= PWT_MAX_CHANNELS) {
        pointwise_tiled(input, input_zero, weight, bias, multipliers, output_zero, output, mask, batch, in_channels,
                        pixels, out_channels, groups);
        mask_finish(mask, batch * out_channels * pixels);
        return 1;
    }
    for (int32_t n = 0; n < batch; ++n) {
        for (int32_t o = 0; o < out_channels;) {
            const int32_t g = o / group_out;
            const int32_t left = (g + 1) * group_out - o; /* output channels left in this group */
            const int32_t block = left >= 3 ? 3 : left; /* 3 x 8 pixels, then 2 x 12 or 1 x 16 */
            const int8_t *x = input + (n * in_channels + g * group_in) * pixels;
            const int8_t *w = weight + o * group_in;
            int32_t zero_terms[3];
            for (int32_t j = 0; j < block; ++j) {
                int32_t sum = 0;
                for (int32_t c = 0; c < group_in; ++c) {
                    sum += w[j * group_in + c];
                }
                zero_terms[j] = input_zero * sum;
            }
            const int32_t bit = (n * out_channels + o) * pixels;
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
    mask_finish(mask, batch * out_channels * pixels);
    return 1;
}

/* ------------------------------------------------------------ depthwise */

/* Per channel the input rows are copied into an int8 scratch padded with the
 * input zero point (x - z = 0 there, real zero), so every window is whole and
 * the sum is sum(x * w) - z * sum(w) over all taps. Planes bigger than the
 * scratch go in bands of output rows. Stride 2 along wide rows keeps the even
 * and the odd padded columns apart in each scratch row (VLD2 deinterleaves
 * them), so that every tap loads 4 consecutive bytes there too; narrow rows
 * (below DW_WIDE outputs) read 4 outputs' taps with one gather instead (byte
 * offsets 0, 2, 4, 6: fewer instructions than deinterleaving their rows, but
 * a gather is slower on the core than a contiguous load). */
#define DWM_SCRATCH 8192
#define DWM_LINE 1024 /* the widest padded row for stride 2 */
#define DW_WIDE 12 /* rows of at least this many outputs go in runs along the row, narrower ones in slots */
#define DWM_SLACK 64 /* a slot past the row end reads (does not use) up to 4 * 2 + KW bytes further */

/* The outputs of a band are cut into "slots" of up to 4 consecutive outputs
 * of one row (a row of out_w outputs has ceil(out_w / 4) slots), and 4
 * consecutive slots make a chunk: one accumulator vector per slot, so narrow
 * planes (out_w 4 or 8, common late in MCUNet) still fill the 4 vectors from
 * several rows. Slots follow each other in flat output order, so a chunk's
 * mask bits are one run. Each tap is one scalar weight load and, per slot, a
 * widening load of 4 inputs (consecutive; stride 2: a gather) and a VMLA. */
typedef struct {
    const int8_t *src; /* scratch address of the slot's first window */
    int32_t at;        /* flat output index (relative to the band) */
    int32_t lanes;     /* 0 (unused slot) .. 4 */
} dw_slot;

TT_INLINE void dw_chunk(const dw_slot *slot, int32_t srow, const int8_t *w, int32_t KH, int32_t KW, int SW,
                        int32_t init, int32_t bias, float m, int32_t output_zero, int8_t *y, uint8_t *mask,
                        int32_t bit)
{
    int32x4_t a0, a1, a2, a3; /* named, not an array: gcc keeps arrays of vectors in memory */
    a0 = a1 = a2 = a3 = vdupq_n_s32(init);
    const uint32x4_t offsets = {0, 2, 4, 6};
    const int8_t *r0 = slot[0].src, *r1 = slot[1].src, *r2 = slot[2].src, *r3 = slot[3].src;
    for (int32_t kh = 0; kh < KH; ++kh) {
#pragma GCC unroll 7
        for (int32_t kw = 0; kw < KW; ++kw) {
            const int32_t wv = w[kw];
#if defined(__GNUC__) && !defined(__clang__)
            if (SW == 1 && __builtin_constant_p(kw)) {
                /* Immediate offsets from the 4 slot pointers (see dw_run). */
                int32x4_t x;
                __asm__("vldrb.s32 %q[x], [%[r0], %[k]]\n\t"
                        "vmla.s32 %q[a0], %q[x], %[w]\n\t"
                        "vldrb.s32 %q[x], [%[r1], %[k]]\n\t"
                        "vmla.s32 %q[a1], %q[x], %[w]\n\t"
                        "vldrb.s32 %q[x], [%[r2], %[k]]\n\t"
                        "vmla.s32 %q[a2], %q[x], %[w]\n\t"
                        "vldrb.s32 %q[x], [%[r3], %[k]]\n\t"
                        "vmla.s32 %q[a3], %q[x], %[w]"
                        : [a0] "+w"(a0), [a1] "+w"(a1), [a2] "+w"(a2), [a3] "+w"(a3), [x] "=&w"(x)
                        : [r0] "r"(r0), [r1] "r"(r1), [r2] "r"(r2), [r3] "r"(r3), [w] "r"(wv), [k] "n"(kw),
                          "m"(*(const int8_t(*)[4 + 7])r0), "m"(*(const int8_t(*)[4 + 7])r1),
                          "m"(*(const int8_t(*)[4 + 7])r2), "m"(*(const int8_t(*)[4 + 7])r3));
                continue;
            }
#endif
#define DW_TAP(R, A) A = vmlaq_n_s32(A, SW == 1 ? vldrbq_s32(R + kw) : vldrbq_gather_offset_s32(R + kw, offsets), wv)
            DW_TAP(r0, a0);
            DW_TAP(r1, a1);
            DW_TAP(r2, a2);
            DW_TAP(r3, a3);
#undef DW_TAP
        }
        r0 += srow;
        r1 += srow;
        r2 += srow;
        r3 += srow;
        w += KW;
    }
    const int with_mask = mask != NULL;
    const int32_t at = slot[0].at;
    uint32_t bits = store_vec(y + at, a0, slot[0].lanes, bias, m, output_zero, with_mask);
    int32_t n = slot[0].lanes;
    bits |= store_vec(y + slot[1].at, a1, slot[1].lanes, bias, m, output_zero, with_mask) << n;
    n += slot[1].lanes;
    bits |= store_vec(y + slot[2].at, a2, slot[2].lanes, bias, m, output_zero, with_mask) << n;
    n += slot[2].lanes;
    bits |= store_vec(y + slot[3].at, a3, slot[3].lanes, bias, m, output_zero, with_mask) << n;
    n += slot[3].lanes;
    if (with_mask) {
        mask_put(mask, bit + at, bits, n);
    }
}

/* `lanes` (1..16) outputs of one output row: NV vectors of 4, KH x KW taps
 * (KW constant when known), column stride SW (1 or 2). */
TT_INLINE void dw_run(const int8_t *row, int32_t srow, int32_t half, const int8_t *w, int32_t KH, int32_t KW, int SW,
                      int NV,
                        int32_t init, int32_t lanes, int32_t bias, float m, int32_t output_zero, int8_t *y,
                        uint8_t *mask, int32_t bit)
{
    int32x4_t a0, a1, a2, a3; /* named, not an array: gcc keeps arrays of vectors in memory */
    a0 = a1 = a2 = a3 = vdupq_n_s32(init);
    /* One pointer per vector: the taps are then immediate offsets (gcc 12 does
     * not fold a sum of two constants into an MVE load's offset). */
    const int8_t *r0 = row, *r1 = row + 4, *r2 = row + 8, *r3 = row + 12;
    for (int32_t kh = 0; kh < KH; ++kh) {
#pragma GCC unroll 7
        for (int32_t kw = 0; kw < KW; ++kw) {
            const int32_t wv = w[kw];
#if defined(__GNUC__) && !defined(__clang__)
            if (NV == 4 && __builtin_constant_p(kw)) {
                /* The common full run: 4 loads at immediate offsets from one
                 * pointer (gcc 12 would materialise each address). Stride 2:
                 * the even or the odd columns, by the parity of kw. */
                const int8_t *base = SW == 1 ? r0 : (kw & 1) ? r0 + half : r0;
                const int32_t k = SW == 1 ? kw : kw >> 1;
                int32x4_t x;
                __asm__("vldrb.s32 %q[x], [%[r], %[o0]]\n\t"
                        "vmla.s32 %q[a0], %q[x], %[w]\n\t"
                        "vldrb.s32 %q[x], [%[r], %[o1]]\n\t"
                        "vmla.s32 %q[a1], %q[x], %[w]\n\t"
                        "vldrb.s32 %q[x], [%[r], %[o2]]\n\t"
                        "vmla.s32 %q[a2], %q[x], %[w]\n\t"
                        "vldrb.s32 %q[x], [%[r], %[o3]]\n\t"
                        "vmla.s32 %q[a3], %q[x], %[w]"
                        : [a0] "+w"(a0), [a1] "+w"(a1), [a2] "+w"(a2), [a3] "+w"(a3), [x] "=&w"(x)
                        : [r] "r"(base), [w] "r"(wv), [o0] "n"(k), [o1] "n"(k + 4), [o2] "n"(k + 8),
                          [o3] "n"(k + 12), "m"(*(const int8_t(*)[16 + 7])base));
                continue;
            }
#endif
#define DW_TAP(V, R, A)                                                                                              \
    if (NV > V) {                                                                                                    \
        A = vmlaq_n_s32(A, vldrbq_s32(SW == 1 ? R + kw : R + ((kw & 1) ? half : 0) + (kw >> 1)), wv);               \
    }
            DW_TAP(0, r0, a0)
            DW_TAP(1, r1, a1)
            DW_TAP(2, r2, a2)
            DW_TAP(3, r3, a3)
#undef DW_TAP
        }
        r0 += srow;
        r1 += srow;
        r2 += srow;
        r3 += srow;
        w += KW;
    }
    store_run(y, mask, bit, NV, lanes, a0, a1, a2, a3, bias, m, output_zero);
}

/* One output row of out_w outputs: chunks of 16, then one of 4, 8 or 12 (the
 * last vector predicated). */
TT_INLINE void dw_wide_row(const int8_t *row, int32_t srow, int32_t half, const int8_t *w, int32_t KH, int32_t KW, int SW, int32_t init,
                      int32_t out_w, int32_t bias, float m, int32_t oz, int8_t *y, uint8_t *mask, int32_t bit)
{
    int32_t ox = 0;
    for (; ox + 16 <= out_w; ox += 16) {
        dw_run(row + ox, srow, half, w, KH, KW, SW, 4, init, 16, bias, m, oz, y + ox, mask, bit + ox);
    }
    const int32_t rest = out_w - ox;
    const int32_t nv = (rest + 3) / 4;
    const int8_t *r = row + ox;
    if (nv == 1) {
        dw_run(r, srow, half, w, KH, KW, SW, 1, init, rest, bias, m, oz, y + ox, mask, bit + ox);
    } else if (nv == 2) {
        dw_run(r, srow, half, w, KH, KW, SW, 2, init, rest, bias, m, oz, y + ox, mask, bit + ox);
    } else if (nv == 3) {
        dw_run(r, srow, half, w, KH, KW, SW, 3, init, rest, bias, m, oz, y + ox, mask, bit + ox);
    } else if (nv == 4) {
        dw_run(r, srow, half, w, KH, KW, SW, 4, init, rest, bias, m, oz, y + ox, mask, bit + ox);
    }
}

/* The band's rows (rows x out_w outputs), specialised per (KW, SW): constant
 * tap counts unroll. */
#define DW_ROWS(NAME, KW_CONST, SW)                                                                                  \
    TT_HOT void NAME(const int8_t *s, int32_t srow, int32_t half, int32_t sh, const int8_t *w,                       \
                                               int32_t KH, int32_t KW, int32_t init, int32_t rows, int32_t out_w,   \
                                               int32_t bias, float m, int32_t oz, int8_t *y, uint8_t *mask,         \
                                               int32_t bit)                                                         \
    {                                                                                                                \
        if (out_w >= DW_WIDE) { /* wide rows: runs of 16 along the row */                                                \
            for (int32_t oy = 0; oy < rows; ++oy) {                                                                  \
                dw_wide_row(s + oy * sh * srow, srow, half, w, KH, KW_CONST, SW, init, out_w, bias, m, oz, y + oy * out_w, \
                            mask, bit + oy * out_w);                                                                 \
            }                                                                                                        \
            return;                                                                                                  \
        }                                                                                                            \
        int32_t oy = 0, ox = 0;                                                                                      \
        while (oy < rows) {                                                                                          \
            dw_slot slot[4];                                                                                         \
            for (int i = 0; i < 4; ++i) {                                                                            \
                if (oy < rows) {                                                                                     \
                    const int32_t left = out_w - ox;                                                                 \
                    slot[i].src = s + oy * sh * srow + ox * SW;                                                      \
                    slot[i].at = oy * out_w + ox;                                                                    \
                    slot[i].lanes = left < 4 ? left : 4;                                                             \
                    ox += 4;                                                                                         \
                    if (ox >= out_w) {                                                                               \
                        ox = 0;                                                                                      \
                        ++oy;                                                                                        \
                    }                                                                                                \
                } else {                                                                                             \
                    slot[i] = slot[0];                                                                               \
                    slot[i].lanes = 0;                                                                               \
                }                                                                                                    \
            }                                                                                                        \
            dw_chunk(slot, srow, w, KH, KW_CONST, SW, init, bias, m, oz, y, mask, bit);                             \
        }                                                                                                            \
        (void)KW;                                                                                                    \
        (void)half;                                                                                                  \
    }
DW_ROWS(dw_rows_3s1, 3, 1)
DW_ROWS(dw_rows_3s2, 3, 2)
DW_ROWS(dw_rows_5s1, 5, 1)
DW_ROWS(dw_rows_5s2, 5, 2)
DW_ROWS(dw_rows_7s1, 7, 1)
DW_ROWS(dw_rows_7s2, 7, 2)
DW_ROWS(dw_rows_ks1, KW, 1)
DW_ROWS(dw_rows_ks2, KW, 2)
#undef DW_ROWS

int tt_mve_conv2d_depthwise_s8(const int8_t *input, int32_t input_zero, const int8_t *weight, const int32_t *bias,
                               const float *multipliers, int32_t output_zero, int8_t *output, uint8_t *mask,
                               int32_t batch, int32_t in_channels, int32_t in_h, int32_t in_w,
                               int32_t out_channels, int32_t kernel_h, int32_t kernel_w,
                               int32_t stride_h, int32_t stride_w,
                               int32_t pad_top, int32_t pad_left, int32_t pad_bottom, int32_t pad_right,
                               int32_t groups)
{
    const int32_t padded_w = in_w + pad_left + pad_right;
    /* Stride 2 along rows: each scratch row holds the even padded columns, then
     * (at `half`) the odd ones, so the taps of 4 neighbouring outputs are 4
     * consecutive bytes (a tap kw reads half * (kw & 1) + kw / 2 + ox). */
    const int32_t out_w_ = (padded_w - kernel_w) / stride_w + 1;
    const int deinterleave = stride_w == 2 && out_w_ >= DW_WIDE;
    const int32_t half = deinterleave ? (padded_w + 1) / 2 : 0;
    const int32_t srow = deinterleave ? 2 * half : padded_w;
    if (groups != in_channels || out_channels != in_channels || groups < 1 || kernel_h < 1 || kernel_w < 1 ||
        (stride_h != 1 && stride_h != 2) || (stride_w != 1 && stride_w != 2) || pad_top < 0 || pad_left < 0 ||
        pad_bottom < 0 || pad_right < 0 || input_zero < -128 || input_zero > 127 || srow * kernel_h > DWM_SCRATCH ||
        (deinterleave && padded_w > DWM_LINE)) {
        return 0;
    }
    const int32_t out_h = (in_h + pad_top + pad_bottom - kernel_h) / stride_h + 1;
    const int32_t out_w = (padded_w - kernel_w) / stride_w + 1;
    if (out_h <= 0 || out_w <= 0) {
        return 0;
    }
    int8_t scratch[DWM_SCRATCH + DWM_SLACK];
    int8_t line[deinterleave ? DWM_LINE + 32 : 1]; /* one padded input row, for the deinterleave */
    if (deinterleave) {
        fill_bytes(line, (int8_t)input_zero, DWM_LINE + 32);
    }
    /* Output rows per band: (band - 1) * stride_h + kernel_h input rows fit. */
    int32_t band = (DWM_SCRATCH / srow - kernel_h) / stride_h + 1;
    if (band > out_h) {
        band = out_h;
    }
    const int32_t band_rows = (band - 1) * stride_h + kernel_h;
    /* Padding columns (and rows outside the input) hold the zero point; the
     * slack is set too, so the lanes computed past a row's end read defined bytes. */
    fill_bytes(scratch, (int8_t)input_zero, band_rows * srow + DWM_SLACK);
    const int32_t taps = kernel_h * kernel_w;
    const int32_t plane = in_h * in_w;
    for (int32_t n = 0; n < batch; ++n) {
        for (int32_t c = 0; c < in_channels; ++c) {
            const int8_t *x = input + (n * in_channels + c) * plane;
            const int8_t *w = weight + c * taps;
            const int32_t bit = (n * in_channels + c) * out_h * out_w;
            const int32_t init = -input_zero * weight_sum(w, taps);
            for (int32_t oy0 = 0; oy0 < out_h; oy0 += band) {
                const int32_t rows_out = out_h - oy0 < band ? out_h - oy0 : band;
                const int32_t first_row = oy0 * stride_h - pad_top;
                const int32_t rows = (rows_out - 1) * stride_h + kernel_h;
                for (int32_t j = 0; j < rows; ++j) {
                    const int32_t iy = first_row + j;
                    int8_t *row = scratch + j * srow;
                    if (iy < 0 || iy >= in_h) {
                        if (band < out_h) {
                            fill_bytes(row, (int8_t)input_zero, srow); /* a previous band may have filled it */
                        }
                    } else if (!deinterleave) {
                        copy_bytes(row + pad_left, x + iy * in_w, in_w);
                    } else {
                        /* VLD2 splits 32 padded bytes into 16 even and 16 odd columns. */
                        copy_bytes(line + pad_left, x + iy * in_w, in_w);
                        const int32_t cols = (padded_w + 1) / 2; /* <= half */
                        for (int32_t i = 0; i < cols; i += 16) {
                            const int8x16x2_t parts = vld2q_s8(line + 2 * i);
                            const mve_pred16_t live = vctp8q((uint32_t)(cols - i));
                            vstrbq_p_s8(row + i, parts.val[0], live);
                            vstrbq_p_s8(row + half + i, parts.val[1], live);
                        }
                    }
                }
                const int32_t b = bias[c];
                const float m = multipliers[c];
                int8_t *y = output + bit + oy0 * out_w;
                const int32_t at = bit + oy0 * out_w;
#define DW_CALL(F) F(scratch, srow, half, stride_h, w, kernel_h, kernel_w, init, rows_out, out_w, b, m, output_zero, y, mask, at)
                if (stride_w == 1) {
                    if (kernel_w == 3) {
                        DW_CALL(dw_rows_3s1);
                    } else if (kernel_w == 5) {
                        DW_CALL(dw_rows_5s1);
                    } else if (kernel_w == 7) {
                        DW_CALL(dw_rows_7s1);
                    } else {
                        DW_CALL(dw_rows_ks1);
                    }
                } else {
                    if (kernel_w == 3) {
                        DW_CALL(dw_rows_3s2);
                    } else if (kernel_w == 5) {
                        DW_CALL(dw_rows_5s2);
                    } else if (kernel_w == 7) {
                        DW_CALL(dw_rows_7s2);
                    } else {
                        DW_CALL(dw_rows_ks2);
                    }
                }
#undef DW_CALL
            }
        }
    }
    mask_finish(mask, batch * in_channels * out_h * out_w);
    return 1;
}

int tt_mve_conv2d_s8(const int8_t *input, int32_t input_zero, const int8_t *weight, const int32_t *bias,
                     const float *multipliers, int32_t output_zero, int8_t *output, uint8_t *mask,
                     int32_t batch, int32_t in_channels, int32_t in_h, int32_t in_w,
                     int32_t out_channels, int32_t kernel_h, int32_t kernel_w,
                     int32_t stride_h, int32_t stride_w,
                     int32_t pad_top, int32_t pad_left, int32_t pad_bottom, int32_t pad_right,
                     int32_t groups)
{
    return tt_mve_conv2d_pointwise_s8(input, input_zero, weight, bias, multipliers, output_zero, output, mask,
                                      batch, in_channels, in_h, in_w, out_channels, kernel_h, kernel_w, stride_h,
                                      stride_w, pad_top, pad_left, pad_bottom, pad_right, groups) ||
           tt_mve_conv2d_depthwise_s8(input, input_zero, weight, bias, multipliers, output_zero, output, mask,
                                      batch, in_channels, in_h, in_w, out_channels, kernel_h, kernel_w, stride_h,
                                      stride_w, pad_top, pad_left, pad_bottom, pad_right, groups);
}

/* ------------------------------------------------------------ SGD */

/* W = sat8(W - rint(f32(g * lr))) as tt_sgd_update_rows_s8, 4 per vector:
 * VMUL (the f32 product), VMINNM against 2^30 (the portable bound: a NaN
 * product gives the bound, as there; minNum returns the number), VCVTN (rint
 * ties to even, saturating: a step below -2^31 saturates, and W - step then
 * saturates at +127 either way), VQSUB, clamp. The saturations are counted
 * without predicates (gcc 12 moves predicates through general registers):
 * min(raw ^ clamped, 1) is 1 exactly in the lanes the clamp changed. */
TT_INLINE int32x4_t sgd4(int32x4_t p, float32x4_t g, float lr, float32x4_t bound, uint32x4_t *counts)
{
    const float32x4_t step = vminnmq_f32(vmulq_n_f32(g, lr), bound);
    const int32x4_t raw = vqsubq_s32(p, vcvtnq_s32_f32(step));
    const int32x4_t value = clamp8(raw);
    const uint32x4_t changed = vreinterpretq_u32_s32(veorq_s32(raw, value));
    *counts = vaddq_u32(*counts, vminq_u32(changed, vdupq_n_u32(1)));
    return value;
}

static int32_t sgd_row_s8(int8_t *p, const float *g, float lr, int32_t count)
{
    const float32x4_t bound = vdupq_n_f32(1073741824.0f); /* 2^30, TT_STEP_BOUND_S8 */
    uint32x4_t counts = vdupq_n_u32(0);
    int32_t i = 0;
    for (; i + 8 <= count; i += 8) {
        const int32x4_t v0 = sgd4(vldrbq_s32(p + i), vldrwq_f32(g + i), lr, bound, &counts);
        const int32x4_t v1 = sgd4(vldrbq_s32(p + i + 4), vldrwq_f32(g + i + 4), lr, bound, &counts);
        vstrbq_s32(p + i, v0);
        vstrbq_s32(p + i + 4, v1);
    }
    for (; i < count; i += 4) {
        /* The tail: inactive lanes load 0 (W 0, step 0: never saturated). */
        const mve_pred16_t live = vctp32q((uint32_t)(count - i));
        const int32x4_t v = sgd4(vldrbq_z_s32(p + i, live), vldrwq_z_f32(g + i, live), lr, bound, &counts);
        vstrbq_p_s32(p + i, v, live);
    }
    return (int32_t)vaddvq_u32(counts);
}

int32_t tt_mve_sgd_update_rows_s8(int8_t *param, const float *grad, float lr,
                                  int32_t rows, int32_t row_length, int32_t param_row_stride)
{
    int32_t saturated = 0;
    for (int32_t r = 0; r < rows; ++r) {
        saturated += sgd_row_s8(param + r * param_row_stride, grad + r * row_length, lr, row_length);
    }
    return saturated;
}

int32_t tt_mve_sgd_update_s8(int8_t *param, const float *grad, float lr, int32_t count)
{
    return sgd_row_s8(param, grad, lr, count);
}

/* b = sat32(b - rint(f32(g * lr))) as tt_sgd_update_rows_s32. A step of
 * |f32(g * lr)| < 2^31 converts exactly (VCVTN), and VQSUB is then the
 * saturated difference; it saturated exactly when it differs from the
 * wrapping difference. A vector with a larger step (or a NaN, or an
 * infinity) in a live lane takes the portable int64 arithmetic for its lanes
 * instead: rare, and the only case where b - step needs more than 33 bits. */
static int32_t sgd_lane_s32(int32_t *p, float g, float lr)
{
    const float bound = 1099511627776.0f; /* 2^40, TT_STEP_BOUND_S32 */
    float step = rintf(g * lr); /* the scalar FPU, as the portable kernel */
    if (!(step <= bound)) {
        step = bound;
    }
    if (step < -bound) {
        step = -bound;
    }
    int64_t raw = (int64_t)*p - (int64_t)step;
    int32_t saturated = 0;
    if (raw < INT32_MIN || raw > INT32_MAX) {
        raw = raw < INT32_MIN ? INT32_MIN : INT32_MAX;
        saturated = 1;
    }
    *p = (int32_t)raw;
    return saturated;
}

static int32_t sgd_row_s32(int32_t *p, const float *g, float lr, int32_t count)
{
    uint32x4_t counts = vdupq_n_u32(0);
    int32_t scalar = 0;
    for (int32_t i = 0; i < count; i += 4) {
        const mve_pred16_t live = vctp32q((uint32_t)(count - i));
        const float32x4_t step = vmulq_n_f32(vldrwq_z_f32(g + i, live), lr);
        /* VCMP's LT is "not GE", true for a NaN (as the AArch32 condition
         * codes): the EQ test of step with itself sends NaNs to the exact path. */
        const mve_pred16_t small = vcmpltq_n_f32(vabsq_f32(step), 2147483648.0f) & vcmpeqq_f32(step, step);
        if ((small & live) != live) {
            for (int32_t j = i; j < count && j < i + 4; ++j) {
                scalar += sgd_lane_s32(p + j, g[j], lr);
            }
            continue;
        }
        const int32x4_t b = vldrwq_z_s32(p + i, live);
        const int32x4_t rounded = vcvtnq_s32_f32(step);
        const int32x4_t value = vqsubq_s32(b, rounded);
        const mve_pred16_t saturated = vcmpneq_s32(value, vsubq_s32(b, rounded));
        vstrwq_p_s32(p + i, value, live);
        counts = vaddq_m_n_u32(counts, counts, 1u, saturated & live);
    }
    return (int32_t)vaddvq_u32(counts) + scalar;
}

int32_t tt_mve_sgd_update_rows_s32(int32_t *param, const float *grad, float lr,
                                   int32_t rows, int32_t row_length, int32_t param_row_stride)
{
    int32_t saturated = 0;
    for (int32_t r = 0; r < rows; ++r) {
        saturated += sgd_row_s32(param + r * param_row_stride, grad + r * row_length, lr, row_length);
    }
    return saturated;
}

int32_t tt_mve_sgd_update_s32(int32_t *param, const float *grad, float lr, int32_t count)
{
    return sgd_row_s32(param, grad, lr, count);
}

#else /* no MVE: the conv paths decline, the updates are the portable ones */

int tt_mve_conv2d_pointwise_s8(const int8_t *input, int32_t input_zero, const int8_t *weight, const int32_t *bias,
                               const float *multipliers, int32_t output_zero, int8_t *output, uint8_t *mask,
                               int32_t batch, int32_t in_channels, int32_t in_h, int32_t in_w,
                               int32_t out_channels, int32_t kernel_h, int32_t kernel_w,
                               int32_t stride_h, int32_t stride_w,
                               int32_t pad_top, int32_t pad_left, int32_t pad_bottom, int32_t pad_right,
                               int32_t groups)
{
    (void)input, (void)input_zero, (void)weight, (void)bias, (void)multipliers, (void)output_zero, (void)output;
    (void)mask, (void)batch, (void)in_channels, (void)in_h, (void)in_w, (void)out_channels, (void)kernel_h;
    (void)kernel_w, (void)stride_h, (void)stride_w, (void)pad_top, (void)pad_left, (void)pad_bottom;
    (void)pad_right, (void)groups;
    return 0;
}

int tt_mve_conv2d_depthwise_s8(const int8_t *input, int32_t input_zero, const int8_t *weight, const int32_t *bias,
                               const float *multipliers, int32_t output_zero, int8_t *output, uint8_t *mask,
                               int32_t batch, int32_t in_channels, int32_t in_h, int32_t in_w,
                               int32_t out_channels, int32_t kernel_h, int32_t kernel_w,
                               int32_t stride_h, int32_t stride_w,
                               int32_t pad_top, int32_t pad_left, int32_t pad_bottom, int32_t pad_right,
                               int32_t groups)
{
    return tt_mve_conv2d_pointwise_s8(input, input_zero, weight, bias, multipliers, output_zero, output, mask,
                                      batch, in_channels, in_h, in_w, out_channels, kernel_h, kernel_w, stride_h,
                                      stride_w, pad_top, pad_left, pad_bottom, pad_right, groups);
}

int tt_mve_conv2d_s8(const int8_t *input, int32_t input_zero, const int8_t *weight, const int32_t *bias,
                     const float *multipliers, int32_t output_zero, int8_t *output, uint8_t *mask,
                     int32_t batch, int32_t in_channels, int32_t in_h, int32_t in_w,
                     int32_t out_channels, int32_t kernel_h, int32_t kernel_w,
                     int32_t stride_h, int32_t stride_w,
                     int32_t pad_top, int32_t pad_left, int32_t pad_bottom, int32_t pad_right,
                     int32_t groups)
{
    return tt_mve_conv2d_pointwise_s8(input, input_zero, weight, bias, multipliers, output_zero, output, mask,
                                      batch, in_channels, in_h, in_w, out_channels, kernel_h, kernel_w, stride_h,
                                      stride_w, pad_top, pad_left, pad_bottom, pad_right, groups);
}

int32_t tt_mve_sgd_update_rows_s8(int8_t *param, const float *grad, float lr,
                                  int32_t rows, int32_t row_length, int32_t param_row_stride)
{
    return tt_sgd_update_rows_s8(param, grad, lr, rows, row_length, param_row_stride);
}

int32_t tt_mve_sgd_update_s8(int8_t *param, const float *grad, float lr, int32_t count)
{
    return tt_sgd_update_s8(param, grad, lr, count);
}

int32_t tt_mve_sgd_update_rows_s32(int32_t *param, const float *grad, float lr,
                                   int32_t rows, int32_t row_length, int32_t param_row_stride)
{
    return tt_sgd_update_rows_s32(param, grad, lr, rows, row_length, param_row_stride);
}

int32_t tt_mve_sgd_update_s32(int32_t *param, const float *grad, float lr, int32_t count)
{
    return tt_sgd_update_s32(param, grad, lr, count);
}

#endif
