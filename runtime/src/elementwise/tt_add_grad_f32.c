/* qtrain.add_grad: the two scaled copies of dy. */
#include "tt_kernels.h"

void tt_add_grad_f32(const float *grad_output, float lhs_factor, float rhs_factor,
                     float *grad_lhs, float *grad_rhs, int32_t count)
{
    for (int32_t i = 0; i < count; ++i) {
        const float g = grad_output[i]; /* read once: either output may alias it */
        grad_lhs[i] = g * lhs_factor;
        grad_rhs[i] = g * rhs_factor;
    }
}
