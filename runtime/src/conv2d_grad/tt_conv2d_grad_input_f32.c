/*
 * qtrain.conv2d_grad_input: the transposed convolution of the accumulator
 * gradient with the int8 weights. Each dx element is one f32 sum in increasing
 * (output channel, kh, kw), whatever the path: the 1x1 and depthwise fast
 * paths (skipped under TT_NAIVE_KERNELS) keep that order, so every path gives
 * the same bits.
 */
#include "../internal/tt_conv2d_internal.h"
#include "tt_kernels.h"
#include "../internal/tt_support.h"

#if TT_FAST_PATHS
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

#if TT_FAST_PATHS
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
                const int32_t oy_first = stride_h == 1 ? tt_max_i32(0, pad_top - kh)
                                                       : tt_ceil_div_or_zero(pad_top - kh, stride_h);
                const int32_t oy_end = tt_min_i32(out_h, stride_h == 1 ? in_h + pad_top - kh
                                                                    : tt_ceil_div_or_zero(in_h + pad_top - kh, stride_h));
                if (oy_end <= oy_first) {
                    continue;
                }
                const float *dy_row = dy + oy_first * out_w;
                float *dx_row = dx + (oy_first * stride_h - pad_top + kh) * in_w - pad_left;
                const int32_t dx_rows = stride_h * in_w;
                for (int32_t kw = 0; kw < kernel_w; ++kw) {
                    const int32_t ox_first = stride_w == 1 ? tt_max_i32(0, pad_left - kw)
                                                           : tt_ceil_div_or_zero(pad_left - kw, stride_w);
                    const int32_t ox_end = tt_min_i32(out_w, stride_w == 1 ? in_w + pad_left - kw
                                                                        : tt_ceil_div_or_zero(in_w + pad_left - kw, stride_w));
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

/* The weights of input channel c_in_group of group `group` across that
 * group's output channels og: w(og) = first + og * first_stride for og < split_at,
 * second + (og - split_at) * second_stride from there (two runs: a split
 * weight's trained and frozen parts; a whole weight is one run). */
typedef struct {
    const int8_t *first;
    const int8_t *second;
    int32_t first_stride, second_stride, split_at;
} channel_weights;

static channel_weights channel_weights_of(const tt_conv_shape *s, const tt_split_weight *weight, int32_t group,
                                          int32_t c_in_group)
{
    const int32_t taps = s->taps, split = weight->split;
    channel_weights runs = {NULL, NULL, 0, 0, s->group_out};
    if (s->groups == 1) { /* split on input channels: channel c lies whole in one part */
        if (c_in_group < split) {
            runs.first = weight->trained + c_in_group * taps;
            runs.first_stride = split * taps;
        } else {
            runs.first = weight->frozen + (c_in_group - split) * taps;
            runs.first_stride = (s->group_in - split) * taps;
        }
        return runs;
    }
    /* Grouped: split on output channels (whole filters). */
    const int32_t o_first = group * s->group_out;
    runs.split_at = tt_clamp_i32(split - o_first, 0, s->group_out);
    runs.first = weight->trained + (o_first * s->group_in + c_in_group) * taps;
    runs.first_stride = s->group_in * taps;
    if (runs.split_at < s->group_out) {
        runs.second = weight->frozen + ((o_first + runs.split_at - split) * s->group_in + c_in_group) * taps;
        runs.second_stride = s->group_in * taps;
    }
    return runs;
}

/* acc + the products of padded input position (py, px) with output channels
 * [og_begin, og_end), whose weights are at w (channel og_begin) and `stride` apart. */
static TT_ALWAYS_INLINE float gather_run(float acc, const tt_conv_shape *s, const float *dy, const int8_t *w,
                                         int32_t stride, int32_t og_begin, int32_t og_end, int32_t py, int32_t px,
                                         int32_t oy_first, int32_t oy_last, int32_t ox_first, int32_t ox_last)
{
    const int32_t out_plane = s->out_h * s->out_w;
    for (int32_t og = og_begin; og < og_end; ++og, w += stride) {
        const float *dy_o = dy + og * out_plane;
        /* Increasing kh is decreasing oy, likewise kw and ox. */
        for (int32_t oy = oy_last; oy >= oy_first; --oy) {
            const int32_t kh = py - oy * s->stride_h;
            for (int32_t ox = ox_last; ox >= ox_first; --ox) {
                const int32_t kw = px - ox * s->stride_w;
                acc += dy_o[oy * s->out_w + ox] * (float)w[kh * s->kernel_w + kw];
            }
        }
    }
    return acc;
}

/* Gather form: each dx element is written once, from the outputs whose window
 * covers it, one f32 sum in increasing (output channel, kh, kw). Padded row
 * py = iy + pad_top meets tap kh at output row oy = (py - kh) / stride_h when
 * that divides exactly and 0 <= oy < out_h, so kh runs over one residue class
 * mod stride_h. The weight may be split (an unsplit one is all trained). */
void tt_conv2d_grad_input_gather_f32(const tt_conv_shape *s, const float *grad_output, const tt_split_weight *weight,
                                     float *grad_input)
{
    const int32_t out_plane = s->out_h * s->out_w;
    float *dx = grad_input;
    for (int32_t n = 0; n < s->batch; ++n) {
        for (int32_t c = 0; c < s->in_channels; ++c) {
            const int32_t group = c / s->group_in;
            const channel_weights runs = channel_weights_of(s, weight, group, c - group * s->group_in);
            const float *dy_group = grad_output + (n * s->out_channels + group * s->group_out) * out_plane;
            for (int32_t iy = 0; iy < s->in_h; ++iy) {
                const int32_t py = iy + s->pad_top;
                /* kh = py - oy * stride_h with oy <= out_h - 1 and kh < kernel_h. */
                const int32_t oy_last = tt_min_i32(s->out_h - 1, py / s->stride_h);
                const int32_t oy_first = tt_max_i32(0, py - s->kernel_h + s->stride_h) / s->stride_h;
                for (int32_t ix = 0; ix < s->in_w; ++ix) {
                    const int32_t px = ix + s->pad_left;
                    const int32_t ox_last = tt_min_i32(s->out_w - 1, px / s->stride_w);
                    const int32_t ox_first = tt_max_i32(0, px - s->kernel_w + s->stride_w) / s->stride_w;
                    float acc = gather_run(0.0f, s, dy_group, runs.first, runs.first_stride, 0, runs.split_at, py, px,
                                           oy_first, oy_last, ox_first, ox_last);
                    if (runs.split_at < s->group_out) {
                        acc = gather_run(acc, s, dy_group, runs.second, runs.second_stride, runs.split_at, s->group_out, py, px, oy_first, oy_last,
                                         ox_first, ox_last);
                    }
                    *dx++ = acc;
                }
            }
        }
    }
}

void tt_conv2d_grad_input_f32(const tt_conv_params *conv, const tt_dims *input_dims, const tt_dims *filter_dims,
                              const float *grad_output, const int8_t *weight, float *grad_input)
{
    const tt_conv_shape s = tt_conv_shape_of(conv, input_dims, filter_dims);

#if TT_FAST_PATHS
    if (tt_conv_is_pointwise(&s)) {
        grad_input_pointwise(grad_output, weight, grad_input, s.batch, s.in_channels, s.in_h * s.in_w,
                             s.out_channels, s.groups);
        return;
    }
    /* The scatter form pays per tap and output row: only worth it when the
     * kernel is smaller than the input (else the gather loop below is cheaper). */
    if (s.group_in == 1 && s.group_out == 1 && s.kernel_h < s.in_h && s.kernel_w < s.in_w) {
        grad_input_depthwise(grad_output, weight, grad_input, s.batch, s.in_channels, s.in_h, s.in_w, s.out_h, s.out_w,
                             s.kernel_h, s.kernel_w, s.stride_h, s.stride_w, s.pad_top, s.pad_left);
        return;
    }
#endif

    /* All trained: every channel (groups == 1) or filter (grouped) in the first part. */
    const tt_split_weight whole = {weight, NULL, s.groups == 1 ? s.group_in : s.out_channels};
    tt_conv2d_grad_input_gather_f32(&s, grad_output, &whole, grad_input);
}
