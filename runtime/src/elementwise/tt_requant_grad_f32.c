/* qtrain.requant_grad: dy scaled per channel of NCHW data. */
#include "tt_kernels.h"
#include "../internal/tt_support.h"

void tt_requant_grad_f32(const float *grad_output, const float *multipliers, float *grad_input,
                         int32_t batch, int32_t channels, int32_t hw)
{
    tt_scale_axis_f32(grad_output, multipliers, grad_input, batch, channels, hw);
}
