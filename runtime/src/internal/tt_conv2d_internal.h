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

/* --------------------------------------------------------------- 1x1 kernels */

/* Packed weight words and kept partial sums of tt_conv2d_1x1_pairs_s8 (stack). */
#define TT_PAIRS_PACK 256 /* 4 output channels x 64 input channel pairs */
#define TT_PAIRS_ACC 64   /* pixels whose 4 partial sums a chunked reduction keeps */

/* Any 1x1 stride-1 unpadded conv (conv2d/tt_conv2d_1x1_s8.c). */
void tt_conv2d_1x1_s8(const tt_conv_shape *s, const int8_t *input, const int8_t *weight, const int32_t *bias,
                      const float *multipliers, int8_t *output, mask_writer *mask);

/* The 1x1 dual-MAC kernel (conv2d/tt_conv2d_1x1_pairs_s8.c): an even group_in,
 * a plane of a multiple of 4 pixels, at least 4 output channels per group, and
 * group_in <= 2 * TT_PAIRS_PACK / 4 or pixels <= TT_PAIRS_ACC. Writes the mask
 * bits itself (a nibble at a time), not through a mask_writer. */
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
                            const int32_t *bias, const float *multipliers, int8_t *output, mask_writer *mask);

/* --------------------------------------------------------------- any shape */

/* Any conv (conv2d/tt_conv2d_generic_s8.c): interior windows without bounds
 * checks, the padded border tap by tap. */
void tt_conv2d_generic_s8(const tt_conv_shape *s, const int8_t *input, const int8_t *weight, const int32_t *bias,
                          const float *multipliers, int8_t *output, mask_writer *mask);

#endif /* TT_CONV2D_INTERNAL_H */
