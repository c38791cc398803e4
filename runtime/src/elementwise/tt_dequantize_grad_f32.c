/* qtrain.dequantize_grad: dq = dy * scale, one IEEE product per element. */
#include "tt_kernels.h"

void tt_dequantize_grad_f32(const float *grad_output, float scale, float *grad_input, int32_t count)
{
    for (int32_t i = 0; i < count; ++i) {
        grad_input[i] = grad_output[i] * scale;
    }
}
