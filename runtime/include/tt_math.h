/*
 * tiny-training runtime: exp and log in plain single-precision arithmetic.
 *
 * The C libraries disagree in the last bit (glibc on the host, newlib on the
 * Cortex-M7), which made a loss or a gradient differ by one ulp between the
 * host build and the board. These functions use only IEEE f32 +, -, *, / in a
 * fixed order (no fused multiply-add: build with -ffp-contract=off), so every
 * target computes the same bits. Accuracy: a few ulp, well inside the
 * tolerances the tests derive against the interpreter's float64 softmax.
 */
#ifndef TT_MATH_H
#define TT_MATH_H

#ifdef __cplusplus
extern "C" {
#endif

/* e^x: 0 below -104 (under the smallest subnormal), +inf above 88.8, NaN for NaN. */
float tt_expf(float x);

/* ln x for x > 0: -inf at 0, NaN below 0 or for NaN, +inf for +inf. */
float tt_logf(float x);

#ifdef __cplusplus
}
#endif

#endif /* TT_MATH_H */
