/* qtrain.global_avgpool: the rounded mean of each int8 plane. */
#include "tt_kernels.h"
#include "tt_quant.h"
#include "../internal/tt_support.h"

void tt_global_avgpool_s8(const int8_t *input, int8_t *output,
                          int32_t batch, int32_t channels, int32_t h, int32_t w)
{
    const int32_t pixels = h * w;
    const int32_t planes = batch * channels;
    for (int32_t plane = 0; plane < planes; ++plane) {
        const int8_t *x = input + plane * pixels;
        int32_t sum = 0; /* |sum| <= 128 * pixels: exact for any realistic plane */
        for (int32_t p = 0; p < pixels; ++p) {
            sum += x[p];
        }
        /* The rounded mean of int8 values is an int8 value; clamp anyway. */
        const int32_t mean = tt_div_round_half_even(sum, pixels);
        output[plane] = (int8_t)tt_max_i32(INT8_MIN, tt_min_i32(INT8_MAX, mean));
    }
}
