/*
 * tiny-training runtime: one kernel per compute op of the `qtrain` dialect.
 *
 * The reference semantics are the numpy functions of interpreters/qtrain.py;
 * the op docstrings in dialects/qtrain/ give shapes and attributes.
 *
 * Conventions shared by every kernel:
 *
 *  - Tensors are contiguous row-major in their own shape: activations NCHW,
 *    conv weights [O, I/groups, KH, KW], linear weights [out, in].
 *    int8 activations and weights are int8_t, biases int32_t, gradients and
 *    every other fp32 value float.
 *  - Clamp masks (`i1` tensors) are bit-packed: the element with flat
 *    row-major index i is bit (i & 7) of byte (i >> 3), LSB first; 1 means the
 *    value before the int8 clamp lay inside [-128, 127]. Kernels that write a
 *    mask leave the unused high bits of its last byte 0. A mask of `count`
 *    elements takes TT_MASK_BYTES(count) bytes.
 *  - Convolution kernels take parameter structs (tt_types.h): tt_conv_params
 *    (zero points, stride, padding [top, left, bottom, right], groups), the
 *    tt_dims of the input and the filter, tt_per_channel_quant; the output
 *    size is (in + pad_before + pad_after - kernel) / stride + 1 (floor).
 *    The other kernels take their few sizes as arguments.
 *  - Compile-time constants (requantization multipliers, QAS factors, scales)
 *    are passed as f32 values computed by the compiler exactly as the
 *    interpreter computes them (qtrain.requant_multipliers, add_multipliers,
 *    f32 of an f64 attribute, ...).
 *  - No allocation, no global state, no I/O. Dimensions are int32_t; element
 *    counts must fit in int32_t.
 *  - "In place" below means that the output pointer may equal an input
 *    pointer (the same start address); other partial overlaps are not allowed.
 *
 * Exactness: integer paths (int8 forward ops, SGD on int8/int32 parameters)
 * agree bit for bit with the interpreter. fp32 kernels that do one IEEE
 * operation per element are bit-exact too; the fp32 sums (linear, the
 * gradients of linear and conv, the bias sums, softmax) accumulate in f32 in
 * the order documented at each kernel, while the interpreter sums in f64 and
 * rounds once, so they agree within the usual f32 summation error bound.
 *
 * Ops without a kernel:
 *  - qtrain.flatten and qtrain.reshape: row-major reshapes of contiguous data;
 *    the result is the same bytes (the generator aliases the buffers).
 *  - qtrain.get_param, qtrain.param_grad: no computation.
 */
#ifndef TT_KERNELS_H
#define TT_KERNELS_H

#include <stdint.h>

#include "tt_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes of a bit-packed mask of `count` elements. */
#define TT_MASK_BYTES(count) (((count) + 7) / 8)

/* ------------------------------------------------------------------------
 * Forward: int8 inference ops (runtime/src/conv2d/, elementwise/, pooling/, linear/)
 * ------------------------------------------------------------------------ */

/*
 * qtrain.conv2d: int8 convolution, pointwise / regular / grouped / depthwise.
 *
 *   acc = sat32(sum((x - input_zero) * w) + bias[o])
 *   y   = clamp(rint(f32(acc) * multipliers[o]) + output_zero, -128, 127)
 *
 * input [batch, in_channels, in_h, in_w] (input_dims); weight [out_channels,
 * in_channels / groups, kernel_h, kernel_w] (filter_dims; symmetric, zero
 * point 0); bias and quant->multipliers [out_channels]; output [batch,
 * out_channels, out_h, out_w]. input_zero, output_zero, stride, padding and
 * groups come from `conv`. Padded inputs count as input_zero (real zero). `mask` (may be NULL) receives
 * the clamp mask of the output. Requires the conv verifier's bound
 * 255 * 128 * kernel_h * kernel_w * in_channels / groups < 2^31.
 * Not in place.
 * Channel order: a depthwise conv (groups = in_channels = out_channels) with
 * batch 1 handles the channels in ascending order, reading only input channel c
 * for output channel c and finishing output channel c before it reads input
 * channel c + 1 (so the output may start one output channel below the input in
 * the same buffer).
 */
void tt_conv2d_s8(const tt_conv_params *conv, const tt_per_channel_quant *quant, const tt_dims *input_dims,
                  const int8_t *input, const tt_dims *filter_dims, const int8_t *weight, const int32_t *bias,
                  int8_t *output, uint8_t *mask);

/* Bytes of stack scratch the kernel tt_conv2d_s8 picks for this conv uses
 * beyond its frame (0 for the generic and plain 1x1 kernels). */
int32_t tt_conv2d_s8_get_buffer_size(const tt_conv_params *conv, const tt_dims *input_dims,
                                     const tt_dims *filter_dims);

/*
 * qtrain.add: requantized elementwise add of two int8 tensors of `count` elements,
 *   y = clamp(rint(f32(a - a_zero) * a_mult + f32(b - b_zero) * b_mult) + y_zero)
 * with a_mult = f32(s_a / s_y), b_mult = f32(s_b / s_y). `mask` may be NULL.
 * In place: output may equal lhs or rhs.
 */
void tt_add_s8(const int8_t *lhs, int32_t lhs_zero, float lhs_mult,
               const int8_t *rhs, int32_t rhs_zero, float rhs_mult,
               int32_t output_zero, int8_t *output, uint8_t *mask, int32_t count);

/*
 * qtrain.global_avgpool: y[n, c] = rint(sum_hw x[n, c] / (h * w)), the exact
 * quotient rounded half to even (same quantization in and out).
 * output is [batch, channels] (= [batch, channels, 1, 1]). In place: output may
 * equal input (each result is written behind the data still to be read).
 */
void tt_global_avgpool_s8(const int8_t *input, int8_t *output,
                          int32_t batch, int32_t channels, int32_t h, int32_t w);

/*
 * qtrain.dequantize: y = f32(q - zero) * scale, scale = f32(s). In place: the
 * float output may start at the int8 input's address (it runs back to front);
 * the buffer must then hold 4 * count bytes.
 */
void tt_dequantize_s8(const int8_t *input, int32_t zero, float scale, float *output, int32_t count);

/*
 * qtrain.linear (the fp32 head; an int8 head is a 1x1 tt_conv2d_s8):
 *   y[n, o] = (sum_k x[n, k] * w[o, k]) + b[o]
 * summed in f32 in increasing k, the bias added last. Not in place.
 */
void tt_linear_f32(const float *input, const float *weight, const float *bias, float *output,
                   int32_t batch, int32_t in_features, int32_t out_features);

/*
 * qtrain.slice_channels: output[n] = input[n, :kept_channels] for NCHW int8 data
 * with `channels` channels of h x w. In place: output may equal input.
 */
void tt_slice_channels_s8(const int8_t *input, int8_t *output, int32_t batch, int32_t channels,
                          int32_t kept_channels, int32_t h, int32_t w);

/* ------------------------------------------------------------------------
 * Backward: fp32 loss and gradients (runtime/src/loss/, linear/, elementwise/, pooling/, conv2d_grad/)
 * ------------------------------------------------------------------------ */

/*
 * qtrain.softmax_cross_entropy: *loss = mean_n(logsumexp(logits[n]) - logits[n, labels[n]]),
 * in f32 (expf, logf), logits [batch, classes], 0 <= labels[n] < classes.
 */
void tt_softmax_cross_entropy_f32(const float *logits, const int32_t *labels, float *loss,
                                  int32_t batch, int32_t classes);

/*
 * qtrain.softmax_cross_entropy_grad: grad = (softmax(logits) - onehot(labels)) / batch.
 * In place: grad may equal logits.
 */
void tt_softmax_cross_entropy_grad_f32(const float *logits, const int32_t *labels, float *grad,
                                       int32_t batch, int32_t classes);

/*
 * qtrain.linear_grad_input: dx[n, k] = sum_o dy[n, o] * w[o, k], summed in
 * increasing o. dy [batch, out_features], w [out_features, in_features]. Not in place.
 */
void tt_linear_grad_input_f32(const float *grad_output, const float *weight, float *grad_input,
                              int32_t batch, int32_t out_features, int32_t in_features);

/*
 * qtrain.linear_grad_weight: dw[o, k] = sum_n dy[n, o] * x[n, k], summed in
 * increasing n (bit-exact for batch 1). Not in place.
 */
void tt_linear_grad_weight_f32(const float *grad_output, const float *input, float *grad_weight,
                               int32_t batch, int32_t out_features, int32_t in_features);

/*
 * qtrain.sum_batch: y[i] = sum_n x[n, i] over `count` elements per batch item,
 * summed in increasing n (bit-exact for batch 1). In place: output may equal input.
 */
void tt_sum_batch_f32(const float *input, float *output, int32_t batch, int32_t count);

/*
 * qtrain.dequantize_grad: dq = dy * scale, scale = f32 of the op's f64 attribute.
 * In place.
 */
void tt_dequantize_grad_f32(const float *grad_output, float scale, float *grad_input, int32_t count);

/*
 * qtrain.global_avgpool_grad: dx[n, c, :, :] = dy[n, c] / f32(h * w) (an IEEE
 * division, as the interpreter). dy [batch, channels]. In place: grad_input may
 * start at grad_output's address (it runs back to front).
 */
void tt_global_avgpool_grad_f32(const float *grad_output, float *grad_input,
                                int32_t batch, int32_t channels, int32_t h, int32_t w);

/*
 * qtrain.clamp_grad: dx[i] = mask bit i ? dy[i] : 0 (bit-packed mask). In place.
 */
void tt_clamp_grad_f32(const float *grad_output, const uint8_t *mask, float *grad_input, int32_t count);

/*
 * qtrain.add_grad: d_lhs = dy * lhs_factor, d_rhs = dy * rhs_factor.
 * In place: either output may equal grad_output (not both).
 */
void tt_add_grad_f32(const float *grad_output, float lhs_factor, float rhs_factor,
                     float *grad_lhs, float *grad_rhs, int32_t count);

/*
 * qtrain.requant_grad: g[n, c, :] = dy[n, c, :] * multipliers[c] over NCHW data
 * with h * w = `hw`. In place.
 */
void tt_requant_grad_f32(const float *grad_output, const float *multipliers, float *grad_input,
                         int32_t batch, int32_t channels, int32_t hw);

/*
 * qtrain.conv2d_grad_input: the transposed convolution of the accumulator
 * gradient dy [batch, out_channels, out_h, out_w] with the int8 weights,
 * giving dx [batch, in_channels, in_h, in_w] (input_dims; 0 where no window
 * reads the input). conv and filter_dims as tt_conv2d_s8 (zero points unread). Each dx element is one f32 sum, in
 * increasing (output channel, kh, kw). Not in place.
 * Channel order: for a depthwise conv (groups = in_channels = out_channels)
 * with batch 1, dx channels are produced in ascending order, dx channel c
 * reads only dy channel c and is finished before dy channel c + 1 is read (so
 * dx may start one dx channel below dy in the same buffer).
 */
void tt_conv2d_grad_input_f32(const tt_conv_params *conv, const tt_dims *input_dims, const tt_dims *filter_dims,
                              const float *grad_output, const int8_t *weight, float *grad_input);

/*
 * qtrain.conv2d_grad_weight: dW = sum over (n, oy, ox) of dy * (x - input_zero)
 * (padding is real zero; input_zero from `conv`), for the first `channels`
 * trainable channels only; grad_dims is grad_weight's shape:
 *  - groups == 1: grad_weight [out_channels, channels, kernel_h, kernel_w], the
 *    leading input channels;
 *  - depthwise (groups == out_channels): grad_weight [channels, 1, kernel_h,
 *    kernel_w], the leading channels (dy has `groups` channels).
 * (Other grouped convs do not train weights; the op verifier rejects them.)
 * `input` [batch, in_channels, in_h, in_w] may be a saved leading-channel slice
 * (in_channels >= channels); dy is [batch, out_channels, out_h, out_w] with
 * out_h, out_w from in_h, in_w and the geometry. Each element is one f32 sum
 * in increasing (n, oy, ox). Not in place.
 */
void tt_conv2d_grad_weight_f32(const tt_conv_params *conv, const tt_dims *input_dims, const int8_t *input,
                               const tt_dims *grad_dims, const float *grad_output, float *grad_weight);

/*
 * qtrain.conv2d_grad_bias: db[c] = sum over (n, h, w) of dy[n, c, h, w], one f32
 * sum in increasing (n, hw index); hw = h * w. Not in place.
 */
void tt_conv2d_grad_bias_f32(const float *grad_output, float *grad_bias,
                             int32_t batch, int32_t channels, int32_t hw);

/* qtrain.accumulate: y = a + b. In place: output may equal lhs or rhs. */
void tt_accumulate_f32(const float *lhs, const float *rhs, float *output, int32_t count);

/*
 * qtrain.scale_channels: y[c, ...] = x[c, ...] * factors[c] for `channels`
 * leading-axis slices of `inner` elements each. In place.
 */
void tt_scale_channels_f32(const float *input, const float *factors, float *output,
                           int32_t channels, int32_t inner);

/* ------------------------------------------------------------------------
 * Update: in-place SGD (runtime/src/update/)
 * ------------------------------------------------------------------------
 * step = f32(g * lr) (an f32 product, lr = f32 of the op's attribute):
 *   int8 weights:  W = sat8(W - rint(step))
 *   int32 biases:  b = sat32(b - rint(step))
 *   fp32 params:   W = W - step
 * rint rounds half to even. The int8/int32 kernels return how many values
 * saturated (the interpreter's `saturations`); the caller may sum these.
 *
 * The plain kernels update `count` leading elements. The `_rows` kernels take
 * a gradient that is a leading slice of the parameter in one dimension d
 * (all dimensions before and after d full, see _check_leading_slice in
 * dialects/qtrain/update.py): with grad shape g and param shape p,
 *   rows = prod(g[:d]), row_length = prod(g[d:]), param_row_stride = prod(p[d:]).
 * A regular conv weight gradient [O, k, KH, KW] of [O, I, KH, KW] is
 * rows = O, row_length = k*KH*KW, param_row_stride = I*KH*KW; a depthwise one
 * [k, 1, KH, KW] is a plain prefix of k*KH*KW elements. The gradient is dense
 * (rows x row_length).
 */
int32_t tt_sgd_update_s8(int8_t *param, const float *grad, float lr, int32_t count);
int32_t tt_sgd_update_s32(int32_t *param, const float *grad, float lr, int32_t count);
void tt_sgd_update_f32(float *param, const float *grad, float lr, int32_t count);

int32_t tt_sgd_update_rows_s8(int8_t *param, const float *grad, float lr,
                              int32_t rows, int32_t row_length, int32_t param_row_stride);
int32_t tt_sgd_update_rows_s32(int32_t *param, const float *grad, float lr,
                               int32_t rows, int32_t row_length, int32_t param_row_stride);
void tt_sgd_update_rows_f32(float *param, const float *grad, float lr,
                            int32_t rows, int32_t row_length, int32_t param_row_stride);

/* ------------------------------------------------------------------------
 * Fused ops (runtime/src/conv2d/, update/)
 * ------------------------------------------------------------------------ */

/*
 * qtrain.conv2d_dw: a regular conv (groups = 1, any kernel, stride, padding)
 * followed by a depthwise conv, one intermediate channel at a time. `conv`,
 * `quant`, `filter_dims` are the first conv's, `dw_conv`, `dw_quant`,
 * `dw_filter_dims` the depthwise conv's (groups 1 per channel as passed: the
 * kernel runs it one channel at a time); conv->output_zero and
 * dw_conv->input_zero are both the intermediate zero point mid_zero. For each
 * batch item n and channel c of the intermediate tensor [batch, mid_channels,
 * mid_h, mid_w] (mid_h, mid_w from in_h, in_w and the first geometry):
 *  1. scratch = intermediate channel c: tt_conv2d_s8 with filter c of `weight`
 *     [mid_channels, in_channels, kernel_h, kernel_w], bias[c], multipliers[c]
 *     and output zero point mid_zero (clamped to int8);
 *  2. output channel c = tt_conv2d_s8 of scratch (zero point mid_zero) with
 *     filter c of `dw_weight` [mid_channels, 1, dw_kernel_h, dw_kernel_w],
 *     dw_bias[c], dw_multipliers[c] and output_zero.
 * The result equals qtrain.conv2d then the depthwise qtrain.conv2d (groups =
 * mid_channels) bit for bit. `scratch` holds mid_h * mid_w bytes (one channel),
 * output is [batch, mid_channels, out_h, out_w]. No clamp masks (forward only).
 * Not in place: output, scratch and input must not overlap. Any batch size.
 */
void tt_conv2d_dw_s8(const tt_conv_params *conv, const tt_per_channel_quant *quant,
                     const tt_conv_params *dw_conv, const tt_per_channel_quant *dw_quant,
                     const tt_dims *input_dims, const int8_t *input,
                     const tt_dims *filter_dims, const int8_t *weight, const int32_t *bias,
                     const tt_dims *dw_filter_dims, const int8_t *dw_weight, const int32_t *dw_bias,
                     int8_t *output, int8_t *scratch);

/* Bytes of the caller's `scratch` for tt_conv2d_dw_s8 / tt_conv2d_dw_split_s8:
 * one intermediate channel (conv, input_dims, filter_dims of the first conv). */
int32_t tt_conv2d_dw_s8_get_buffer_size(const tt_conv_params *conv, const tt_dims *input_dims,
                                        const tt_dims *filter_dims);

/*
 * qtrain.conv2d_weight_update: in-place SGD step on an int8 conv weight from
 * its gradient, which is never stored. grad_dims is the gradient's shape as
 * tt_conv2d_grad_weight_f32's, weight_dims the updated array's (its c, the
 * channels per filter, is weight_channels below). For each trained element
 *  - regular conv (groups == 1): weight [out_channels, weight_channels,
 *    kernel_h, kernel_w], elements [o, c, kh, kw] with c < channels;
 *  - depthwise (groups == out_channels): weight [out_channels, 1, kernel_h,
 *    kernel_w] (weight_channels = 1), elements [o, 0, kh, kw] with o < channels;
 * g is the f32 sum of tt_conv2d_grad_weight_f32 (same operands and geometry,
 * same order), then g = g * factors[o] when factors != NULL (one per trained
 * filter: out_channels regular, channels depthwise), then the step of
 * tt_sgd_update_rows_s8: W = sat8(W - rint(f32(g * lr))). The result equals
 * tt_conv2d_grad_weight_f32 + tt_scale_channels_f32 + tt_sgd_update_rows_s8 /
 * tt_sgd_update_s8 bit for bit, saturation count included (the interpreter
 * sums in f64: see "Exactness" above). `input` [batch, in_channels, in_h, in_w]
 * may be a saved leading-channel slice (channels <= in_channels <=
 * weight_channels for a regular conv). Returns how many weights saturated.
 */
int32_t tt_conv2d_weight_update_s8(const tt_conv_params *conv, const tt_dims *input_dims, const int8_t *input,
                                   const tt_dims *grad_dims, const float *grad_output, const float *factors,
                                   float lr, const tt_dims *weight_dims, int8_t *weight);

/* ------------------------------------------------------------------------
 * Split weights (runtime/src/conv2d/, conv2d_grad/; tt_split_weight in tt_types.h)
 * ------------------------------------------------------------------------
 * A sparse-update conv weight whose leading channels train is stored in two
 * arrays: `trained` (SRAM, updated by tt_conv2d_weight_update_s8 /
 * tt_sgd_update_s8) and `frozen` (const, flash), split at `split` channels:
 *  - groups == 1, logical weight [O, I, KH, KW]: trained [O, split, KH, KW]
 *    (input channels c < split), frozen [O, I - split, KH, KW];
 *  - groups > 1 (depthwise), logical weight [O, I/groups, KH, KW]: trained
 *    [split, I/groups, KH, KW] (channels o < split, a prefix of the tensor),
 *    frozen [O - split, I/groups, KH, KW].
 * Each kernel equals its unsplit form on the reassembled weight bit for bit
 * (same arguments otherwise, same in-place rules: none).
 */

/* qtrain.conv2d with a split weight: tt_conv2d_s8 (mask optional, may be NULL). */
void tt_conv2d_split_s8(const tt_conv_params *conv, const tt_per_channel_quant *quant, const tt_dims *input_dims,
                        const int8_t *input, const tt_dims *filter_dims, const tt_split_weight *weight,
                        const int32_t *bias, int8_t *output, uint8_t *mask);

/* qtrain.conv2d_dw with split weights: tt_conv2d_dw_s8, the first conv's weight
 * [mid_channels, in_channels, kernel_h, kernel_w] split at `split` input
 * channels (groups = 1), the depthwise weight [mid_channels, 1, dw_kernel_h,
 * dw_kernel_w] at `dw_split` channels. An unsplit weight is passed whole as the
 * trained part with split = in_channels (resp. dw_split = mid_channels) and its
 * frozen pointer NULL. (In @main the fusion also takes trained layers: inference
 * has no clamp masks.) */
void tt_conv2d_dw_split_s8(const tt_conv_params *conv, const tt_per_channel_quant *quant,
                           const tt_conv_params *dw_conv, const tt_per_channel_quant *dw_quant,
                           const tt_dims *input_dims, const int8_t *input,
                           const tt_dims *filter_dims, const tt_split_weight *weight, const int32_t *bias,
                           const tt_dims *dw_filter_dims, const tt_split_weight *dw_weight, const int32_t *dw_bias,
                           int8_t *output, int8_t *scratch);

/* qtrain.conv2d_grad_input with a split weight: tt_conv2d_grad_input_f32, the
 * same f32 sums in the same order (increasing output channel, kh, kw). */
void tt_conv2d_grad_input_split_f32(const tt_conv_params *conv, const tt_dims *input_dims,
                                    const tt_dims *filter_dims, const float *grad_output,
                                    const tt_split_weight *weight, float *grad_input);

#ifdef __cplusplus
}
#endif

#endif /* TT_KERNELS_H */
