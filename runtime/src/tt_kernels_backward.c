/*
 * fp32 loss and gradient kernels (interpreters/qtrain.py, QTrainGradFunctions).
 *
 * Elementwise kernels do the interpreter's single f32 operation per element
 * and are bit-exact. Sums accumulate in f32 in the order stated at each
 * kernel (the interpreter sums in f64 and rounds once; the Cortex-M7 FPU has
 * no double precision), so they agree within the f32 summation error bound.
 */
#include "tt_kernels.h"
#include "tt_math.h"

#include <math.h>

/*
 * TT_NAIVE_KERNELS: when defined, every kernel takes its plain reference loops
 * (no fast paths), for measuring what the fast paths save. Both builds give
 * the same results bit for bit: the fast paths keep each sum's order.
 *
 * tt_mac(acc, a, b) = acc + a * b with two roundings (the product, then the
 * sum), as the C expression under -ffp-contract=off. On an FPU with VMLA (the
 * Cortex-M7's FPv5) it is one VMLA.F32, which is the chained, not the fused,
 * multiply-accumulate: the ARM ARM defines it as FPAdd(Vd, FPMul(Vn, Vm)),
 * each rounded, so the result is the same bits (VFMA would be the fused one).
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
            sum += tt_expf(row[j] - largest);
        }
        total += tt_logf(sum) - (row[labels[n]] - largest);
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
            const float e = tt_expf(row[j] - largest);
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

#ifndef TT_NAIVE_KERNELS
/* 1x1 kernel, stride 1, no padding: dx[n, c, p] = sum over the group's output
 * channels o (increasing) of dy[n, o, p] * w[o, c], the order of the general
 * loop. Blocks of 2 input channels x 8 pixels share each dy load and each
 * converted weight across the block; every element still sums in increasing o. */
static void grad_input_pointwise(const float *grad_output, const int8_t *weight, float *grad_input,
                                 int32_t batch, int32_t in_channels, int32_t pixels,
                                 int32_t out_channels, int32_t groups)
{
    const int32_t group_in = in_channels / groups;
    const int32_t group_out = out_channels / groups;
    for (int32_t n = 0; n < batch; ++n) {
        for (int32_t g = 0; g < groups; ++g) {
            const float *dy = grad_output + (n * out_channels + g * group_out) * pixels;
            const int8_t *w_group = weight + g * group_out * group_in;
            float *dx_group = grad_input + (n * in_channels + g * group_in) * pixels;
            int32_t c = 0;
            for (; c + 2 <= group_in; c += 2) {
                const int8_t *w_c = w_group + c;
                float *dx0 = dx_group + c * pixels;
                float *dx1 = dx0 + pixels;
                int32_t p = 0;
                for (; p + 8 <= pixels; p += 8) {
                    float a0 = 0.0f, a1 = 0.0f, a2 = 0.0f, a3 = 0.0f, a4 = 0.0f, a5 = 0.0f, a6 = 0.0f, a7 = 0.0f;
                    float b0 = 0.0f, b1 = 0.0f, b2 = 0.0f, b3 = 0.0f, b4 = 0.0f, b5 = 0.0f, b6 = 0.0f, b7 = 0.0f;
                    const float *d = dy + p;
                    const int8_t *w = w_c;
                    for (int32_t o = 0; o < group_out; ++o) {
                        const float u = (float)w[0];
                        const float v = (float)w[1];
                        const float d0 = d[0], d1 = d[1], d2 = d[2], d3 = d[3];
                        const float d4 = d[4], d5 = d[5], d6 = d[6], d7 = d[7];
                        a0 = tt_mac(a0, d0, u); b0 = tt_mac(b0, d0, v);
                        a1 = tt_mac(a1, d1, u); b1 = tt_mac(b1, d1, v);
                        a2 = tt_mac(a2, d2, u); b2 = tt_mac(b2, d2, v);
                        a3 = tt_mac(a3, d3, u); b3 = tt_mac(b3, d3, v);
                        a4 = tt_mac(a4, d4, u); b4 = tt_mac(b4, d4, v);
                        a5 = tt_mac(a5, d5, u); b5 = tt_mac(b5, d5, v);
                        a6 = tt_mac(a6, d6, u); b6 = tt_mac(b6, d6, v);
                        a7 = tt_mac(a7, d7, u); b7 = tt_mac(b7, d7, v);
                        d += pixels;
                        w += group_in;
                    }
                    dx0[p + 0] = a0; dx0[p + 1] = a1; dx0[p + 2] = a2; dx0[p + 3] = a3;
                    dx0[p + 4] = a4; dx0[p + 5] = a5; dx0[p + 6] = a6; dx0[p + 7] = a7;
                    dx1[p + 0] = b0; dx1[p + 1] = b1; dx1[p + 2] = b2; dx1[p + 3] = b3;
                    dx1[p + 4] = b4; dx1[p + 5] = b5; dx1[p + 6] = b6; dx1[p + 7] = b7;
                }
                for (; p < pixels; ++p) {
                    float a = 0.0f, b = 0.0f;
                    const float *d = dy + p;
                    const int8_t *w = w_c;
                    for (int32_t o = 0; o < group_out; ++o) {
                        a = tt_mac(a, *d, (float)w[0]);
                        b = tt_mac(b, *d, (float)w[1]);
                        d += pixels;
                        w += group_in;
                    }
                    dx0[p] = a;
                    dx1[p] = b;
                }
            }
            for (; c < group_in; ++c) {
                float *dx0 = dx_group + c * pixels;
                int32_t p = 0;
                for (; p + 4 <= pixels; p += 4) {
                    float a0 = 0.0f, a1 = 0.0f, a2 = 0.0f, a3 = 0.0f;
                    const float *d = dy + p;
                    const int8_t *w = w_group + c;
                    for (int32_t o = 0; o < group_out; ++o) {
                        const float u = (float)*w;
                        a0 = tt_mac(a0, d[0], u);
                        a1 = tt_mac(a1, d[1], u);
                        a2 = tt_mac(a2, d[2], u);
                        a3 = tt_mac(a3, d[3], u);
                        d += pixels;
                        w += group_in;
                    }
                    dx0[p + 0] = a0; dx0[p + 1] = a1; dx0[p + 2] = a2; dx0[p + 3] = a3;
                }
                for (; p < pixels; ++p) {
                    float a = 0.0f;
                    const float *d = dy + p;
                    const int8_t *w = w_group + c;
                    for (int32_t o = 0; o < group_out; ++o) {
                        a = tt_mac(a, *d, (float)*w);
                        d += pixels;
                        w += group_in;
                    }
                    dx0[p] = a;
                }
            }
        }
    }
}
#endif

#ifndef TT_NAIVE_KERNELS
/* Depthwise (one input and one output channel per group): the scatter form.
 * dx channel c starts at +0; then for each tap (kh, kw) in increasing order,
 * every dy element of channel c whose window puts that tap inside the input
 * adds dy * w[kh, kw] to the dx element under the tap. Each dx element so gets
 * its products added in increasing (kh, kw), starting from +0, exactly the f32
 * sum of the gather loop below (same operations, same order; untouched elements
 * stay +0 as there). Channels in ascending order, channel c reading only dy
 * channel c and finished before channel c + 1 (the depthwise channel order of
 * tt_kernels.h). */
static void grad_input_depthwise(const float *grad_output, const int8_t *weight, float *grad_input,
                                 int32_t batch, int32_t channels, int32_t in_h, int32_t in_w,
                                 int32_t out_h, int32_t out_w, int32_t kernel_h, int32_t kernel_w,
                                 int32_t stride_h, int32_t stride_w, int32_t pad_top, int32_t pad_left)
{
    const int32_t in_plane = in_h * in_w;
    const int32_t out_plane = out_h * out_w;
    const int32_t taps = kernel_h * kernel_w;
    for (int32_t n = 0; n < batch; ++n) {
        for (int32_t c = 0; c < channels; ++c) {
            const float *dy = grad_output + (n * channels + c) * out_plane;
            const int8_t *w = weight + c * taps;
            float *dx = grad_input + (n * channels + c) * in_plane;
            for (int32_t i = 0; i < in_plane; ++i) {
                dx[i] = 0.0f;
            }
            for (int32_t kh = 0; kh < kernel_h; ++kh) {
                /* Output rows whose tap kh lands inside the input. */
                const int32_t oy_first = stride_h == 1 ? max_i32(0, pad_top - kh)
                                                       : ceil_div_or_zero(pad_top - kh, stride_h);
                const int32_t oy_end = min_i32(out_h, stride_h == 1 ? in_h + pad_top - kh
                                                                    : ceil_div_or_zero(in_h + pad_top - kh, stride_h));
                if (oy_end <= oy_first) {
                    continue;
                }
                const float *dy_row = dy + oy_first * out_w;
                float *dx_row = dx + (oy_first * stride_h - pad_top + kh) * in_w - pad_left;
                const int32_t dx_rows = stride_h * in_w;
                for (int32_t kw = 0; kw < kernel_w; ++kw) {
                    const int32_t ox_first = stride_w == 1 ? max_i32(0, pad_left - kw)
                                                           : ceil_div_or_zero(pad_left - kw, stride_w);
                    const int32_t ox_end = min_i32(out_w, stride_w == 1 ? in_w + pad_left - kw
                                                                        : ceil_div_or_zero(in_w + pad_left - kw, stride_w));
                    const int32_t count = ox_end - ox_first;
                    if (count <= 0) {
                        continue;
                    }
                    const float u = (float)w[kh * kernel_w + kw];
                    const float *d = dy_row + ox_first;
                    float *x = dx_row + ox_first * stride_w + kw;
                    for (int32_t oy = oy_first; oy < oy_end; ++oy, d += out_w, x += dx_rows) {
                        if (stride_w == 1) {
                            int32_t i = 0;
                            for (; i + 4 <= count; i += 4) {
                                const float d0 = d[i], d1 = d[i + 1], d2 = d[i + 2], d3 = d[i + 3];
                                const float x0 = x[i], x1 = x[i + 1], x2 = x[i + 2], x3 = x[i + 3];
                                x[i] = tt_mac(x0, d0, u);
                                x[i + 1] = tt_mac(x1, d1, u);
                                x[i + 2] = tt_mac(x2, d2, u);
                                x[i + 3] = tt_mac(x3, d3, u);
                            }
                            for (; i < count; ++i) {
                                x[i] = tt_mac(x[i], d[i], u);
                            }
                        } else {
                            for (int32_t i = 0; i < count; ++i) {
                                x[i * stride_w] = tt_mac(x[i * stride_w], d[i], u);
                            }
                        }
                    }
                }
            }
        }
    }
}
#endif

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

#ifndef TT_NAIVE_KERNELS
    if (kernel_h == 1 && kernel_w == 1 && stride_h == 1 && stride_w == 1 &&
        pad_top == 0 && pad_left == 0 && pad_bottom == 0 && pad_right == 0) {
        grad_input_pointwise(grad_output, weight, grad_input, batch, in_channels, in_h * in_w,
                             out_channels, groups);
        return;
    }
    /* The scatter form pays per tap and output row: only worth it when the
     * kernel is smaller than the input (else the gather loop below is cheaper). */
    if (group_in == 1 && group_out == 1 && kernel_h < in_h && kernel_w < in_w) {
        grad_input_depthwise(grad_output, weight, grad_input, batch, in_channels, in_h, in_w, out_h, out_w,
                             kernel_h, kernel_w, stride_h, stride_w, pad_top, pad_left);
        return;
    }
#endif

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
