/* qtrain.slice_channels: the leading channels of each batch item. */
#include "tt_kernels.h"
#include <stddef.h>
#include <string.h>

void tt_slice_channels_s8(const int8_t *input, int8_t *output, int32_t batch, int32_t channels,
                          int32_t kept_channels, int32_t h, int32_t w)
{
    const size_t kept = (size_t)kept_channels * (size_t)h * (size_t)w;
    const size_t stride = (size_t)channels * (size_t)h * (size_t)w;
    for (int32_t n = 0; n < batch; ++n) {
        /* memmove: in place the slices slide towards the front and may overlap. */
        if (output + (size_t)n * kept != input + (size_t)n * stride) {
            memmove(output + (size_t)n * kept, input + (size_t)n * stride, kept);
        }
    }
}
