/* qtrain.global_avgpool_grad: dy / (h * w) spread over each plane. */
#include "tt_kernels.h"

void tt_global_avgpool_grad_f32(const float *grad_output, float *grad_input,
                                int32_t batch, int32_t channels, int32_t h, int32_t w)
{
    const int32_t pixels = h * w;
    /* A division like the interpreter's, not a multiplication by 1/(h*w),
     * which would round differently. */
    const float divisor = (float)pixels;
    /* Back to front: in place, plane i overwrites grad_output[i * pixels ...],
     * entries i and later, which are read already. */
    for (int32_t plane = batch * channels - 1; plane >= 0; --plane) {
        const float value = grad_output[plane] / divisor;
        float *dx = grad_input + plane * pixels;
        for (int32_t p = 0; p < pixels; ++p) {
            dx[p] = value;
        }
    }
}
