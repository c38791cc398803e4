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

/*
 * TT_NAIVE_KERNELS: when defined, the kernels take their plain reference loops
 * (no fast paths), for measuring what the fast paths save; the results are the
 * same bit for bit (the fast paths keep each sum's order).
 *
 * tt_mac(acc, a, b) = acc + a * b with two roundings; one VMLA.F32 on the
 * Cortex-M7 (the chained multiply-accumulate, FPAdd(Vd, FPMul(Vn, Vm)), each
 * rounded: the same bits as the C expression under -ffp-contract=off).
 */
#if !defined(TT_NAIVE_KERNELS) && defined(__arm__) && defined(__ARM_FP) && ((__ARM_FP & 4) != 0) && \
    !defined(__SOFTFP__)
static inline float tt_mac(float acc, float a, float b)
{
    __asm__("vmla.f32 %0, %1, %2" : "+t"(acc) : "t"(a), "t"(b));
    return acc;
}
#else
static inline float tt_mac(float acc, float a, float b)
{
    return acc + a * b;
}
#endif

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

/* W = sat8(W - rint(f32(g * lr))) for one weight; returns 1 if it saturated. */
static int32_t step_weight(int8_t *slot, float g, float lr)
{
    int32_t raw = (int32_t)*slot - (int32_t)bounded_step_s8(g, lr);
    if (raw < INT8_MIN || raw > INT8_MAX) {
        *slot = (int8_t)(raw < INT8_MIN ? INT8_MIN : INT8_MAX);
        return 1;
    }
    *slot = (int8_t)raw;
    return 0;
}

#ifndef TT_NAIVE_KERNELS
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
                    saturated += step_weight(&w[j], factors != NULL ? g[i][j] * factor : g[i][j], lr);
                }
            }
        }
    }
    return saturated;
}
#endif

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

#ifndef TT_NAIVE_KERNELS
    if (!depthwise && kernel_h == 1 && kernel_w == 1 && stride_h == 1 && stride_w == 1 &&
        pad_top == 0 && pad_left == 0 && pad_bottom == 0 && pad_right == 0) {
        return weight_update_pointwise(weight, input, input_zero, grad_output, factors, lr, batch, in_channels,
                                       in_plane, out_channels, weight_channels, channels);
    }
#endif

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
                    saturated += step_weight(&w[kh * kernel_w + kw], g, lr);
                }
            }
        }
    }
    return saturated;
}
