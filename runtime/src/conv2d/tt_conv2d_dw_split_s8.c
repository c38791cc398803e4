/*
 * qtrain.conv2d_dw with split weights: for each batch item n and intermediate
 * channel c, the first conv restricted to filter c (of a weight split at
 * `split` input channels) into the scratch plane, then the depthwise conv of
 * that plane with depthwise filter c (of a weight split at `dw_split`
 * channels). An unsplit weight is the trained part with split = all channels.
 */
#include "../internal/tt_conv2d_internal.h"
#include "tt_kernels.h"
#include "../internal/tt_support.h"

void tt_conv2d_dw_split_s8(const tt_conv_params *conv, const tt_per_channel_quant *quant,
                           const tt_conv_params *dw_conv, const tt_per_channel_quant *dw_quant,
                           const tt_dims *input_dims, const int8_t *input,
                           const tt_dims *filter_dims, const tt_split_weight *weight, const int32_t *bias,
                           const tt_dims *dw_filter_dims, const tt_split_weight *dw_weight, const int32_t *dw_bias,
                           int8_t *output, int8_t *scratch)
{
    const tt_conv_shape first = tt_conv_shape_of(conv, input_dims, filter_dims);
    const tt_dims mid_dims = {1, first.out_h, first.out_w, first.out_channels};
    const tt_conv_shape second = tt_conv_shape_of(dw_conv, &mid_dims, dw_filter_dims);
    const int32_t in_channels = first.in_channels, split = weight->split, dw_split = dw_weight->split;
    const int32_t out_plane = second.out_h * second.out_w;
    /* One filter of each conv: first [1, in_channels], depthwise [1, 1]. */
    const tt_conv_part one = tt_conv_part_of(&first, in_channels, 1, 1);
    const tt_conv_part dw_one = tt_conv_part_of(&second, 1, 1, 1);

    for (int32_t n = 0; n < first.batch; ++n) {
        const int8_t *x = input + n * in_channels * first.in_h * first.in_w;
        for (int32_t c = 0; c < first.out_channels; ++c) {
            /* Intermediate channel c: filter c of the first conv. */
            const tt_per_channel_quant q = {quant->multipliers + c};
            const tt_split_weight filter = {weight->trained + c * split * first.taps,
                                            weight->frozen == NULL ? NULL
                                                                   : weight->frozen + c * (in_channels - split) * first.taps,
                                            split};
            if (split == in_channels) {
                tt_conv2d_s8(&one.conv, &q, &one.input, x, &one.filter, filter.trained, bias + c, scratch, NULL);
            } else {
                tt_conv2d_split_s8(&one.conv, &q, &one.input, x, &one.filter, &filter, bias + c, scratch, NULL);
            }
            /* Depthwise output channel c: in the trained part when c < dw_split. */
            const tt_per_channel_quant dw_q = {dw_quant->multipliers + c};
            const int8_t *dw = c < dw_split ? dw_weight->trained + c * second.taps
                                            : dw_weight->frozen + (c - dw_split) * second.taps;
            tt_conv2d_s8(&dw_one.conv, &dw_q, &dw_one.input, scratch, &dw_one.filter, dw, dw_bias + c,
                         output + (n * first.out_channels + c) * out_plane, NULL);
        }
    }
}
