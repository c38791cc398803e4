/* qtrain.linear: the fp32 head, summed in f32 in increasing k, the bias last. */
#include "tt_kernels.h"

void tt_linear_f32(const float *input, const float *weight, const float *bias, float *output,
                   int32_t batch, int32_t in_features, int32_t out_features)
{
    for (int32_t n = 0; n < batch; ++n) {
        const float *x = input + n * in_features;
        for (int32_t o = 0; o < out_features; ++o) {
            const float *w = weight + o * in_features;
            float acc = 0.0f;
            for (int32_t k = 0; k < in_features; ++k) {
                acc += x[k] * w[k];
            }
            output[n * out_features + o] = acc + bias[o];
        }
    }
}
