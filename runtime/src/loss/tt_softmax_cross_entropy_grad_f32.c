/* qtrain.softmax_cross_entropy_grad: (softmax - onehot) / batch. */
#include "tt_kernels.h"
#include "tt_math.h"
#include "../internal/tt_support.h"

void tt_softmax_cross_entropy_grad_f32(const float *logits, const int32_t *labels, float *grad,
                                       int32_t batch, int32_t classes)
{
    const float count = (float)batch;
    for (int32_t n = 0; n < batch; ++n) {
        const float *row = logits + n * classes;
        float *out = grad + n * classes;
        const float largest = tt_row_max_f32(row, classes);
        /* Keep the exponentials in the output: one expf per element, and each
         * logit is read before its slot is written (in place). */
        float sum = 0.0f;
        for (int32_t j = 0; j < classes; ++j) {
            const float e = tt_expf(row[j] - largest);
            out[j] = e;
            sum += e;
        }
        const int32_t label = labels[n];
        for (int32_t j = 0; j < classes; ++j) {
            float p = out[j] / sum;
            if (j == label) {
                p -= 1.0f;
            }
            out[j] = p / count;
        }
    }
}
