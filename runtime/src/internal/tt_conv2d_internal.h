/*
 * Internal to the runtime: the unpacked shape of one convolution, and the
 * specialised int8 conv kernels that tt_conv2d_s8 (conv2d/tt_conv2d_s8.c)
 * dispatches to. Each specialised kernel lives in its own file under conv2d/
 * and states the shapes it accepts; the dispatch rule is in one place, the
 * wrapper, which calls a kernel only where its condition holds.
 */
#ifndef TT_CONV2D_INTERNAL_H
#define TT_CONV2D_INTERNAL_H

#include <stdint.h>

#include "tt_mask_writer.h"
#include "tt_support.h"
#include "tt_types.h"

/* Everything a conv kernel needs, unpacked from the parameter structs once. */
typedef struct {
    int32_t batch, in_channels, in_h, in_w;
    int32_t out_channels, kernel_h, kernel_w;
    int32_t stride_h, stride_w;
    int32_t pad_top, pad_left, pad_bottom, pad_right;
    int32_t groups;
    int32_t input_zero, output_zero;
    /* Derived: */
    int32_t out_h, out_w;
    int32_t group_in, group_out; /* input and output channels per group */
    int32_t taps;                /* kernel_h * kernel_w */
} tt_conv_shape;

/* The shape of a conv of `input` ([n, c, h, w]) with a filter of `filter`
 * ([n = output channels, c = input channels per group, h, w]). */
static inline tt_conv_shape tt_conv_shape_of(const tt_conv_params *conv, const tt_dims *input, const tt_dims *filter)
{
    tt_conv_shape s;
    s.batch = input->n;
    s.in_channels = input->c;
    s.in_h = input->h;
    s.in_w = input->w;
    s.out_channels = filter->n;
    s.kernel_h = filter->h;
    s.kernel_w = filter->w;
    s.stride_h = conv->stride.h;
    s.stride_w = conv->stride.w;
    s.pad_top = conv->padding.top;
    s.pad_left = conv->padding.left;
    s.pad_bottom = conv->padding.bottom;
    s.pad_right = conv->padding.right;
    s.groups = conv->groups;
    s.input_zero = conv->input_zero;
    s.output_zero = conv->output_zero;
    s.out_h = (s.in_h + s.pad_top + s.pad_bottom - s.kernel_h) / s.stride_h + 1;
    s.out_w = (s.in_w + s.pad_left + s.pad_right - s.kernel_w) / s.stride_w + 1;
    s.group_in = s.in_channels / s.groups;
    s.group_out = s.out_channels / s.groups;
    s.taps = s.kernel_h * s.kernel_w;
    return s;
}

/* 1x1 kernel, stride 1, no padding. */
static inline int tt_conv_is_pointwise(const tt_conv_shape *s)
{
    return s->kernel_h == 1 && s->kernel_w == 1 && s->stride_h == 1 && s->stride_w == 1 && s->pad_top == 0 &&
           s->pad_left == 0 && s->pad_bottom == 0 && s->pad_right == 0;
}

/* The parameters of a conv with the geometry and zero points of `s`, on a
 * batch-1 input of `in_channels` channels (the same plane) with `out_channels`
 * output channels in `groups` groups: a part of the conv (a split weight's
 * part, one filter of a fused conv). */
typedef struct {
    tt_conv_params conv;
    tt_dims input;
    tt_dims filter;
} tt_conv_part;

static inline tt_conv_part tt_conv_part_of(const tt_conv_shape *s, int32_t in_channels, int32_t out_channels,
                                           int32_t groups)
{
    tt_conv_part part;
    part.conv.input_zero = s->input_zero;
    part.conv.output_zero = s->output_zero;
    part.conv.stride.h = s->stride_h;
    part.conv.stride.w = s->stride_w;
    part.conv.padding.top = s->pad_top;
    part.conv.padding.left = s->pad_left;
    part.conv.padding.bottom = s->pad_bottom;
    part.conv.padding.right = s->pad_right;
    part.conv.groups = groups;
    part.input.n = 1;
    part.input.h = s->in_h;
    part.input.w = s->in_w;
    part.input.c = in_channels;
    part.filter.n = out_channels;
    part.filter.h = s->kernel_h;
    part.filter.w = s->kernel_w;
    part.filter.c = in_channels / groups;
    return part;
}

/* The weight gradient of a conv, as tt_conv2d_grad_weight_f32 and the fused
 * weight update take it: grad_dims is the gradient's shape, [out_channels,
 * channels, KH, KW] for a regular conv, [channels, 1, KH, KW] for a depthwise
 * one (whose dy has `groups` channels). */
typedef struct {
    tt_conv_shape s;
    int depthwise;
    int32_t filters;    /* gradient rows: out_channels, or the trained channels (depthwise) */
    int32_t per_filter; /* channels per row: the trained channels, or 1 (depthwise) */
} tt_weight_grad_shape;

static inline tt_weight_grad_shape tt_weight_grad_shape_of(const tt_conv_params *conv, const tt_dims *input,
                                                           const tt_dims *grad_dims)
{
    tt_weight_grad_shape g;
    g.depthwise = conv->groups != 1;
    const tt_dims filter = {g.depthwise ? conv->groups : grad_dims->n, grad_dims->h, grad_dims->w, 1};
    g.s = tt_conv_shape_of(conv, input, &filter);
    g.filters = grad_dims->n;
    g.per_filter = g.depthwise ? 1 : grad_dims->c;
    return g;
}

/* One element of the weight gradient, dW[o, c, kh, kw]: the f32 sum over
 * (n, oy, ox) increasing of dy[n, o, oy, ox] * (x[n, c, iy, ix] - input_zero)
 * over the outputs whose tap (kh, kw) lands inside the input (padding is a real
 * zero). The order of tt_conv2d_grad_weight_f32, which the fused weight update
 * repeats bit for bit. */
static TT_ALWAYS_INLINE float tt_conv_weight_grad_tap(const tt_conv_shape *s, const int8_t *input,
                                                      const float *grad_output, int32_t o, int32_t c, int32_t kh,
                                                      int32_t kw)
{
    /* Locals, not s->...: the loop below then keeps them in registers. */
    const int32_t stride_h = s->stride_h, stride_w = s->stride_w, in_w = s->in_w, out_w = s->out_w;
    const int32_t input_zero = s->input_zero;
    const int32_t out_plane = s->out_h * out_w;
    const int32_t in_plane = s->in_h * in_w;
    /* Output rows and columns whose tap lands inside: 0 <= oy * stride_h - pad_top + kh < in_h. */
    const int32_t oy_first = tt_ceil_div_or_zero(s->pad_top - kh, stride_h);
    const int32_t oy_end = tt_min_i32(s->out_h, tt_ceil_div_or_zero(s->in_h + s->pad_top - kh, stride_h));
    const int32_t ox_first = tt_ceil_div_or_zero(s->pad_left - kw, stride_w);
    const int32_t ox_end = tt_min_i32(out_w, tt_ceil_div_or_zero(in_w + s->pad_left - kw, stride_w));
    const int32_t offset = (oy_first * stride_h - s->pad_top + kh) * in_w - s->pad_left + kw;
    float acc = 0.0f;
    for (int32_t n = 0; n < s->batch; ++n) {
        const float *dy = grad_output + (n * s->out_channels + o) * out_plane + oy_first * out_w;
        const int8_t *x = input + (n * s->in_channels + c) * in_plane + offset;
        for (int32_t oy = oy_first; oy < oy_end; ++oy, dy += out_w, x += stride_h * in_w) {
            for (int32_t ox = ox_first; ox < ox_end; ++ox) {
                const float centered = (float)((int32_t)x[ox * stride_w] - input_zero);
                acc += dy[ox] * centered;
            }
        }
    }
    return acc;
}

/* --------------------------------------------------------------- 1x1 kernels */

/* Packed weight words and kept partial sums of tt_conv2d_1x1_pairs_s8 (stack). */
#define TT_PAIRS_PACK 256 /* 4 output channels x 64 input channel pairs */
#define TT_PAIRS_ACC 64   /* pixels whose 4 partial sums a chunked reduction keeps */

/* acc[i] += sum over c < count of x[c * pixels + i] * w[c], i < 4: the 4-pixel
 * dot product of the 1x1 kernels (conv2d/tt_conv2d_1x1_s8.c). */
void tt_dot4_s8(int32_t *acc, const int8_t *x, int32_t pixels, const int8_t *w, int32_t count);

/* Any 1x1 stride-1 unpadded conv (conv2d/tt_conv2d_1x1_s8.c). */
void tt_conv2d_1x1_s8(const tt_conv_shape *s, const int8_t *input, const int8_t *weight, const int32_t *bias,
                      const float *multipliers, int8_t *output, uint8_t *mask);

/* The 1x1 dual-MAC kernel (conv2d/tt_conv2d_1x1_pairs_s8.c): an even group_in,
 * a plane of a multiple of 4 pixels, at least 4 output channels per group, and
 * group_in <= 2 * TT_PAIRS_PACK / 4 or pixels <= TT_PAIRS_ACC. It writes the
 * mask a nibble at a time; the other kernels write it in flat order with a
 * mask_writer of their own (a local the compiler keeps in registers). Every
 * kernel takes `mask` NULL for none. */
int tt_conv2d_1x1_pairs_s8_fits(const tt_conv_shape *s);
void tt_conv2d_1x1_pairs_s8(const tt_conv_shape *s, const int8_t *input, const int8_t *weight,
                            const int32_t *bias, const float *multipliers, int8_t *output, uint8_t *mask);

/* --------------------------------------------------------------- depthwise */

/* The padded-plane scratch of tt_depthwise_conv2d_s8 (int16 elements, stack). */
#define TT_DW_SCRATCH 512
#define TT_DW_MAX_K 7

/* Depthwise KxK, K in {3, 5, 7}, equal strides 1 or 2, non-negative padding,
 * |input_zero| <= 255, a padded row times K within TT_DW_SCRATCH
 * (conv2d/tt_depthwise_conv2d_s8.c). */
int tt_depthwise_conv2d_s8_fits(const tt_conv_shape *s);
void tt_depthwise_conv2d_s8(const tt_conv_shape *s, const int8_t *input, const int8_t *weight,
                            const int32_t *bias, const float *multipliers, int8_t *output, uint8_t *mask);

/* --------------------------------------------------------------- any shape */

/* Any conv (conv2d/tt_conv2d_generic_s8.c): interior windows without bounds
 * checks, the padded border tap by tap. */
void tt_conv2d_generic_s8(const tt_conv_shape *s, const int8_t *input, const int8_t *weight, const int32_t *bias,
                          const float *multipliers, int8_t *output, uint8_t *mask);

/* --------------------------------------------------------------- gradients */

/* The input gradient in gather form for any conv, the weight split or whole
 * (conv2d_grad/tt_conv2d_grad_input_f32.c). */
void tt_conv2d_grad_input_gather_f32(const tt_conv_shape *s, const float *grad_output, const tt_split_weight *weight,
                                     float *grad_input);

#endif /* TT_CONV2D_INTERNAL_H */
