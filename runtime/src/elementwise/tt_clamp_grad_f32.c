/* qtrain.clamp_grad: dy where the clamp mask bit is 1, else 0. */
#include "tt_kernels.h"

void tt_clamp_grad_f32(const float *grad_output, const uint8_t *mask, float *grad_input, int32_t count)
{
    for (int32_t i = 0; i < count; ++i) {
        const int inside = (mask[i >> 3] >> (i & 7)) & 1;
        grad_input[i] = inside ? grad_output[i] : 0.0f;
    }
}
