/*
 * In-place SGD updates (qtrain.sgd_update), bit-exact with the interpreter:
 * step = f32(g * lr); integer parameters subtract rint(step) (half to even)
 * and saturate, counting the saturated values; fp32 parameters subtract step.
 */
#include "tt_kernels.h"

#include <math.h>

/* rint(f32(g * lr)), bounded to +-bound (an integer-valued float). The
 * interpreter bounds the step to +-2^40 before rounding; rint and the bound
 * commute, and any step beyond a bound that exceeds the parameter's range by
 * far saturates the parameter either way, so a smaller bound gives the same
 * result. A NaN gradient gives +bound: it saturates the parameter instead of
 * converting undefinedly. */
static float bounded_step(float g, float lr, float bound)
{
    const float rounded = rintf(g * lr);
    if (!(rounded <= bound)) {
        return bound;
    }
    if (rounded < -bound) {
        return -bound;
    }
    return rounded;
}

/* int8 weights work in int32 (a single VCVT on the Cortex-M7): |W - step| <= 2^30 + 128. */
#define TT_STEP_BOUND_S8 1073741824.0f /* 2^30 */
/* int32 biases need int64: b - step spans up to 2^31 + 2^40. */
#define TT_STEP_BOUND_S32 1099511627776.0f /* 2^40, as the interpreter */

int32_t tt_sgd_update_rows_s8(int8_t *param, const float *grad, float lr,
                              int32_t rows, int32_t row_length, int32_t param_row_stride)
{
    int32_t saturated = 0;
    for (int32_t r = 0; r < rows; ++r) {
        int8_t *p = param + r * param_row_stride;
        const float *g = grad + r * row_length;
        for (int32_t i = 0; i < row_length; ++i) {
            int32_t raw = (int32_t)p[i] - (int32_t)bounded_step(g[i], lr, TT_STEP_BOUND_S8);
            if (raw < INT8_MIN || raw > INT8_MAX) {
                raw = raw < INT8_MIN ? INT8_MIN : INT8_MAX;
                ++saturated;
            }
            p[i] = (int8_t)raw;
        }
    }
    return saturated;
}

int32_t tt_sgd_update_rows_s32(int32_t *param, const float *grad, float lr,
                               int32_t rows, int32_t row_length, int32_t param_row_stride)
{
    int32_t saturated = 0;
    for (int32_t r = 0; r < rows; ++r) {
        int32_t *p = param + r * param_row_stride;
        const float *g = grad + r * row_length;
        for (int32_t i = 0; i < row_length; ++i) {
            int64_t raw = (int64_t)p[i] - (int64_t)bounded_step(g[i], lr, TT_STEP_BOUND_S32);
            if (raw < INT32_MIN || raw > INT32_MAX) {
                raw = raw < INT32_MIN ? INT32_MIN : INT32_MAX;
                ++saturated;
            }
            p[i] = (int32_t)raw;
        }
    }
    return saturated;
}

void tt_sgd_update_rows_f32(float *param, const float *grad, float lr,
                            int32_t rows, int32_t row_length, int32_t param_row_stride)
{
    for (int32_t r = 0; r < rows; ++r) {
        float *p = param + r * param_row_stride;
        const float *g = grad + r * row_length;
        for (int32_t i = 0; i < row_length; ++i) {
            const float step = g[i] * lr;
            p[i] = p[i] - step;
        }
    }
}

int32_t tt_sgd_update_s8(int8_t *param, const float *grad, float lr, int32_t count)
{
    return tt_sgd_update_rows_s8(param, grad, lr, 1, count, count);
}

int32_t tt_sgd_update_s32(int32_t *param, const float *grad, float lr, int32_t count)
{
    return tt_sgd_update_rows_s32(param, grad, lr, 1, count, count);
}

void tt_sgd_update_f32(float *param, const float *grad, float lr, int32_t count)
{
    tt_sgd_update_rows_f32(param, grad, lr, 1, count, count);
}
