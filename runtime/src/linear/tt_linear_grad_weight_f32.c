/* qtrain.linear_grad_weight: dW = dy^T x, summed in increasing n. */
#include "tt_kernels.h"

void tt_linear_grad_weight_f32(const float *grad_output, const float *input, float *grad_weight,
                               int32_t batch, int32_t out_features, int32_t in_features)
{
    for (int32_t o = 0; o < out_features; ++o) {
        float *dw = grad_weight + o * in_features;
        const float g0 = grad_output[o];
        for (int32_t k = 0; k < in_features; ++k) {
            dw[k] = g0 * input[k];
        }
        for (int32_t n = 1; n < batch; ++n) {
            const float g = grad_output[n * out_features + o];
            const float *x = input + n * in_features;
            for (int32_t k = 0; k < in_features; ++k) {
                dw[k] += g * x[k];
            }
        }
    }
}
