/*
 * tiny-training runtime: Helium (M-profile Vector Extension, MVE) fast paths
 * for the Cortex-M55. Each kernel gives the same bytes (outputs, clamp mask,
 * saturation count) as its portable counterpart of tt_kernels.h, bit for bit;
 * test/python/test_kernel_mve.py checks that under QEMU mps3-an547.
 *
 * Dispatch: the conv kernels take exactly the arguments of tt_conv2d_s8 and
 * return 1 when they handled the call, 0 when the shape is not theirs (or the
 * build has no MVE), so a wrapper is
 *
 *     if (!tt_mve_conv2d_s8(args...)) tt_conv2d_s8(args...);
 *
 * The SGD kernels have the signatures of tt_sgd_update_s8 / _s32 /
 * tt_sgd_update_rows_s8 / _s32 and always handle the call (without MVE they
 * call the portable kernel). There is no fp32 SGD kernel: MVE's flush to zero
 * would change denormal results of W - step.
 *
 * Needs MVE with floating point (__ARM_FEATURE_MVE & 2, e.g.
 * -mcpu=cortex-m55): requantization is f32. Build with -ffp-contract=off as
 * the rest of the runtime (the kernels use no fused multiply-add either way).
 */
#ifndef TT_KERNELS_MVE_H
#define TT_KERNELS_MVE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 1 when this build has the Helium paths (MVE integer + float). */
int tt_mve_available(void);

/* qtrain.conv2d, 1x1 kernel, stride 1, no padding, any groups and batch. */
int tt_mve_conv2d_pointwise_s8(const int8_t *input, int32_t input_zero, const int8_t *weight, const int32_t *bias,
                               const float *multipliers, int32_t output_zero, int8_t *output, uint8_t *mask,
                               int32_t batch, int32_t in_channels, int32_t in_h, int32_t in_w,
                               int32_t out_channels, int32_t kernel_h, int32_t kernel_w,
                               int32_t stride_h, int32_t stride_w,
                               int32_t pad_top, int32_t pad_left, int32_t pad_bottom, int32_t pad_right,
                               int32_t groups);

/* qtrain.conv2d, depthwise (groups = in = out channels), any KH x KW, strides
 * 1 or 2 per axis, padding >= 0, input_zero in [-128, 127], any batch. Keeps
 * the channel order of tt_kernels.h (channel c's input is read whole before
 * its output is written, channels ascending), so the same in-place rule holds. */
int tt_mve_conv2d_depthwise_s8(const int8_t *input, int32_t input_zero, const int8_t *weight, const int32_t *bias,
                               const float *multipliers, int32_t output_zero, int8_t *output, uint8_t *mask,
                               int32_t batch, int32_t in_channels, int32_t in_h, int32_t in_w,
                               int32_t out_channels, int32_t kernel_h, int32_t kernel_w,
                               int32_t stride_h, int32_t stride_w,
                               int32_t pad_top, int32_t pad_left, int32_t pad_bottom, int32_t pad_right,
                               int32_t groups);

/* Either of the two above, whichever fits (0: neither). */
int tt_mve_conv2d_s8(const int8_t *input, int32_t input_zero, const int8_t *weight, const int32_t *bias,
                     const float *multipliers, int32_t output_zero, int8_t *output, uint8_t *mask,
                     int32_t batch, int32_t in_channels, int32_t in_h, int32_t in_w,
                     int32_t out_channels, int32_t kernel_h, int32_t kernel_w,
                     int32_t stride_h, int32_t stride_w,
                     int32_t pad_top, int32_t pad_left, int32_t pad_bottom, int32_t pad_right,
                     int32_t groups);

/* qtrain.sgd_update on int8 weights: tt_sgd_update_s8 / tt_sgd_update_rows_s8. */
int32_t tt_mve_sgd_update_s8(int8_t *param, const float *grad, float lr, int32_t count);
int32_t tt_mve_sgd_update_rows_s8(int8_t *param, const float *grad, float lr,
                                  int32_t rows, int32_t row_length, int32_t param_row_stride);

/* qtrain.sgd_update on int32 biases: tt_sgd_update_s32 / tt_sgd_update_rows_s32. */
int32_t tt_mve_sgd_update_s32(int32_t *param, const float *grad, float lr, int32_t count);
int32_t tt_mve_sgd_update_rows_s32(int32_t *param, const float *grad, float lr,
                                   int32_t rows, int32_t row_length, int32_t param_row_stride);

/* Exactness of the SGD kernels: MVE float arithmetic flushes denormals to zero,
 * so a denormal gradient gives step 0; the portable step rint(g * lr) is 0 then
 * too whenever |lr| <= 2^125 (|g * lr| <= 0.5). */

#ifdef __cplusplus
}
#endif

#endif /* TT_KERNELS_MVE_H */
