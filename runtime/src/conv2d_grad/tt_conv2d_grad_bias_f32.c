/* qtrain.conv2d_grad_bias: db[c] = sum over (n, h, w) of dy, one f32 sum in increasing (n, hw index). */
#include "tt_kernels.h"

void tt_conv2d_grad_bias_f32(const float *grad_output, float *grad_bias,
                             int32_t batch, int32_t channels, int32_t hw)
{
    for (int32_t c = 0; c < channels; ++c) {
        float acc = 0.0f;
        for (int32_t n = 0; n < batch; ++n) {
            const float *dy = grad_output + (n * channels + c) * hw;
            for (int32_t p = 0; p < hw; ++p) {
                acc += dy[p];
            }
        }
        grad_bias[c] = acc;
    }
}
