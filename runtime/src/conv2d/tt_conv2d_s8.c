/*
 * qtrain.conv2d: the dispatch wrapper (as CMSIS-NN's arm_convolve_wrapper_s8).
 * It picks the fastest kernel whose conditions the shape meets; every kernel
 * gives the same bytes (output and mask), so the choice never changes a result:
 *
 *   1x1, stride 1, no padding:  tt_conv2d_1x1_pairs_s8 where it fits (dual MAC),
 *                               else tt_conv2d_1x1_s8;
 *   depthwise 3x3 / 5x5 / 7x7:  tt_depthwise_conv2d_s8 where it fits;
 *   anything else:              tt_conv2d_generic_s8.
 *
 * With Helium (TT_HAS_MVE_FP, the Cortex-M55) the MVE kernels of tt_mve.h come
 * first: any 1x1 stride-1 unpadded conv, and depthwise where its scratch fits.
 *
 * Under TT_NAIVE_KERNELS every shape takes the generic kernel's plain loops.
 */
#include "../internal/tt_conv2d_internal.h"
#include "tt_kernels.h"
#include "../internal/tt_support.h"
#include "../internal/tt_mve.h"

void tt_conv2d_s8(const tt_conv_params *conv, const tt_per_channel_quant *quant, const tt_dims *input_dims,
                  const int8_t *input, const tt_dims *filter_dims, const int8_t *weight, const int32_t *bias,
                  int8_t *output, uint8_t *mask)
{
    const tt_conv_shape s = tt_conv_shape_of(conv, input_dims, filter_dims);
    const float *multipliers = quant->multipliers;
#if TT_FAST_PATHS
#if TT_HAS_MVE_FP
    if (tt_conv2d_1x1_s8_mve_fits(&s)) {
        tt_conv2d_1x1_s8_mve(&s, input, weight, bias, quant->multipliers, output, mask);
        return;
    }
    if (tt_depthwise_conv2d_s8_mve_fits(&s)) {
        tt_depthwise_conv2d_s8_mve(&s, input, weight, bias, quant->multipliers, output, mask);
        return;
    }
#endif
    if (tt_conv2d_1x1_pairs_s8_fits(&s)) {
        tt_conv2d_1x1_pairs_s8(&s, input, weight, bias, multipliers, output, mask);
    } else if (tt_conv_is_pointwise(&s)) {
        tt_conv2d_1x1_s8(&s, input, weight, bias, multipliers, output, mask);
    } else if (tt_depthwise_conv2d_s8_fits(&s)) {
        tt_depthwise_conv2d_s8(&s, input, weight, bias, multipliers, output, mask);
    } else {
        tt_conv2d_generic_s8(&s, input, weight, bias, multipliers, output, mask);
    }
#else
    tt_conv2d_generic_s8(&s, input, weight, bias, multipliers, output, mask);
#endif
}
