/*
 * qtrain.conv2d_weight_update: weight gradient, QAS scaling and SGD step in
 * one pass, without storing the gradient. It repeats the f32 sum of
 * tt_conv2d_grad_weight_f32 (same order), the product of tt_scale_channels_f32
 * and the step of tt_sgd_update_rows_s8 (tt_sgd_step_s8), so fused and unfused
 * paths agree bit for bit, saturation count included.
 */
#include "../internal/tt_conv2d_internal.h"
#include "tt_kernels.h"
#include "../internal/tt_support.h"

#if TT_FAST_PATHS
/* Regular 1x1 conv, stride 1, no padding: g[o, c] = sum over (n, p) increasing
 * of dy[n, o, p] * (x[n, c, p] - input_zero), the order of the general loop.
 * Blocks of 4 filters x 4 channels convert each input once for 4 filters and
 * load each dy once for 4 channels. */
static int32_t weight_update_pointwise(int8_t *weight, const int8_t *input, int32_t input_zero,
                                       const float *grad_output, const float *factors, float lr,
                                       int32_t batch, int32_t in_channels, int32_t pixels,
                                       int32_t out_channels, int32_t weight_channels, int32_t channels)
{
    int32_t saturated = 0;
    int32_t o = 0;
    for (; o < out_channels; o += 4) {
        const int32_t block_o = out_channels - o < 4 ? out_channels - o : 4;
        int32_t c = 0;
        for (; c < channels; c += 4) {
            const int32_t block_c = channels - c < 4 ? channels - c : 4;
            float g[4][4];
            if (block_o == 4 && block_c == 4) {
                float a00 = 0.0f, a01 = 0.0f, a02 = 0.0f, a03 = 0.0f, a10 = 0.0f, a11 = 0.0f, a12 = 0.0f, a13 = 0.0f;
                float a20 = 0.0f, a21 = 0.0f, a22 = 0.0f, a23 = 0.0f, a30 = 0.0f, a31 = 0.0f, a32 = 0.0f, a33 = 0.0f;
                for (int32_t n = 0; n < batch; ++n) {
                    const float *d0 = grad_output + (n * out_channels + o) * pixels;
                    const float *d1 = d0 + pixels, *d2 = d1 + pixels, *d3 = d2 + pixels;
                    const int8_t *x0 = input + (n * in_channels + c) * pixels;
                    const int8_t *x1 = x0 + pixels, *x2 = x1 + pixels, *x3 = x2 + pixels;
                    for (int32_t q = 0; q < pixels; ++q) {
                        const float e0 = (float)((int32_t)x0[q] - input_zero);
                        const float e1 = (float)((int32_t)x1[q] - input_zero);
                        const float e2 = (float)((int32_t)x2[q] - input_zero);
                        const float e3 = (float)((int32_t)x3[q] - input_zero);
                        const float f0 = d0[q], f1 = d1[q], f2 = d2[q], f3 = d3[q];
                        a00 = tt_mac(a00, f0, e0); a01 = tt_mac(a01, f0, e1); a02 = tt_mac(a02, f0, e2); a03 = tt_mac(a03, f0, e3);
                        a10 = tt_mac(a10, f1, e0); a11 = tt_mac(a11, f1, e1); a12 = tt_mac(a12, f1, e2); a13 = tt_mac(a13, f1, e3);
                        a20 = tt_mac(a20, f2, e0); a21 = tt_mac(a21, f2, e1); a22 = tt_mac(a22, f2, e2); a23 = tt_mac(a23, f2, e3);
                        a30 = tt_mac(a30, f3, e0); a31 = tt_mac(a31, f3, e1); a32 = tt_mac(a32, f3, e2); a33 = tt_mac(a33, f3, e3);
                    }
                }
                g[0][0] = a00; g[0][1] = a01; g[0][2] = a02; g[0][3] = a03;
                g[1][0] = a10; g[1][1] = a11; g[1][2] = a12; g[1][3] = a13;
                g[2][0] = a20; g[2][1] = a21; g[2][2] = a22; g[2][3] = a23;
                g[3][0] = a30; g[3][1] = a31; g[3][2] = a32; g[3][3] = a33;
            } else {
                for (int32_t i = 0; i < block_o; ++i) {
                    for (int32_t j = 0; j < block_c; ++j) {
                        float acc = 0.0f;
                        for (int32_t n = 0; n < batch; ++n) {
                            const float *d = grad_output + (n * out_channels + o + i) * pixels;
                            const int8_t *x = input + (n * in_channels + c + j) * pixels;
                            for (int32_t q = 0; q < pixels; ++q) {
                                acc = tt_mac(acc, d[q], (float)((int32_t)x[q] - input_zero));
                            }
                        }
                        g[i][j] = acc;
                    }
                }
            }
            for (int32_t i = 0; i < block_o; ++i) {
                const float factor = factors != NULL ? factors[o + i] : 1.0f;
                int8_t *w = weight + (o + i) * weight_channels + c;
                for (int32_t j = 0; j < block_c; ++j) {
                    saturated += tt_sgd_step_s8(&w[j], factors != NULL ? g[i][j] * factor : g[i][j], lr);
                }
            }
        }
    }
    return saturated;
}
#endif

int32_t tt_conv2d_weight_update_s8(const tt_conv_params *conv, const tt_dims *input_dims, const int8_t *input,
                                   const tt_dims *grad_dims, const float *grad_output, const float *factors,
                                   float lr, const tt_dims *weight_dims, int8_t *weight)
{
    /* grad_dims is the (never stored) gradient's shape, as tt_conv2d_grad_weight_f32's;
     * weight_dims the updated array's, whose filters are weight_dims->c channels apart. */
    const tt_weight_grad_shape g = tt_weight_grad_shape_of(conv, input_dims, grad_dims);
    const tt_conv_shape s = g.s;
    const int32_t weight_channels = weight_dims->c;
    int32_t saturated = 0;

#if TT_FAST_PATHS
    if (!g.depthwise && tt_conv_is_pointwise(&s)) {
        return weight_update_pointwise(weight, input, s.input_zero, grad_output, factors, lr, s.batch, s.in_channels,
                                       s.in_h * s.in_w, s.out_channels, weight_channels, g.per_filter);
    }
#endif

    /* The loops of tt_conv2d_grad_weight_f32, element for element; each sum
     * goes straight into the SGD step instead of a gradient buffer. */
    for (int32_t o = 0; o < g.filters; ++o) {
        const float factor = factors != NULL ? factors[o] : 1.0f;
        for (int32_t ci = 0; ci < g.per_filter; ++ci) {
            /* Depthwise filter o reads input channel o and output channel o. */
            const int32_t c = g.depthwise ? o : ci;
            int8_t *w = weight + (o * weight_channels + ci) * s.taps;
            for (int32_t kh = 0; kh < s.kernel_h; ++kh) {
                for (int32_t kw = 0; kw < s.kernel_w; ++kw) {
                    const float acc = tt_conv_weight_grad_tap(&s, input, grad_output, o, c, kh, kw);
                    /* Without factors the product is skipped, as the unfused
                     * path without tt_scale_channels_f32 (acc * 1.0f == acc
                     * anyway, NaN payloads aside). */
                    const float grad = factors != NULL ? acc * factor : acc;
                    saturated += tt_sgd_step_s8(&w[kh * s.kernel_w + kw], grad, lr);
                }
            }
        }
    }
    return saturated;
}
