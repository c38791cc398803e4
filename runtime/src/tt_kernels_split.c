/*
 * Split-weight kernels: the conv kernels that read an int8 weight whose leading
 * channels train (sparse update) and therefore live in two arrays, the trained
 * part (SRAM) and the frozen rest (flash):
 *
 *  - groups == 1, weight [O, I, KH, KW]: trained [O, split, KH, KW] holds the
 *    input channels c < split, frozen [O, I - split, KH, KW] the others;
 *  - groups > 1 (depthwise), weight [O, I/groups, KH, KW]: trained
 *    [split, I/groups, KH, KW] holds the channels (output channels) o < split,
 *    frozen [O - split, I/groups, KH, KW] the others. For a depthwise weight
 *    this is a plain prefix of the tensor.
 *
 * Either part may be empty (split = 0 or the full count); its values are then
 * not read. The results are those of tt_conv2d_s8, tt_conv2d_dw_s8 and
 * tt_conv2d_grad_input_f32 on the reassembled weights, bit for bit: the int8
 * convs sum integers (exact under the verifier's bound) and requantize as
 * tt_conv2d_s8, and the input gradient does the f32 sums of
 * tt_conv2d_grad_input_f32 in the same order (increasing output channel, kh, kw).
 *
 * Fast paths (skipped under TT_NAIVE_KERNELS, which keeps the plain loops below):
 * the input gradient and the depthwise conv run by parts through the unsplit
 * kernels (and their fast paths), and a regular 1x1 conv has a blocked loop.
 */
#include "tt_kernels.h"
#include "tt_mask_writer.h"
#include "tt_quant.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

static int32_t max_i32(int32_t a, int32_t b)
{
    return a > b ? a : b;
}

static int32_t min_i32(int32_t a, int32_t b)
{
    return a < b ? a : b;
}

/* ------------------------------------------------------------------ masks */

/* The mask writer (mask_begin, mask_push, mask_end) is in tt_mask_writer.h. */

/* Requantizes one accumulator (bias added) and records whether the int8 clamp
 * left it alone, exactly as tt_conv2d_s8. */
static int8_t conv_output(mask_writer *mask, int32_t acc, float multiplier, int32_t zero)
{
    const int8_t value = tt_requantize(acc, multiplier, zero);
    if (mask->next != NULL) {
        int inside = 1;
        if (value == INT8_MIN || value == INT8_MAX) {
            /* Only a value on a rail can have been clamped. Compared as floats:
             * the rounded product may lie far outside the int32 range. */
            const float rounded = rintf((float)acc * multiplier);
            inside = rounded >= (float)(INT8_MIN - zero) && rounded <= (float)(INT8_MAX - zero);
        }
        mask_push(mask, inside);
    }
    return value;
}

/* ------------------------------------------------------------------ conv2d */

#ifndef TT_NAIVE_KERNELS
#if defined(__GNUC__)
#define TT_ALWAYS_INLINE inline __attribute__((always_inline))
#define TT_NOINLINE __attribute__((noinline))
#else
#define TT_ALWAYS_INLINE inline
#define TT_NOINLINE
#endif

/* tt_requantize (tt_quant.c) inlined, the same operations in the same order. */
static TT_ALWAYS_INLINE int8_t requantize_inline(int32_t acc, float multiplier, int32_t zero_point)
{
    float rounded = rintf((float)acc * multiplier);
    const float low = (float)(-128 - zero_point);
    const float high = (float)(127 - zero_point);
    if (rounded < low) {
        rounded = low;
    }
    if (rounded > high) {
        rounded = high;
    }
    return (int8_t)((int32_t)rounded + zero_point);
}

/* tt_saturating_add_i32 inlined (QADD with the DSP extension). */
static TT_ALWAYS_INLINE int32_t sat_add_inline(int32_t a, int32_t b)
{
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
    int32_t sum;
    __asm__("qadd %0, %1, %2" : "=r"(sum) : "r"(a), "r"(b));
    return sum;
#else
    const int64_t sum = (int64_t)a + (int64_t)b;
    return sum > INT32_MAX ? INT32_MAX : sum < INT32_MIN ? INT32_MIN : (int32_t)sum;
#endif
}

/* acc[i] += sum over c < count of x[c * pixels + i] * w[c], i < 4 (as pointwise_dot4
 * in tt_kernels_forward.c: one word load of the four pixels per channel, widened
 * with SXTB16 and multiplied with SMLABB / SMLATB). Integer sums: exact. */
static TT_NOINLINE void split_dot4(int32_t *acc, const int8_t *x, int32_t pixels, const int8_t *w, int32_t count)
{
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    const int8_t *w_end = w + count;
    for (; w != w_end; ++w) {
        const int32_t u = *w;
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
        uint32_t word;
        int32_t even, odd;
        memcpy(&word, x, sizeof word); /* one LDR: the M7 loads unaligned words */
        __asm__("sxtb16 %0, %1" : "=r"(even) : "r"(word));
        __asm__("sxtb16 %0, %1, ror #8" : "=r"(odd) : "r"(word));
        __asm__("smlabb %0, %1, %2, %3" : "=r"(a0) : "r"(even), "r"(u), "r"(a0));
        __asm__("smlatb %0, %1, %2, %3" : "=r"(a2) : "r"(even), "r"(u), "r"(a2));
        __asm__("smlabb %0, %1, %2, %3" : "=r"(a1) : "r"(odd), "r"(u), "r"(a1));
        __asm__("smlatb %0, %1, %2, %3" : "=r"(a3) : "r"(odd), "r"(u), "r"(a3));
#else
        a0 += x[0] * u;
        a1 += x[1] * u;
        a2 += x[2] * u;
        a3 += x[3] * u;
#endif
        x += pixels;
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

/* Requantizes like conv_output below, with the inlined arithmetic. */
static TT_ALWAYS_INLINE void fast_output(int8_t *slot, mask_writer *mask, int32_t acc, float multiplier,
                                         int32_t zero)
{
    const int8_t value = requantize_inline(acc, multiplier, zero);
    *slot = value;
    if (mask->next != NULL) {
        int inside = 1;
        if (value == INT8_MIN || value == INT8_MAX) {
            const float rounded = rintf((float)acc * multiplier);
            inside = rounded >= (float)(INT8_MIN - zero) && rounded <= (float)(INT8_MAX - zero);
        }
        mask_push(mask, inside);
    }
}

/* Regular (groups == 1) 1x1 conv, stride 1, no padding, split weight: output
 * channel o sums the trained input channels [0, split) with trained[o, :] and
 * the frozen ones with frozen[o, :]. No padding, so the zero point comes out of
 * the sum exactly (sum((x - z) * w) = sum(x * w) - z * sum(w) in int32 under
 * the verifier's bound), as in tt_conv2d_s8's pointwise path. */
static void split_pointwise(const int8_t *input, int32_t input_zero, const int8_t *trained, const int8_t *frozen,
                            int32_t split, const int32_t *bias, const float *multipliers, int32_t output_zero,
                            int8_t *output, mask_writer *bits, int32_t batch, int32_t in_channels,
                            int32_t pixels, int32_t out_channels)
{
    const int32_t rest = in_channels - split;
    int8_t *y = output;
    for (int32_t n = 0; n < batch; ++n) {
        const int8_t *x = input + n * in_channels * pixels;
        const int8_t *x_rest = x + split * pixels;
        for (int32_t o = 0; o < out_channels; ++o) {
            const int8_t *w_t = trained + o * split;
            const int8_t *w_f = frozen + o * rest;
            int32_t weight_sum = 0;
            for (int32_t c = 0; c < split; ++c) {
                weight_sum += w_t[c];
            }
            for (int32_t c = 0; c < rest; ++c) {
                weight_sum += w_f[c];
            }
            const int32_t zero_term = input_zero * weight_sum;
            const int32_t b = bias[o];
            const float m = multipliers[o];
            int32_t p = 0;
            for (; p + 4 <= pixels; p += 4) {
                int32_t acc[4] = {0, 0, 0, 0};
                if (split > 0) {
                    split_dot4(acc, x + p, pixels, w_t, split);
                }
                if (rest > 0) {
                    split_dot4(acc, x_rest + p, pixels, w_f, rest);
                }
                for (int32_t i = 0; i < 4; ++i) {
                    fast_output(y++, bits, sat_add_inline(acc[i] - zero_term, b), m, output_zero);
                }
            }
            for (; p < pixels; ++p) {
                int32_t acc = 0;
                for (int32_t c = 0; c < split; ++c) {
                    acc += x[c * pixels + p] * w_t[c];
                }
                for (int32_t c = 0; c < rest; ++c) {
                    acc += x_rest[c * pixels + p] * w_f[c];
                }
                fast_output(y++, bits, sat_add_inline(acc - zero_term, b), m, output_zero);
            }
        }
    }
}
#endif


/* Filter o of the logical weight as two runs of input channels (each channel
 * `taps` values): channels [0, count) at `first`, the rest at `second`. A
 * regular conv's filter o is the trained run then the frozen run; a grouped
 * (depthwise) conv's filter lies whole in one part. */
typedef struct {
    const int8_t *first;
    const int8_t *second;
    int32_t count;
} split_filter;

static split_filter filter_of(const int8_t *trained, const int8_t *frozen, int32_t split,
                              int32_t groups, int32_t group_in, int32_t taps, int32_t o)
{
    split_filter filter;
    if (groups == 1) {
        filter.first = trained + o * split * taps;
        filter.second = frozen + o * (group_in - split) * taps;
        filter.count = split;
    } else {
        filter.first = o < split ? trained + o * group_in * taps : frozen + (o - split) * group_in * taps;
        filter.second = NULL;
        filter.count = group_in;
    }
    return filter;
}

/* The `taps` weights of input channel c of a filter. */
static const int8_t *filter_channel(const split_filter *filter, int32_t c, int32_t taps)
{
    return c < filter->count ? filter->first + c * taps : filter->second + (c - filter->count) * taps;
}

void tt_conv2d_split_s8(const int8_t *input, int32_t input_zero,
                        const int8_t *trained, const int8_t *frozen, int32_t split,
                        const int32_t *bias, const float *multipliers, int32_t output_zero,
                        int8_t *output, uint8_t *mask,
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
    const int32_t in_plane = in_h * in_w;
    const int pointwise = kernel_h == 1 && kernel_w == 1 && stride_h == 1 && stride_w == 1 &&
                          pad_top == 0 && pad_left == 0 && pad_bottom == 0 && pad_right == 0;
    mask_writer bits = mask_begin(mask);
    int8_t *y = output;

#ifndef TT_NAIVE_KERNELS
    if (pointwise && groups == 1) {
        split_pointwise(input, input_zero, trained, frozen, split, bias, multipliers, output_zero, output, &bits,
                        batch, in_channels, in_plane, out_channels);
        mask_end(&bits);
        return;
    }
    /* Grouped (depthwise) with the split on a group boundary: each part is a
     * grouped conv of its own groups, so tt_conv2d_s8 of each part (its fast
     * paths included) gives the same bytes; the trained part's channels come
     * first, which keeps the depthwise channel order (tt_kernels.h). The mask of
     * the frozen part continues the trained part's bits, so the parts may only
     * be cut where the mask is on a byte boundary (or there is no mask). */
    const int32_t out_plane = out_h * out_w;
    if (groups > 1 && split % group_out == 0 &&
        (mask == NULL || ((split * out_plane) % 8 == 0 && (batch == 1 || (out_channels * out_plane) % 8 == 0)))) {
        const int32_t head_groups = split / group_out;
        const int32_t head_in = head_groups * group_in;
        for (int32_t n = 0; n < batch; ++n) {
            const int8_t *x_n = input + n * in_channels * in_plane;
            int8_t *y_n = output + n * out_channels * out_plane;
            uint8_t *mask_n = mask == NULL ? NULL : mask + n * out_channels * out_plane / 8;
            if (split > 0) {
                tt_conv2d_s8(x_n, input_zero, trained, bias, multipliers, output_zero, y_n, mask_n,
                             1, head_in, in_h, in_w, split, kernel_h, kernel_w, stride_h, stride_w,
                             pad_top, pad_left, pad_bottom, pad_right, head_groups);
            }
            if (split < out_channels) {
                tt_conv2d_s8(x_n + head_in * in_plane, input_zero, frozen, bias + split, multipliers + split,
                             output_zero, y_n + split * out_plane,
                             mask_n == NULL ? NULL : mask_n + split * out_plane / 8,
                             1, in_channels - head_in, in_h, in_w, out_channels - split, kernel_h, kernel_w,
                             stride_h, stride_w, pad_top, pad_left, pad_bottom, pad_right, groups - head_groups);
            }
        }
        return;
    }
#endif

    /* Outputs in NCHW order (the mask's flat order). */
    for (int32_t n = 0; n < batch; ++n) {
        for (int32_t o = 0; o < out_channels; ++o) {
            const int8_t *x_group = input + (n * in_channels + (o / group_out) * group_in) * in_plane;
            const split_filter filter = filter_of(trained, frozen, split, groups, group_in, taps, o);
            const int32_t b = bias[o];
            const float m = multipliers[o];
            if (pointwise) {
                /* No padding: sum((x - z) * w) = sum(x * w) - z * sum(w), exact in int32. */
                int32_t weight_sum = 0;
                for (int32_t c = 0; c < group_in; ++c) {
                    weight_sum += *filter_channel(&filter, c, 1);
                }
                for (int32_t i = 0; i < in_plane; ++i) {
                    int32_t acc = 0;
                    for (int32_t c = 0; c < filter.count; ++c) {
                        acc += x_group[c * in_plane + i] * filter.first[c];
                    }
                    for (int32_t c = filter.count; c < group_in; ++c) {
                        acc += x_group[c * in_plane + i] * filter.second[c - filter.count];
                    }
                    *y++ = conv_output(&bits, tt_saturating_add_i32(acc - input_zero * weight_sum, b), m, output_zero);
                }
                continue;
            }
            /* Padding is the input zero point, a real zero: only the taps inside
             * the input are visited. */
            for (int32_t oy = 0; oy < out_h; ++oy) {
                const int32_t iy0 = oy * stride_h - pad_top;
                const int32_t kh_begin = max_i32(0, -iy0);
                const int32_t kh_end = min_i32(kernel_h, in_h - iy0);
                for (int32_t ox = 0; ox < out_w; ++ox) {
                    const int32_t ix0 = ox * stride_w - pad_left;
                    const int32_t kw_begin = max_i32(0, -ix0);
                    const int32_t kw_end = min_i32(kernel_w, in_w - ix0);
                    int32_t acc = 0;
                    for (int32_t c = 0; c < group_in; ++c) {
                        const int8_t *x_c = x_group + c * in_plane;
                        const int8_t *w_c = filter_channel(&filter, c, taps);
                        for (int32_t kh = kh_begin; kh < kh_end; ++kh) {
                            const int32_t row = (iy0 + kh) * in_w + ix0;
                            for (int32_t kw = kw_begin; kw < kw_end; ++kw) {
                                acc += ((int32_t)x_c[row + kw] - input_zero) * w_c[kh * kernel_w + kw];
                            }
                        }
                    }
                    *y++ = conv_output(&bits, tt_saturating_add_i32(acc, b), m, output_zero);
                }
            }
        }
    }
    mask_end(&bits);
}

/* ------------------------------------------------------------------ conv2d_dw */

void tt_conv2d_dw_split_s8(const int8_t *input, int32_t input_zero,
                           const int8_t *trained, const int8_t *frozen, int32_t split,
                           const int32_t *bias, const float *multipliers, int32_t mid_zero,
                           const int8_t *dw_trained, const int8_t *dw_frozen, int32_t dw_split,
                           const int32_t *dw_bias, const float *dw_multipliers,
                           int32_t output_zero, int8_t *output, int8_t *scratch,
                           int32_t batch, int32_t in_channels, int32_t in_h, int32_t in_w,
                           int32_t mid_channels, int32_t kernel_h, int32_t kernel_w,
                           int32_t stride_h, int32_t stride_w,
                           int32_t pad_top, int32_t pad_left, int32_t pad_bottom, int32_t pad_right,
                           int32_t dw_kernel_h, int32_t dw_kernel_w, int32_t dw_stride_h, int32_t dw_stride_w,
                           int32_t dw_pad_top, int32_t dw_pad_left, int32_t dw_pad_bottom, int32_t dw_pad_right)
{
    /* The loop of tt_conv2d_dw_s8 with the filters taken from the parts. */
    const int32_t mid_h = (in_h + pad_top + pad_bottom - kernel_h) / stride_h + 1;
    const int32_t mid_w = (in_w + pad_left + pad_right - kernel_w) / stride_w + 1;
    const int32_t out_h = (mid_h + dw_pad_top + dw_pad_bottom - dw_kernel_h) / dw_stride_h + 1;
    const int32_t out_w = (mid_w + dw_pad_left + dw_pad_right - dw_kernel_w) / dw_stride_w + 1;
    const int32_t taps = kernel_h * kernel_w;
    const int32_t dw_taps = dw_kernel_h * dw_kernel_w;
    const int32_t out_plane = out_h * out_w;

    for (int32_t n = 0; n < batch; ++n) {
        const int8_t *x = input + n * in_channels * in_h * in_w;
        for (int32_t c = 0; c < mid_channels; ++c) {
            /* Intermediate channel c: filter c of the first conv, [1, in_channels] split at `split`. */
            const int8_t *w_trained = trained + c * split * taps;
            const int8_t *w_frozen = frozen == NULL ? NULL : frozen + c * (in_channels - split) * taps;
            if (split == in_channels) {
                tt_conv2d_s8(x, input_zero, w_trained, bias + c, multipliers + c, mid_zero, scratch, NULL,
                             1, in_channels, in_h, in_w, 1, kernel_h, kernel_w,
                             stride_h, stride_w, pad_top, pad_left, pad_bottom, pad_right, 1);
            } else {
                tt_conv2d_split_s8(x, input_zero, w_trained, w_frozen, split, bias + c, multipliers + c, mid_zero,
                                   scratch, NULL, 1, in_channels, in_h, in_w, 1, kernel_h, kernel_w,
                                   stride_h, stride_w, pad_top, pad_left, pad_bottom, pad_right, 1);
            }
            /* Depthwise output channel c: channel c lies in the trained part when c < dw_split. */
            const int8_t *dw = c < dw_split ? dw_trained + c * dw_taps : dw_frozen + (c - dw_split) * dw_taps;
            tt_conv2d_s8(scratch, mid_zero, dw, dw_bias + c, dw_multipliers + c,
                         output_zero, output + (n * mid_channels + c) * out_plane, NULL,
                         1, 1, mid_h, mid_w, 1, dw_kernel_h, dw_kernel_w, dw_stride_h, dw_stride_w,
                         dw_pad_top, dw_pad_left, dw_pad_bottom, dw_pad_right, 1);
        }
    }
}

/* ------------------------------------------------------------------ conv2d_grad_input */

void tt_conv2d_grad_input_split_f32(const float *grad_output,
                                    const int8_t *trained, const int8_t *frozen, int32_t split,
                                    float *grad_input,
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
    float *dx = grad_input;

#ifndef TT_NAIVE_KERNELS
    /* By parts: dx channel c reads only the weights of input channel c, so the
     * channels of each part are tt_conv2d_grad_input_f32 of that part alone
     * (its fast paths included), the same sums in the same order. A regular
     * conv splits on the input channels (each part a conv with `split`
     * resp. in_channels - split input channels and every output channel); a
     * grouped conv on whole groups of output channels (each part a grouped
     * conv of its own groups), when the split falls on a group boundary. The
     * parts run in ascending channel order per batch item, which keeps the
     * depthwise channel order (tt_kernels.h). */
    if (groups == 1 || split % group_out == 0) {
        const int32_t in_plane = in_h * in_w;
        const int32_t head_groups = groups == 1 ? 1 : split / group_out;
        const int32_t head_in = groups == 1 ? split : head_groups * group_in;
        const int32_t head_out = groups == 1 ? out_channels : split;
        const int32_t tail_in = in_channels - head_in;
        const int32_t tail_out = groups == 1 ? out_channels : out_channels - split;
        const int32_t tail_groups = groups == 1 ? 1 : groups - head_groups;
        /* dy of the frozen part: every output channel (regular), the channels from `split` (grouped). */
        const int32_t tail_dy = groups == 1 ? 0 : split * out_plane;
        for (int32_t n = 0; n < batch; ++n) {
            const float *dy_n = grad_output + n * out_channels * out_plane;
            float *dx_n = grad_input + n * in_channels * in_plane;
            if (head_in > 0) {
                tt_conv2d_grad_input_f32(dy_n, trained, dx_n, 1, head_in, in_h, in_w, head_out,
                                         kernel_h, kernel_w, stride_h, stride_w,
                                         pad_top, pad_left, pad_bottom, pad_right, head_groups);
            }
            if (tail_in > 0) {
                tt_conv2d_grad_input_f32(dy_n + tail_dy, frozen, dx_n + head_in * in_plane, 1, tail_in,
                                         in_h, in_w, tail_out, kernel_h, kernel_w, stride_h, stride_w,
                                         pad_top, pad_left, pad_bottom, pad_right, tail_groups);
            }
        }
        return;
    }
#endif

    /* The loops of tt_conv2d_grad_input_f32 (gather form): each dx element is
     * one f32 sum over the outputs whose window covers it, in increasing
     * (output channel, kh, kw); padded row py meets tap kh at output row
     * oy = (py - kh) / stride_h when that divides exactly and 0 <= oy < out_h. */
    for (int32_t n = 0; n < batch; ++n) {
        for (int32_t c = 0; c < in_channels; ++c) {
            const int32_t group = c / group_in;
            const int32_t c_in_group = c - group * group_in;
            const float *dy_group = grad_output + (n * out_channels + group * group_out) * out_plane;
            for (int32_t iy = 0; iy < in_h; ++iy) {
                const int32_t py = iy + pad_top;
                const int32_t oy_last = min_i32(out_h - 1, py / stride_h);
                const int32_t oy_first = max_i32(0, py - kernel_h + stride_h) / stride_h;
                for (int32_t ix = 0; ix < in_w; ++ix) {
                    const int32_t px = ix + pad_left;
                    const int32_t ox_last = min_i32(out_w - 1, px / stride_w);
                    const int32_t ox_first = max_i32(0, px - kernel_w + stride_w) / stride_w;
                    float acc = 0.0f;
                    for (int32_t og = 0; og < group_out; ++og) {
                        const float *dy_o = dy_group + og * out_plane;
                        const split_filter filter =
                            filter_of(trained, frozen, split, groups, group_in, taps, group * group_out + og);
                        const int8_t *w_o = filter_channel(&filter, c_in_group, taps);
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
