/* qtrain.scale_channels: x scaled per leading-axis slice. */
#include "tt_kernels.h"
#include "../internal/tt_support.h"

void tt_scale_channels_f32(const float *input, const float *factors, float *output,
                           int32_t channels, int32_t inner)
{
    tt_scale_axis_f32(input, factors, output, 1, channels, inner);
}
