/*
 * Internal to the runtime: the Helium (M-profile Vector Extension, MVE) kernels
 * of the Cortex-M55 and the vector helpers they share. Each kernel gives the
 * same bytes (outputs, clamp mask, saturation count) as the portable kernel it
 * replaces, bit for bit (test/python/test_kernel_mve.py checks it under QEMU
 * mps3-an547, through tt_conv2d_s8 and the SGD entry points of an MVE build
 * against a TT_NO_MVE build).
 *
 * Dispatch: tt_conv2d_s8 (conv2d/tt_conv2d_s8.c) calls a conv kernel where its
 * _fits test holds, before the scalar fast paths; tt_sgd_update_rows_s8/_s32
 * (update/tt_sgd_update.c) always take the Helium rows. There is no fp32 SGD
 * kernel: MVE flushes denormals to zero, which would change W - step.
 *
 * Only built where TT_HAS_MVE_FP (tt_features.h): MVE with floating point
 * (__ARM_FEATURE_MVE & 2, -mcpu=cortex-m55), since the requantization is f32;
 * -DTT_NO_MVE=1 turns them off (the scalar Cortex-M55 build).
 *
 * Layout is NCHW, so the contiguous axis is the pixel axis: the kernels run 4
 * pixels per vector in int32 lanes. Requantization per 4 lanes, as
 * tt_conv_output: acc = sat32(sum - zero_term + bias) (VQADD), f32(acc)
 * (VCVT, round to nearest as the scalar conversion), * multiplier (VMUL, one
 * IEEE product, no fusing), rint ties to even with int32 saturation
 * (VCVTN.S32.F32), + output_zero saturating (VQADD), clamp to int8; the mask
 * bit is "the clamp did not change the value", the portable DSP path's test.
 * MVE float arithmetic flushes denormals to zero; a denormal product rounds
 * to 0 either way, so no result changes.
 */
#ifndef TT_MVE_H
#define TT_MVE_H

#include <stddef.h>
#include <stdint.h>

#include "tt_conv2d_internal.h"
#include "tt_features.h"

/* The 1x1 kernel's transposed tile: up to TT_MVE_1X1_MAX_CHANNELS input
 * channels per group, 16 bytes each (on the stack, 10 KB at most). Wider
 * groups take a register-blocked form without scratch. */
#define TT_MVE_1X1_MAX_CHANNELS 640

/* The depthwise kernel's padded-plane scratch (int8, stack): a band of padded
 * rows, slack for the lanes computed past a row's end, and one padded row for
 * the stride-2 deinterleave. 9.3 KB at most. */
#define TT_MVE_DW_SCRATCH 8192
#define TT_MVE_DW_SLACK 64 /* a slot past the row end reads (does not use) up to 4 * 2 + KW bytes further */
#define TT_MVE_DW_LINE 1024 /* the widest padded row for stride 2 */
#define TT_MVE_DW_WIDE 12   /* rows of at least this many outputs go in runs along the row */

/* Any 1x1 stride-1 unpadded conv (conv2d/tt_conv2d_1x1_s8_mve.c). Writes the
 * mask itself (NULL: none), unused high bits of the last byte 0. */
int tt_conv2d_1x1_s8_mve_fits(const tt_conv_shape *s);
int32_t tt_conv2d_1x1_s8_mve_buffer_size(const tt_conv_shape *s);
void tt_conv2d_1x1_s8_mve(const tt_conv_shape *s, const int8_t *input, const int8_t *weight, const int32_t *bias,
                          const float *multipliers, int8_t *output, uint8_t *mask);

/* Depthwise (groups = in = out channels), any KH x KW, strides 1 or 2 per
 * axis, padding >= 0, input_zero in [-128, 127], a band of kernel_h padded
 * rows within the scratch (conv2d/tt_depthwise_conv2d_s8_mve.c). Keeps the
 * channel order of the portable kernels (channel c's input is read whole
 * before its output is written, channels ascending), so the same in-place rule
 * holds. */
int tt_depthwise_conv2d_s8_mve_fits(const tt_conv_shape *s);
int32_t tt_depthwise_conv2d_s8_mve_buffer_size(const tt_conv_shape *s);
void tt_depthwise_conv2d_s8_mve(const tt_conv_shape *s, const int8_t *input, const int8_t *weight,
                                const int32_t *bias, const float *multipliers, int8_t *output, uint8_t *mask);

/* qtrain.sgd_update rows on int8 weights and int32 biases, the arguments and
 * results of tt_sgd_update_rows_s8/_s32 (update/tt_sgd_update_mve.c). A
 * denormal gradient gives step 0 under MVE's flush to zero; the portable step
 * rint(g * lr) is 0 then too whenever |lr| <= 2^125. */
int32_t tt_sgd_update_rows_s8_mve(int8_t *param, const float *grad, float lr, int32_t rows, int32_t row_length,
                                  int32_t param_row_stride);
int32_t tt_sgd_update_rows_s32_mve(int32_t *param, const float *grad, float lr, int32_t rows, int32_t row_length,
                                   int32_t param_row_stride);

#if TT_HAS_MVE_FP
#include <arm_mve.h>

#define TT_MVE_INLINE static inline __attribute__((always_inline))
/* The hot loops: out of line, and without gcc's pre-allocation scheduling,
 * which hoists the loads of an unrolled tap loop and then spills the 8 Q
 * registers to the stack. */
#if defined(__clang__)
#define TT_MVE_HOT static __attribute__((noinline))
#else
#define TT_MVE_HOT static __attribute__((noinline, optimize("no-schedule-insns")))
#endif

/* Writes `count` (1..16) mask bits at flat bit index `index`, leaving the
 * neighbouring bits as they are (outputs need not come in flat order). */
TT_MVE_INLINE void mask_put(uint8_t *mask, int32_t index, uint32_t bits, int32_t count)
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
static inline void mask_finish(uint8_t *mask, int32_t total)
{
    if (mask != NULL && (total & 7) != 0) {
        mask[total >> 3] &= (uint8_t)((1u << (total & 7)) - 1u);
    }
}

/* rint(f32(sat32(acc + bias)) * multiplier), saturated to int32, for 4
 * accumulators (sum - zero_term, wrap-exact): the scalar steps lane for lane. */
TT_MVE_INLINE int32x4_t scale4(int32x4_t acc, int32_t bias, float multiplier)
{
    const float32x4_t product = vmulq_n_f32(vcvtq_f32_s32(vqaddq_n_s32(acc, bias)), multiplier);
    return vcvtnq_s32_f32(product);
}

/* scale4 + zero, saturated to int32. */
TT_MVE_INLINE int32x4_t round4(int32x4_t acc, int32_t bias, float multiplier, int32_t zero)
{
    return vqaddq_n_s32(scale4(acc, bias, multiplier), zero);
}

/* Clamp to [-128, 127] without constant registers: a saturating shift left by
 * 24 saturates exactly the values outside int8, the shift back restores the rest. */
TT_MVE_INLINE int32x4_t clamp8(int32x4_t r)
{
    return vshrq_n_s32(vqshlq_n_s32(r, 24), 24);
}

/* Requantizes one vector of `lanes` (<= 0: none, >= 4: all) outputs, stores
 * them at y and returns their mask bits (lane i -> bit i) when `mask`. */
TT_MVE_INLINE uint32_t store_vec(int8_t *y, int32x4_t acc, int32_t lanes, int32_t bias, float m, int32_t zero, int mask)
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
TT_MVE_INLINE void store_run(int8_t *y, uint8_t *mask, int32_t bit, int NV, int32_t lanes, int32x4_t a0, int32x4_t a1,
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
TT_MVE_INLINE void copy_bytes(int8_t *d, const int8_t *s, int32_t count)
{
    for (int32_t i = 0; i < count; i += 16) {
        const mve_pred16_t p = vctp8q((uint32_t)(count - i));
        vstrbq_p_s8(d + i, vldrbq_z_s8(s + i, p), p);
    }
}

TT_MVE_INLINE void fill_bytes(int8_t *d, int8_t value, int32_t count)
{
    const int8x16_t v = vdupq_n_s8(value);
    for (int32_t i = 0; i < count; i += 16) {
        vstrbq_p_s8(d + i, v, vctp8q((uint32_t)(count - i)));
    }
}

/* sum(w[0 .. n)) with 16-byte vectors. */
TT_MVE_INLINE int32_t weight_sum(const int8_t *w, int32_t n)
{
    int32_t sum = 0;
    for (int32_t i = 0; i < n; i += 16) {
        sum = vaddvaq_s8(sum, vldrbq_z_s8(w + i, vctp8q((uint32_t)(n - i))));
    }
    return sum;
}

#endif /* TT_HAS_MVE_FP */

#endif /* TT_MVE_H */
