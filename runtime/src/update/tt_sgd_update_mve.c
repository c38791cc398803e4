/*
 * qtrain.sgd_update rows on int8 weights and int32 biases with Helium (MVE)
 * for the Cortex-M55: the parameters and saturation counts of
 * tt_sgd_update_rows_s8/_s32 (update/tt_sgd_update.c), bit for bit (see
 * tt_mve.h). 4 parameters per vector.
 */
#include "../internal/tt_mve.h"

#if TT_HAS_MVE_FP

/* W = sat8(W - rint(f32(g * lr))) as tt_sgd_update_rows_s8, 4 per vector:
 * VMUL (the f32 product), VMINNM against 2^30 (the portable bound: a NaN
 * product gives the bound, as there; minNum returns the number), VCVTN (rint
 * ties to even, saturating: a step below -2^31 saturates, and W - step then
 * saturates at +127 either way), VQSUB, clamp. The saturations are counted
 * without predicates (gcc 12 moves predicates through general registers):
 * min(raw ^ clamped, 1) is 1 exactly in the lanes the clamp changed. */
TT_MVE_INLINE int32x4_t sgd4(int32x4_t p, float32x4_t g, float lr, float32x4_t bound, uint32x4_t *counts)
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
    const float32x4_t bound = vdupq_n_f32(TT_STEP_BOUND_S8);
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

int32_t tt_sgd_update_rows_s8_mve(int8_t *param, const float *grad, float lr,
                                  int32_t rows, int32_t row_length, int32_t param_row_stride)
{
    int32_t saturated = 0;
    for (int32_t r = 0; r < rows; ++r) {
        saturated += sgd_row_s8(param + r * param_row_stride, grad + r * row_length, lr, row_length);
    }
    return saturated;
}

/* b = sat32(b - rint(f32(g * lr))) as tt_sgd_update_rows_s32. A step of
 * |f32(g * lr)| < 2^31 converts exactly (VCVTN), and VQSUB is then the
 * saturated difference; it saturated exactly when it differs from the
 * wrapping difference. A vector with a larger step (or a NaN, or an
 * infinity) in a live lane takes the portable int64 arithmetic for its lanes
 * instead: rare, and the only case where b - step needs more than 33 bits. */
static int32_t sgd_lane_s32(int32_t *p, float g, float lr)
{
    const float step = tt_sgd_step(g, lr, TT_STEP_BOUND_S32); /* the scalar FPU, as the portable kernel */
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

int32_t tt_sgd_update_rows_s32_mve(int32_t *param, const float *grad, float lr,
                                   int32_t rows, int32_t row_length, int32_t param_row_stride)
{
    int32_t saturated = 0;
    for (int32_t r = 0; r < rows; ++r) {
        saturated += sgd_row_s32(param + r * param_row_stride, grad + r * row_length, lr, row_length);
    }
    return saturated;
}

#endif /* TT_HAS_MVE_FP */
