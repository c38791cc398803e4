/*
 * tiny-training runtime: the scalar quantization arithmetic shared by every
 * int8 kernel. It follows the reference interpreter (interpreters/qtrain.py)
 * bit for bit:
 *
 *  - one rounding rule everywhere: round half to even (IEEE rint under the
 *    default rounding mode: VRINTX on an FPv5 unit, an exact float sequence
 *    elsewhere, never a libm call; VCVTR where the result becomes an integer);
 *  - requantization in IEEE single precision, with multipliers computed by the
 *    compiler, and no fused multiply-add (build with -ffp-contract=off).
 */
#ifndef TT_QUANT_H
#define TT_QUANT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* a + b saturated to the int32 range (QADD on Cortex-M7 with the DSP extension). */
int32_t tt_saturating_add_i32(int32_t a, int32_t b);

/* rint(value): round half to even to an integral float, bit-exact with IEEE
 * rint in the default mode (signed zeros, NaN, +-inf and |value| >= 2^23 kept). */
float tt_rint(float value);

/* Round half to even of a float, as an int32 (|v| must be below 2^31). */
int32_t tt_round_half_even(float value);

/* clamp(rint(f32(acc) * multiplier) + zero_point, -128, 127). */
int8_t tt_requantize(int32_t acc, float multiplier, int32_t zero_point);

/* clamp(rint(f32(a - za) * ma + f32(b - zb) * mb) + zy, -128, 127). */
int8_t tt_add_requantize(int8_t a, int32_t a_zero, float a_mult,
                         int8_t b, int32_t b_zero, float b_mult, int32_t y_zero);

/* The exact quotient numerator / denominator rounded half to even (denominator > 0). */
int32_t tt_div_round_half_even(int32_t numerator, int32_t denominator);

#ifdef __cplusplus
}
#endif

#endif /* TT_QUANT_H */
