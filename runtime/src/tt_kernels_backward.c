/*
 * fp32 loss and gradient kernels (interpreters/qtrain.py, QTrainGradFunctions).
 *
 * Elementwise kernels do the interpreter's single f32 operation per element
 * and are bit-exact. Sums accumulate in f32 in the order stated at each
 * kernel (the interpreter sums in f64 and rounds once; the Cortex-M7 FPU has
 * no double precision), so they agree within the f32 summation error bound.
 */
#include "tt_kernels.h"

#include <math.h>

static int32_t max_i32(int32_t a, int32_t b)
{
    return a > b ? a : b;
}

static int32_t min_i32(int32_t a, int32_t b)
{
    return a < b ? a : b;
}

/* ceil(numerator / denominator) for a positive numerator, else 0. */
static int32_t ceil_div_or_zero(int32_t numerator, int32_t denominator)
{
    return numerator > 0 ? (numerator + denominator - 1) / denominator : 0;
}

/* ------------------------------------------------------------------ loss */

static float row_max(const float *row, int32_t classes)
{
    float largest = row[0];
    for (int32_t j = 1; j < classes; ++j) {
        if (row[j] > largest) {
            largest = row[j];
        }
    }
    return largest;
}

void tt_softmax_cross_entropy_f32(const float *logits, const int32_t *labels, float *loss,
                                  int32_t batch, int32_t classes)
{
    float total = 0.0f;
    for (int32_t n = 0; n < batch; ++n) {
        const float *row = logits + n * classes;
        /* Shift by the maximum so that expf cannot overflow (as the interpreter). */
        const float largest = row_max(row, classes);
        float sum = 0.0f;
        for (int32_t j = 0; j < classes; ++j) {
            sum += expf(row[j] - largest);
        }
        total += logf(sum) - (row[labels[n]] - largest);
    }
    *loss = total / (float)batch;
}

void tt_softmax_cross_entropy_grad_f32(const float *logits, const int32_t *labels, float *grad,
                                       int32_t batch, int32_t classes)
{
    const float count = (float)batch;
    for (int32_t n = 0; n < batch; ++n) {
        const float *row = logits + n * classes;
        float *out = grad + n * classes;
        const float largest = row_max(row, classes);
        /* Keep the exponentials in the output: one expf per element, and each
         * logit is read before its slot is written (in place). */
        float sum = 0.0f;
        for (int32_t j = 0; j < classes; ++j) {
            const float e = expf(row[j] - largest);
            out[j] = e;
            sum += e;
        }
        const int32_t label = labels[n];
        for (int32_t j = 0; j < classes; ++j) {
            float p = out[j] / sum;
            if (j == label) {
                p -= 1.0f;
            }
            out[j] = p / count;
        }
    }
}

/* ------------------------------------------------------------------ linear */

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

void tt_sum_batch_f32(const float *input, float *output, int32_t batch, int32_t count)
{
    for (int32_t i = 0; i < count; ++i) {
        /* output[i] is written after every x[n, i] is read: in place is safe. */
        float sum = input[i];
        for (int32_t n = 1; n < batch; ++n) {
            sum += input[n * count + i];
        }
        output[i] = sum;
    }
}

/* ------------------------------------------------------------------ elementwise */

void tt_dequantize_grad_f32(const float *grad_output, float scale, float *grad_input, int32_t count)
{
    for (int32_t i = 0; i < count; ++i) {
        grad_input[i] = grad_output[i] * scale;
    }
}

void tt_global_avgpool_grad_f32(const float *grad_output, float *grad_input,
                                int32_t batch, int32_t channels, int32_t h, int32_t w)
{
    const int32_t pixels = h * w;
    /* A division like the interpreter's, not a multiplication by 1/(h*w),
     * which would round differently. */
    const float divisor = (float)pixels;
    /* Back to front: in place, plane i overwrites grad_output[i * pixels ...],
     * entries i and later, which are read already. */
    for (int32_t plane = batch * channels - 1; plane >= 0; --plane) {
        const float value = grad_output[plane] / divisor;
        float *dx = grad_input + plane * pixels;
        for (int32_t p = 0; p < pixels; ++p) {
            dx[p] = value;
        }
    }
}

void tt_clamp_grad_f32(const float *grad_output, const uint8_t *mask, float *grad_input, int32_t count)
{
    for (int32_t i = 0; i < count; ++i) {
        const int inside = (mask[i >> 3] >> (i & 7)) & 1;
        grad_input[i] = inside ? grad_output[i] : 0.0f;
    }
}

void tt_add_grad_f32(const float *grad_output, float lhs_factor, float rhs_factor,
                     float *grad_lhs, float *grad_rhs, int32_t count)
{
    for (int32_t i = 0; i < count; ++i) {
        const float g = grad_output[i]; /* read once: either output may alias it */
        grad_lhs[i] = g * lhs_factor;
        grad_rhs[i] = g * rhs_factor;
    }
}

/* y[outer, c, inner] = x[outer, c, inner] * factors[c]. */
static void scale_axis(const float *input, const float *factors, float *output,
                       int32_t outer, int32_t channels, int32_t inner)
{
    for (int32_t n = 0; n < outer; ++n) {
        for (int32_t c = 0; c < channels; ++c) {
            const float factor = factors[c];
            const int32_t base = (n * channels + c) * inner;
            for (int32_t i = 0; i < inner; ++i) {
                output[base + i] = input[base + i] * factor;
            }
        }
    }
}

void tt_requant_grad_f32(const float *grad_output, const float *multipliers, float *grad_input,
                         int32_t batch, int32_t channels, int32_t hw)
{
    scale_axis(grad_output, multipliers, grad_input, batch, channels, hw);
}

void tt_accumulate_f32(const float *lhs, const float *rhs, float *output, int32_t count)
{
    for (int32_t i = 0; i < count; ++i) {
        output[i] = lhs[i] + rhs[i];
    }
}

void tt_scale_channels_f32(const float *input, const float *factors, float *output,
                           int32_t channels, int32_t inner)
{
    scale_axis(input, factors, output, 1, channels, inner);
}

/* ------------------------------------------------------------------ conv2d gradients */

void tt_conv2d_grad_input_f32(const float *grad_output, const int8_t *weight, float *grad_input,
                              int32_t batch, int32_t in_channels, int32_t in_h, int32_t in_w,
                              int32_t out_channels, int32_t kernel_h, int32_t kernel_w,
                              int32_t stride_h, int32_t stride_w,
                              int32_t pad_top, int32_t pad_left, int32_t pad_bottom, int32_t pad_right,
                              int32_t groups)
{
    const int32_t out_h = (in_h + pad_top + pad_bottom - kernel_h) / stride_h + 1;
    const int32_t out_w = (in_w + pad_left + pad_right - kernel_w) / stride_w + 1;
    const int32_t group_in = in_channels / groups;
    const int32_t group_out = out_channels / groups;
    const int32_t taps = kernel_h * kernel_w;
    const int32_t out_plane = out_h * out_w;

    /* Gather form: each dx element is written once, from the outputs whose
     * window covers it. Padded row py = iy + pad_top meets tap kh at output row
     * oy = (py - kh) / stride_h when that divides exactly and 0 <= oy < out_h,
     * so kh runs over one residue class mod stride_h. */
    float *dx = grad_input;
    for (int32_t n = 0; n < batch; ++n) {
        for (int32_t c = 0; c < in_channels; ++c) {
            const int32_t group = c / group_in;
            const int32_t c_in_group = c - group * group_in;
            const float *dy_group = grad_output + (n * out_channels + group * group_out) * out_plane;
            const int8_t *w_group = weight + (group * group_out * group_in + c_in_group) * taps;
            for (int32_t iy = 0; iy < in_h; ++iy) {
                const int32_t py = iy + pad_top;
                /* kh = py - oy * stride_h with oy <= out_h - 1 and kh < kernel_h. */
                const int32_t oy_last = min_i32(out_h - 1, py / stride_h);
                const int32_t oy_first = max_i32(0, py - kernel_h + stride_h) / stride_h;
                for (int32_t ix = 0; ix < in_w; ++ix) {
                    const int32_t px = ix + pad_left;
                    const int32_t ox_last = min_i32(out_w - 1, px / stride_w);
                    const int32_t ox_first = max_i32(0, px - kernel_w + stride_w) / stride_w;
                    float acc = 0.0f;
                    for (int32_t o = 0; o < group_out; ++o) {
                        const float *dy_o = dy_group + o * out_plane;
                        const int8_t *w_o = w_group + o * group_in * taps;
                        /* Increasing kh is decreasing oy, likewise kw and ox. */
                        for (int32_t oy = oy_last; oy >= oy_first; --oy) {
                            const int32_t kh = py - oy * stride_h;
                            for (int32_t ox = ox_last; ox >= ox_first; --ox) {
                                const int32_t kw = px - ox * stride_w;
                                acc += dy_o[oy * out_w + ox] * (float)w_o[kh * kernel_w + kw];
                            }
                        }
                    }
                    *dx++ = acc;
                }
            }
        }
    }
}

void tt_conv2d_grad_weight_f32(const int8_t *input, int32_t input_zero, const float *grad_output,
                               float *grad_weight,
                               int32_t batch, int32_t in_channels, int32_t in_h, int32_t in_w,
                               int32_t out_channels, int32_t kernel_h, int32_t kernel_w,
                               int32_t stride_h, int32_t stride_w,
                               int32_t pad_top, int32_t pad_left, int32_t pad_bottom, int32_t pad_right,
                               int32_t groups, int32_t channels)
{
    const int32_t out_h = (in_h + pad_top + pad_bottom - kernel_h) / stride_h + 1;
    const int32_t out_w = (in_w + pad_left + pad_right - kernel_w) / stride_w + 1;
    const int32_t out_plane = out_h * out_w;
    const int32_t in_plane = in_h * in_w;
    const int depthwise = groups != 1;
    /* Regular: [out_channels, channels]; depthwise: [channels, 1]. */
    const int32_t filters = depthwise ? channels : out_channels;
    const int32_t per_filter = depthwise ? 1 : channels;

    float *dw = grad_weight;
    for (int32_t o = 0; o < filters; ++o) {
        for (int32_t ci = 0; ci < per_filter; ++ci) {
            /* Depthwise filter o reads input channel o and output channel o. */
            const int32_t c = depthwise ? o : ci;
            for (int32_t kh = 0; kh < kernel_h; ++kh) {
                /* Output rows whose tap kh lands inside the input:
                 * 0 <= oy * stride_h - pad_top + kh < in_h. */
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
                    *dw++ = acc;
                }
            }
        }
    }
}

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
