/*
 * qtrain.conv2d_grad_weight: dW = sum over (n, oy, ox) of dy * (x - input_zero)
 * for the trained leading channels; each element one f32 sum in increasing
 * (n, oy, ox).
 */
#include "../internal/tt_conv2d_internal.h"
#include "tt_kernels.h"
#include "../internal/tt_support.h"

void tt_conv2d_grad_weight_f32(const tt_conv_params *conv, const tt_dims *input_dims, const int8_t *input,
                               const tt_dims *grad_dims, const float *grad_output, float *grad_weight)
{
    const tt_weight_grad_shape g = tt_weight_grad_shape_of(conv, input_dims, grad_dims);
    const tt_conv_shape s = g.s;

    float *dw = grad_weight;
    for (int32_t o = 0; o < g.filters; ++o) {
        for (int32_t ci = 0; ci < g.per_filter; ++ci) {
            /* Depthwise filter o reads input channel o and output channel o. */
            const int32_t c = g.depthwise ? o : ci;
            for (int32_t kh = 0; kh < s.kernel_h; ++kh) {
                for (int32_t kw = 0; kw < s.kernel_w; ++kw) {
                    *dw++ = tt_conv_weight_grad_tap(&s, input, grad_output, o, c, kh, kw);
                }
            }
        }
    }
}
