/*
 * qtrain.sgd_update, in place, bit-exact with the interpreter:
 * step = f32(g * lr); integer parameters subtract rint(step) (half to even)
 * and saturate, counting the saturated values (tt_sgd_step, tt_support.h);
 * fp32 parameters subtract step. With Helium (TT_HAS_MVE_FP) the integer
 * rows take the MVE kernels of tt_mve.h (the same bytes and counts).
 */
#include "tt_kernels.h"
#include "../internal/tt_support.h"
#include "../internal/tt_mve.h"

int32_t tt_sgd_update_rows_s8(int8_t *param, const float *grad, float lr,
                              int32_t rows, int32_t row_length, int32_t param_row_stride)
{
#if TT_FAST_PATHS && TT_HAS_MVE_FP
    return tt_sgd_update_rows_s8_mve(param, grad, lr, rows, row_length, param_row_stride);
#endif
    int32_t saturated = 0;
    for (int32_t r = 0; r < rows; ++r) {
        int8_t *p = param + r * param_row_stride;
        const float *g = grad + r * row_length;
        for (int32_t i = 0; i < row_length; ++i) {
            saturated += tt_sgd_step_s8(&p[i], g[i], lr);
        }
    }
    return saturated;
}

int32_t tt_sgd_update_rows_s32(int32_t *param, const float *grad, float lr,
                               int32_t rows, int32_t row_length, int32_t param_row_stride)
{
#if TT_FAST_PATHS && TT_HAS_MVE_FP
    return tt_sgd_update_rows_s32_mve(param, grad, lr, rows, row_length, param_row_stride);
#endif
    int32_t saturated = 0;
    for (int32_t r = 0; r < rows; ++r) {
        int32_t *p = param + r * param_row_stride;
        const float *g = grad + r * row_length;
        for (int32_t i = 0; i < row_length; ++i) {
            int64_t raw = (int64_t)p[i] - (int64_t)tt_sgd_step(g[i], lr, TT_STEP_BOUND_S32);
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
