/* qtrain.softmax_cross_entropy: the mean loss, in f32 with tt_expf / tt_logf. */
#include "tt_kernels.h"
#include "tt_math.h"
#include "../internal/tt_support.h"

void tt_softmax_cross_entropy_f32(const float *logits, const int32_t *labels, float *loss,
                                  int32_t batch, int32_t classes)
{
    float total = 0.0f;
    for (int32_t n = 0; n < batch; ++n) {
        const float *row = logits + n * classes;
        /* Shift by the maximum so that expf cannot overflow (as the interpreter). */
        const float largest = tt_row_max_f32(row, classes);
        float sum = 0.0f;
        for (int32_t j = 0; j < classes; ++j) {
            sum += tt_expf(row[j] - largest);
        }
        total += tt_logf(sum) - (row[labels[n]] - largest);
    }
    *loss = total / (float)batch;
}
