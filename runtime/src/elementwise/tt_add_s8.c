/* qtrain.add: requantized elementwise add of two int8 tensors (tt_kernels.h). */
#include "tt_kernels.h"
#include "../internal/tt_support.h"

void tt_add_s8(const int8_t *lhs, int32_t lhs_zero, float lhs_mult,
               const int8_t *rhs, int32_t rhs_zero, float rhs_mult,
               int32_t output_zero, int8_t *output, uint8_t *mask, int32_t count)
{
    mask_writer bits = mask_begin(mask);
    for (int32_t i = 0; i < count; ++i) {
        int inside;
        const float scaled = tt_add_scaled(lhs[i], lhs_zero, lhs_mult, rhs[i], rhs_zero, rhs_mult);
        output[i] = tt_requantize_scaled(scaled, output_zero, &inside);
        mask_push(&bits, inside);
    }
    mask_end(&bits);
}
