/*
 * qtrain.conv2d_grad_input with a split weight (tt_split_weight): the f32
 * sums of tt_conv2d_grad_input_f32 on the reassembled weight, in the same
 * order (increasing output channel, kh, kw), so the same bits.
 */
#include "../internal/tt_conv2d_internal.h"
#include "tt_kernels.h"
#include "../internal/tt_support.h"

void tt_conv2d_grad_input_split_f32(const tt_conv_params *conv, const tt_dims *input_dims,
                                    const tt_dims *filter_dims, const float *grad_output,
                                    const tt_split_weight *weight, float *grad_input)
{
    const tt_conv_shape s = tt_conv_shape_of(conv, input_dims, filter_dims);

#if TT_FAST_PATHS
    const int8_t *trained = weight->trained, *frozen = weight->frozen;
    const int32_t split = weight->split;
    const int32_t out_plane = s.out_h * s.out_w;
    /* By parts: dx channel c reads only the weights of input channel c, so the
     * channels of each part are tt_conv2d_grad_input_f32 of that part alone
     * (its fast paths included), the same sums in the same order. A regular
     * conv splits on the input channels (each part a conv with `split`
     * resp. in_channels - split input channels and every output channel); a
     * grouped conv on whole groups of output channels (each part a grouped
     * conv of its own groups), when the split falls on a group boundary. The
     * parts run in ascending channel order per batch item, which keeps the
     * depthwise channel order (tt_kernels.h). */
    if (s.groups == 1 || split % s.group_out == 0) {
        const int32_t in_plane = s.in_h * s.in_w;
        const int32_t head_groups = s.groups == 1 ? 1 : split / s.group_out;
        const int32_t head_in = s.groups == 1 ? split : head_groups * s.group_in;
        const int32_t head_out = s.groups == 1 ? s.out_channels : split;
        const int32_t tail_in = s.in_channels - head_in;
        const int32_t tail_out = s.groups == 1 ? s.out_channels : s.out_channels - split;
        const int32_t tail_groups = s.groups == 1 ? 1 : s.groups - head_groups;
        /* dy of the frozen part: every output channel (regular), the channels from `split` (grouped). */
        const int32_t tail_dy = s.groups == 1 ? 0 : split * out_plane;
        for (int32_t n = 0; n < s.batch; ++n) {
            const float *dy_n = grad_output + n * s.out_channels * out_plane;
            float *dx_n = grad_input + n * s.in_channels * in_plane;
            if (head_in > 0) {
                const tt_conv_part head = tt_conv_part_of(&s, head_in, head_out, head_groups);
                tt_conv2d_grad_input_f32(&head.conv, &head.input, &head.filter, dy_n, trained, dx_n);
            }
            if (tail_in > 0) {
                const tt_conv_part tail = tt_conv_part_of(&s, tail_in, tail_out, tail_groups);
                tt_conv2d_grad_input_f32(&tail.conv, &tail.input, &tail.filter, dy_n + tail_dy, frozen,
                                         dx_n + head_in * in_plane);
            }
        }
        return;
    }
#endif

    tt_conv2d_grad_input_gather_f32(&s, grad_output, weight, grad_input);
}
