/* qtrain.accumulate: y = a + b. */
#include "tt_kernels.h"

void tt_accumulate_f32(const float *lhs, const float *rhs, float *output, int32_t count)
{
    for (int32_t i = 0; i < count; ++i) {
        output[i] = lhs[i] + rhs[i];
    }
}
