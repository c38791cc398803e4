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
    /* grad_dims is grad_weight's shape: [out_channels, channels, kh, kw] regular,
     * [channels, 1, kh, kw] depthwise (whose dy has `groups` channels). */
    const int depthwise = conv->groups != 1;
    const tt_dims filter = {depthwise ? conv->groups : grad_dims->n, grad_dims->h, grad_dims->w, 1};
    const tt_conv_shape s = tt_conv_shape_of(conv, input_dims, &filter);
    const int32_t channels = depthwise ? grad_dims->n : grad_dims->c;

    const int32_t out_plane = s.out_h * s.out_w;
    const int32_t in_plane = s.in_h * s.in_w;
    /* Regular: [out_channels, channels]; depthwise: [channels, 1]. */
    const int32_t filters = depthwise ? channels : s.out_channels;
    const int32_t per_filter = depthwise ? 1 : channels;

    float *dw = grad_weight;
    for (int32_t o = 0; o < filters; ++o) {
        for (int32_t ci = 0; ci < per_filter; ++ci) {
            /* Depthwise filter o reads input channel o and output channel o. */
            const int32_t c = depthwise ? o : ci;
            for (int32_t kh = 0; kh < s.kernel_h; ++kh) {
                /* Output rows whose tap kh lands inside the input:
                 * 0 <= oy * stride_h - pad_top + kh < in_h. */
                const int32_t oy_first = tt_ceil_div_or_zero(s.pad_top - kh, s.stride_h);
                const int32_t oy_end = tt_min_i32(s.out_h, tt_ceil_div_or_zero(s.in_h + s.pad_top - kh, s.stride_h));
                for (int32_t kw = 0; kw < s.kernel_w; ++kw) {
                    const int32_t ox_first = tt_ceil_div_or_zero(s.pad_left - kw, s.stride_w);
                    const int32_t ox_end = tt_min_i32(s.out_w, tt_ceil_div_or_zero(s.in_w + s.pad_left - kw, s.stride_w));
                    float acc = 0.0f;
                    for (int32_t n = 0; n < s.batch; ++n) {
                        const float *dy = grad_output + (n * s.out_channels + o) * out_plane;
                        const int8_t *x = input + (n * s.in_channels + c) * in_plane;
                        for (int32_t oy = oy_first; oy < oy_end; ++oy) {
                            const int32_t row = (oy * s.stride_h - s.pad_top + kh) * s.in_w - s.pad_left + kw;
                            for (int32_t ox = ox_first; ox < ox_end; ++ox) {
                                const float centered = (float)((int32_t)x[row + ox * s.stride_w] - s.input_zero);
                                acc += dy[oy * s.out_w + ox] * centered;
                            }
                        }
                    }
                    *dw++ = acc;
                }
            }
        }
    }
}
