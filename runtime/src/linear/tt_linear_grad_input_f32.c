/* qtrain.linear_grad_input: dx = dy W, summed in increasing o. */
#include "tt_kernels.h"

void tt_linear_grad_input_f32(const float *grad_output, const float *weight, float *grad_input,
                              int32_t batch, int32_t out_features, int32_t in_features)
{
    for (int32_t n = 0; n < batch; ++n) {
        const float *dy = grad_output + n * out_features;
        float *dx = grad_input + n * in_features;
        /* Row by row through W (contiguous); every dx[k] still sums in increasing o. */
        for (int32_t k = 0; k < in_features; ++k) {
            dx[k] = dy[0] * weight[k];
        }
        for (int32_t o = 1; o < out_features; ++o) {
            const float g = dy[o];
            const float *w = weight + o * in_features;
            for (int32_t k = 0; k < in_features; ++k) {
                dx[k] += g * w[k];
            }
        }
    }
}
