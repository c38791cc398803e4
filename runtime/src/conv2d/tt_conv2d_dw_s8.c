/*
 * qtrain.conv2d_dw: a regular conv followed by a depthwise conv, one
 * intermediate channel at a time through a one-plane scratch
 * (tt_conv2d_dw_s8_get_buffer_size bytes). tt_conv2d_s8 computes every int8
 * value, so the result equals the two unfused convs bit for bit.
 */
#include "../internal/tt_conv2d_internal.h"
#include "tt_kernels.h"
#include "../internal/tt_support.h"

void tt_conv2d_dw_s8(const tt_conv_params *conv, const tt_per_channel_quant *quant,
                     const tt_conv_params *dw_conv, const tt_per_channel_quant *dw_quant,
                     const tt_dims *input_dims, const int8_t *input,
                     const tt_dims *filter_dims, const int8_t *weight, const int32_t *bias,
                     const tt_dims *dw_filter_dims, const int8_t *dw_weight, const int32_t *dw_bias,
                     int8_t *output, int8_t *scratch)
{
    const tt_split_weight whole = {weight, NULL, input_dims->c};
    const tt_split_weight dw_whole = {dw_weight, NULL, filter_dims->n};
    tt_conv2d_dw_split_s8(conv, quant, dw_conv, dw_quant, input_dims, input, filter_dims, &whole, bias,
                          dw_filter_dims, &dw_whole, dw_bias, output, scratch);
}
