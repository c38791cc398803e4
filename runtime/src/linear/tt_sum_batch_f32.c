/* qtrain.sum_batch: the sum over the batch, in increasing n. */
#include "tt_kernels.h"

void tt_sum_batch_f32(const float *input, float *output, int32_t batch, int32_t count)
{
    for (int32_t i = 0; i < count; ++i) {
        /* output[i] is written after every x[n, i] is read: in place is safe. */
        float sum = input[i];
        for (int32_t n = 1; n < batch; ++n) {
            sum += input[n * count + i];
        }
        output[i] = sum;
    }
}
