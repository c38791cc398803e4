/*
 * qtrain.conv2d with a split weight (tt_types.h, tt_split_weight): the int8
 * conv of a sparse-update layer whose trained leading channels live in SRAM
 * and the frozen rest in flash. The result is tt_conv2d_s8's on the
 * reassembled weight, bit for bit: integer sums (exact under the verifier's
 * bound) and the same requantization (tt_support.h).
 *
 * Fast paths (skipped under TT_NAIVE_KERNELS, which keeps the plain loops): a
 * regular 1x1 conv has a blocked loop, and a depthwise conv split on a group
 * boundary runs by parts through tt_conv2d_s8 (and its fast paths).
 */
#include "../internal/tt_conv2d_internal.h"
#include "tt_kernels.h"
#include "../internal/tt_split_filter.h"
#include "../internal/tt_support.h"

#if TT_FAST_PATHS
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
                    tt_dot4_s8(acc, x + p, pixels, w_t, split);
                }
                if (rest > 0) {
                    tt_dot4_s8(acc, x_rest + p, pixels, w_f, rest);
                }
                for (int32_t i = 0; i < 4; ++i) {
                    tt_conv_output(y++, bits, tt_sat_add_i32(acc[i] - zero_term, b), m, output_zero);
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
                tt_conv_output(y++, bits, tt_sat_add_i32(acc - zero_term, b), m, output_zero);
            }
        }
    }
}
#endif

void tt_conv2d_split_s8(const tt_conv_params *conv, const tt_per_channel_quant *quant, const tt_dims *input_dims,
                        const int8_t *input, const tt_dims *filter_dims, const tt_split_weight *weight,
                        const int32_t *bias, int8_t *output, uint8_t *mask)
{
    const tt_conv_shape s = tt_conv_shape_of(conv, input_dims, filter_dims);
    const int8_t *trained = weight->trained, *frozen = weight->frozen;
    const int32_t split = weight->split;
    const float *multipliers = quant->multipliers;

    const int32_t in_plane = s.in_h * s.in_w;
    const int pointwise = tt_conv_is_pointwise(&s);
    mask_writer bits = mask_begin(mask);
    int8_t *y = output;

#if TT_FAST_PATHS
    if (pointwise && s.groups == 1) {
        split_pointwise(input, s.input_zero, trained, frozen, split, bias, multipliers, s.output_zero, output, &bits,
                        s.batch, s.in_channels, in_plane, s.out_channels);
        mask_end(&bits);
        return;
    }
    /* Grouped (depthwise) with the split on a group boundary: each part is a
     * grouped conv of its own groups, so tt_conv2d_s8 of each part (its fast
     * paths included) gives the same bytes; the trained part's channels come
     * first, which keeps the depthwise channel order (tt_kernels.h). The mask of
     * the frozen part continues the trained part's bits, so the parts may only
     * be cut where the mask is on a byte boundary (or there is no mask). */
    const int32_t out_plane = s.out_h * s.out_w;
    if (s.groups > 1 && split % s.group_out == 0 &&
        (mask == NULL || ((split * out_plane) % 8 == 0 && (s.batch == 1 || (s.out_channels * out_plane) % 8 == 0)))) {
        const int32_t head_groups = split / s.group_out;
        const int32_t head_in = head_groups * s.group_in;
        for (int32_t n = 0; n < s.batch; ++n) {
            const int8_t *x_n = input + n * s.in_channels * in_plane;
            int8_t *y_n = output + n * s.out_channels * out_plane;
            uint8_t *mask_n = mask == NULL ? NULL : mask + n * s.out_channels * out_plane / 8;
            if (split > 0) {
                const tt_conv_part head = tt_conv_part_of(&s, head_in, split, head_groups);
                const tt_per_channel_quant head_quant = {multipliers};
                tt_conv2d_s8(&head.conv, &head_quant, &head.input, x_n, &head.filter, trained, bias, y_n, mask_n);
            }
            if (split < s.out_channels) {
                const tt_conv_part tail = tt_conv_part_of(&s, s.in_channels - head_in, s.out_channels - split,
                                                          s.groups - head_groups);
                const tt_per_channel_quant tail_quant = {multipliers + split};
                tt_conv2d_s8(&tail.conv, &tail_quant, &tail.input, x_n + head_in * in_plane, &tail.filter, frozen,
                             bias + split, y_n + split * out_plane,
                             mask_n == NULL ? NULL : mask_n + split * out_plane / 8);
            }
        }
        return;
    }
#endif

    /* Outputs in NCHW order (the mask's flat order). */
    for (int32_t n = 0; n < s.batch; ++n) {
        for (int32_t o = 0; o < s.out_channels; ++o) {
            const int8_t *x_group = input + (n * s.in_channels + (o / s.group_out) * s.group_in) * in_plane;
            const split_filter filter = filter_of(trained, frozen, split, s.groups, s.group_in, s.taps, o);
            const int32_t b = bias[o];
            const float m = multipliers[o];
            if (pointwise) {
                /* No padding: sum((x - z) * w) = sum(x * w) - z * sum(w), exact in int32. */
                int32_t weight_sum = 0;
                for (int32_t c = 0; c < s.group_in; ++c) {
                    weight_sum += *filter_channel(&filter, c, 1);
                }
                for (int32_t i = 0; i < in_plane; ++i) {
                    int32_t acc = 0;
                    for (int32_t c = 0; c < filter.count; ++c) {
                        acc += x_group[c * in_plane + i] * filter.first[c];
                    }
                    for (int32_t c = filter.count; c < s.group_in; ++c) {
                        acc += x_group[c * in_plane + i] * filter.second[c - filter.count];
                    }
                    tt_conv_output(y++, &bits, tt_sat_add_i32(acc - s.input_zero * weight_sum, b), m, s.output_zero);
                }
                continue;
            }
            /* Padding is the input zero point, a real zero: only the taps inside
             * the input are visited. */
            for (int32_t oy = 0; oy < s.out_h; ++oy) {
                const int32_t iy0 = oy * s.stride_h - s.pad_top;
                const int32_t kh_begin = tt_max_i32(0, -iy0);
                const int32_t kh_end = tt_min_i32(s.kernel_h, s.in_h - iy0);
                for (int32_t ox = 0; ox < s.out_w; ++ox) {
                    const int32_t ix0 = ox * s.stride_w - s.pad_left;
                    const int32_t kw_begin = tt_max_i32(0, -ix0);
                    const int32_t kw_end = tt_min_i32(s.kernel_w, s.in_w - ix0);
                    int32_t acc = 0;
                    for (int32_t c = 0; c < s.group_in; ++c) {
                        const int8_t *x_c = x_group + c * in_plane;
                        const int8_t *w_c = filter_channel(&filter, c, s.taps);
                        for (int32_t kh = kh_begin; kh < kh_end; ++kh) {
                            const int32_t row = (iy0 + kh) * s.in_w + ix0;
                            for (int32_t kw = kw_begin; kw < kw_end; ++kw) {
                                acc += ((int32_t)x_c[row + kw] - s.input_zero) * w_c[kh * s.kernel_w + kw];
                            }
                        }
                    }
                    tt_conv_output(y++, &bits, tt_sat_add_i32(acc, b), m, s.output_zero);
                }
            }
        }
    }
    mask_end(&bits);
}
