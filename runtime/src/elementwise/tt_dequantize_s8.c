/* qtrain.dequantize: y = f32(q - zero) * scale. */
#include "tt_kernels.h"

void tt_dequantize_s8(const int8_t *input, int32_t zero, float scale, float *output, int32_t count)
{
    /* Back to front: with output == input, float i overwrites int8 elements
     * 4i..4i+3, which are read already. */
    for (int32_t i = count - 1; i >= 0; --i) {
        const float centered = (float)((int32_t)input[i] - zero);
        output[i] = centered * scale;
    }
}
