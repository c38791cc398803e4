/*
 * The scratch each conv kernel needs (as CMSIS-NN's
 * arm_convolve_get_buffer_sizes_s8.c). The int8 conv kernels keep their
 * scratch on the stack, so tt_conv2d_s8_get_buffer_size is what a stack budget
 * must allow for beyond the kernel's frame; the fused conv takes its scratch
 * from the caller (the generated model plans it in the arena).
 */
#include "../internal/tt_conv2d_internal.h"
#include "tt_kernels.h"
#include "../internal/tt_support.h"
#include "../internal/tt_mve.h"

int32_t tt_conv2d_s8_get_buffer_size(const tt_conv_params *conv, const tt_dims *input_dims,
                                     const tt_dims *filter_dims)
{
    const tt_conv_shape s = tt_conv_shape_of(conv, input_dims, filter_dims);
#if TT_FAST_PATHS
    /* The same order of tests as the dispatch in tt_conv2d_s8.c. */
#if TT_HAS_MVE_FP
    if (tt_conv2d_1x1_s8_mve_fits(&s)) {
        return tt_conv2d_1x1_s8_mve_buffer_size(&s);
    }
    if (tt_depthwise_conv2d_s8_mve_fits(&s)) {
        return tt_depthwise_conv2d_s8_mve_buffer_size(&s);
    }
#endif
    if (tt_conv2d_1x1_pairs_s8_fits(&s)) {
        return (int32_t)(TT_PAIRS_PACK * sizeof(uint32_t) + 4 * TT_PAIRS_ACC * sizeof(int32_t));
    }
    if (!tt_conv_is_pointwise(&s) && tt_depthwise_conv2d_s8_fits(&s)) {
        return (int32_t)(TT_DW_SCRATCH * sizeof(int16_t) + TT_DW_MAX_K * (TT_DW_MAX_K + 1) * sizeof(uint32_t));
    }
#endif
    (void)s;
    return 0;
}

int32_t tt_conv2d_dw_s8_get_buffer_size(const tt_conv_params *conv, const tt_dims *input_dims,
                                        const tt_dims *filter_dims)
{
    const tt_conv_shape s = tt_conv_shape_of(conv, input_dims, filter_dims);
    return s.out_h * s.out_w; /* one intermediate channel, int8 */
}
