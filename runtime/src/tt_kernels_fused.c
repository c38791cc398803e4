/*
 * Fused kernels: qtrain.conv2d_dw (a regular conv followed by a depthwise conv,
 * one intermediate channel at a time) and qtrain.conv2d_weight_update (weight
 * gradient, QAS scaling and SGD step without storing the gradient).
 *
 * Both do exactly the arithmetic of the unfused kernels: tt_conv2d_s8 computes
 * every int8 value of conv2d_dw, and the weight update repeats the f32 sum of
 * tt_conv2d_grad_weight_f32 (same order), the product of tt_scale_channels_f32
 * and the step of tt_sgd_update_rows_s8, so fused and unfused C paths agree bit
 * for bit.
 */
#include "tt_kernels.h"

#include <math.h>
#include <stddef.h>

static int32_t min_i32(int32_t a, int32_t b)
{
    return a < b ? a : b;
}

/* ceil(numerator / denominator) for a positive numerator, else 0. */
static int32_t ceil_div_or_zero(int32_t numerator, int32_t denominator)
{
    return numerator > 0 ? (numerator + denominator - 1) / denominator : 0;
}

/* ------------------------------------------------------------------ conv2d_dw */

void tt_conv2d_dw_s8(const int8_t *input, int32_t input_zero,
                     const int8_t *weight, const int32_t *bias, const float *multipliers, int32_t mid_zero,
                     const int8_t *dw_weight, const int32_t *dw_bias, const float *dw_multipliers,
                     int32_t output_zero, int8_t *output, int8_t *scratch,
                     int32_t batch, int32_t in_channels, int32_t in_h, int32_t in_w,
                     int32_t mid_channels, int32_t kernel_h, int32_t kernel_w,
                     int32_t stride_h, int32_t stride_w,
                     int32_t pad_top, int32_t pad_left, int32_t pad_bottom, int32_t pad_right,
                     int32_t dw_kernel_h, int32_t dw_kernel_w, int32_t dw_stride_h, int32_t dw_stride_w,
                     int32_t dw_pad_top, int32_t dw_pad_left, int32_t dw_pad_bottom, int32_t dw_pad_right)
{
    const int32_t mid_h = (in_h + pad_top + pad_bottom - kernel_h) / stride_h + 1;
    const int32_t mid_w = (in_w + pad_left + pad_right - kernel_w) / stride_w + 1;
    const int32_t out_h = (mid_h + dw_pad_top + dw_pad_bottom - dw_kernel_h) / dw_stride_h + 1;
    const int32_t out_w = (mid_w + dw_pad_left + dw_pad_right - dw_kernel_w) / dw_stride_w + 1;
    const int32_t in_image = in_channels * in_h * in_w;
    const int32_t filter = in_channels * kernel_h * kernel_w;
    const int32_t dw_filter = dw_kernel_h * dw_kernel_w;
    const int32_t out_plane = out_h * out_w;

    for (int32_t n = 0; n < batch; ++n) {
        const int8_t *x = input + n * in_image;
        for (int32_t c = 0; c < mid_channels; ++c) {
            /* Intermediate channel c: the first conv restricted to filter c. */
            tt_conv2d_s8(x, input_zero, weight + c * filter, bias + c, multipliers + c, mid_zero,
                         scratch, NULL, 1, in_channels, in_h, in_w, 1, kernel_h, kernel_w,
                         stride_h, stride_w, pad_top, pad_left, pad_bottom, pad_right, 1);
            /* Depthwise output channel c: a one-channel conv of the scratch plane. */
            tt_conv2d_s8(scratch, mid_zero, dw_weight + c * dw_filter, dw_bias + c, dw_multipliers + c,
                         output_zero, output + (n * mid_channels + c) * out_plane, NULL,
                         1, 1, mid_h, mid_w, 1, dw_kernel_h, dw_kernel_w, dw_stride_h, dw_stride_w,
                         dw_pad_top, dw_pad_left, dw_pad_bottom, dw_pad_right, 1);
        }
    }
}

/* ------------------------------------------------------------------ conv2d_weight_update */

/* rint(f32(g * lr)) bounded to +-2^30, the step of tt_sgd_update_rows_s8 (see
 * tt_kernels_update.c: a NaN step gives +bound and saturates the weight). */
#define TT_FUSED_STEP_BOUND_S8 1073741824.0f /* 2^30 */

static float bounded_step_s8(float g, float lr)
{
    const float rounded = rintf(g * lr);
    if (!(rounded <= TT_FUSED_STEP_BOUND_S8)) {
        return TT_FUSED_STEP_BOUND_S8;
    }
    if (rounded < -TT_FUSED_STEP_BOUND_S8) {
        return -TT_FUSED_STEP_BOUND_S8;
    }
    return rounded;
}

int32_t tt_conv2d_weight_update_s8(int8_t *weight, const int8_t *input, int32_t input_zero,
                                   const float *grad_output, const float *factors, float lr,
                                   int32_t batch, int32_t in_channels, int32_t in_h, int32_t in_w,
                                   int32_t out_channels, int32_t weight_channels,
                                   int32_t kernel_h, int32_t kernel_w,
                                   int32_t stride_h, int32_t stride_w,
                                   int32_t pad_top, int32_t pad_left, int32_t pad_bottom, int32_t pad_right,
                                   int32_t groups, int32_t channels)
{
    const int32_t out_h = (in_h + pad_top + pad_bottom - kernel_h) / stride_h + 1;
    const int32_t out_w = (in_w + pad_left + pad_right - kernel_w) / stride_w + 1;
    const int32_t out_plane = out_h * out_w;
    const int32_t in_plane = in_h * in_w;
    const int32_t taps = kernel_h * kernel_w;
    const int depthwise = groups != 1;
    /* Regular: [out_channels, channels] of [out_channels, weight_channels];
     * depthwise: [channels, 1] of [out_channels, 1]. */
    const int32_t filters = depthwise ? channels : out_channels;
    const int32_t per_filter = depthwise ? 1 : channels;
    int32_t saturated = 0;

    /* The loops of tt_conv2d_grad_weight_f32, element for element; each sum
     * goes straight into the SGD step instead of a gradient buffer. */
    for (int32_t o = 0; o < filters; ++o) {
        const float factor = factors != NULL ? factors[o] : 1.0f;
        for (int32_t ci = 0; ci < per_filter; ++ci) {
            /* Depthwise filter o reads input channel o and output channel o. */
            const int32_t c = depthwise ? o : ci;
            int8_t *w = weight + (o * weight_channels + ci) * taps;
            for (int32_t kh = 0; kh < kernel_h; ++kh) {
                const int32_t oy_first = ceil_div_or_zero(pad_top - kh, stride_h);
                const int32_t oy_end = min_i32(out_h, ceil_div_or_zero(in_h + pad_top - kh, stride_h));
                for (int32_t kw = 0; kw < kernel_w; ++kw) {
                    const int32_t ox_first = ceil_div_or_zero(pad_left - kw, stride_w);
                    const int32_t ox_end = min_i32(out_w, ceil_div_or_zero(in_w + pad_left - kw, stride_w));
                    float acc = 0.0f;
                    for (int32_t n = 0; n < batch; ++n) {
                        const float *dy = grad_output + (n * out_channels + o) * out_plane;
                        const int8_t *x = input + (n * in_channels + c) * in_plane;
                        for (int32_t oy = oy_first; oy < oy_end; ++oy) {
                            const int32_t row = (oy * stride_h - pad_top + kh) * in_w - pad_left + kw;
                            for (int32_t ox = ox_first; ox < ox_end; ++ox) {
                                const float centered = (float)((int32_t)x[row + ox * stride_w] - input_zero);
                                acc += dy[oy * out_w + ox] * centered;
                            }
                        }
                    }
                    /* Without factors the product is skipped, as the unfused
                     * path without tt_scale_channels_f32 (acc * 1.0f == acc
                     * anyway, NaN payloads aside). */
                    const float g = factors != NULL ? acc * factor : acc;
                    int8_t *slot = &w[kh * kernel_w + kw];
                    int32_t raw = (int32_t)*slot - (int32_t)bounded_step_s8(g, lr);
                    if (raw < INT8_MIN || raw > INT8_MAX) {
                        raw = raw < INT8_MIN ? INT8_MIN : INT8_MAX;
                        ++saturated;
                    }
                    *slot = (int8_t)raw;
                }
            }
        }
    }
    return saturated;
}
