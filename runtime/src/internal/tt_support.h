/*
 * Internal to the runtime: the inline helpers every kernel shares (the role of
 * CMSIS-NN's arm_nnsupportfunctions.h). Each piece of arithmetic that must be
 * bit-exact with interpreters/qtrain.py is written here once:
 *
 *  - tt_rint_f32: round half to even (IEEE rint in the default rounding mode);
 *  - tt_requantize_scaled / tt_conv_output: clamp(rint(v) + zero, -128, 127)
 *    and whether the clamp left the value alone (the clamp mask bit);
 *  - tt_sgd_step: the bounded, rounded SGD step of an integer parameter;
 *  - tt_mac: acc + a * b with two roundings (never fused).
 *
 * Everything is static inline, so a kernel file pays only for what it uses.
 * Build with -ffp-contract=off: a fused multiply-add would change the bits.
 */
#ifndef TT_SUPPORT_H
#define TT_SUPPORT_H

#include <stdint.h>
#include <string.h>

#include "tt_features.h"
#include "tt_mask_writer.h"

#if defined(__GNUC__)
#define TT_ALWAYS_INLINE inline __attribute__((always_inline))
#define TT_NOINLINE __attribute__((noinline))
#else
#define TT_ALWAYS_INLINE inline
#define TT_NOINLINE
#endif

/* ------------------------------------------------------------------ integers */

static TT_ALWAYS_INLINE int32_t tt_max_i32(int32_t a, int32_t b)
{
    return a > b ? a : b;
}

static TT_ALWAYS_INLINE int32_t tt_min_i32(int32_t a, int32_t b)
{
    return a < b ? a : b;
}

static TT_ALWAYS_INLINE int32_t tt_clamp_i32(int32_t value, int32_t low, int32_t high)
{
    return tt_max_i32(low, tt_min_i32(high, value));
}

/* a + b saturated to the int32 range: QADD with the DSP extension. */
static TT_ALWAYS_INLINE int32_t tt_sat_add_i32(int32_t a, int32_t b)
{
#if TT_HAS_DSP
    int32_t sum;
    __asm__("qadd %0, %1, %2" : "=r"(sum) : "r"(a), "r"(b));
    return sum;
#else
    const int64_t sum = (int64_t)a + (int64_t)b;
    return sum > INT32_MAX ? INT32_MAX : sum < INT32_MIN ? INT32_MIN : (int32_t)sum;
#endif
}

/* floor(numerator / denominator) and ceil, for denominator > 0 and any numerator. */
static TT_ALWAYS_INLINE int32_t tt_floor_div(int32_t numerator, int32_t denominator)
{
    return numerator >= 0 ? numerator / denominator : -((-numerator + denominator - 1) / denominator);
}

static TT_ALWAYS_INLINE int32_t tt_ceil_div(int32_t numerator, int32_t denominator)
{
    return -tt_floor_div(-numerator, denominator);
}

/* ceil(numerator / denominator) for a positive numerator, else 0. */
static TT_ALWAYS_INLINE int32_t tt_ceil_div_or_zero(int32_t numerator, int32_t denominator)
{
    return numerator > 0 ? (numerator + denominator - 1) / denominator : 0;
}

/* ------------------------------------------------------------------ DSP */

/* acc + low(a) * low(b) + high(a) * high(b), signed 16-bit halves (SMLAD). */
static TT_ALWAYS_INLINE int32_t tt_smlad(uint32_t a, uint32_t b, int32_t acc)
{
#if TT_HAS_DSP
    int32_t result;
    __asm__("smlad %0, %1, %2, %3" : "=r"(result) : "r"(a), "r"(b), "r"(acc));
    return result;
#else
    return acc + (int32_t)(int16_t)(a & 0xffffu) * (int32_t)(int16_t)(b & 0xffffu) +
           (int32_t)(int16_t)(a >> 16) * (int32_t)(int16_t)(b >> 16);
#endif
}

/* acc + low(a) * low(b) (SMLABB) and acc + high(a) * low(b) (SMLATB). */
static TT_ALWAYS_INLINE int32_t tt_smlabb(uint32_t a, uint32_t b, int32_t acc)
{
#if TT_HAS_DSP
    int32_t result;
    __asm__("smlabb %0, %1, %2, %3" : "=r"(result) : "r"(a), "r"(b), "r"(acc));
    return result;
#else
    return acc + (int32_t)(int16_t)(a & 0xffffu) * (int32_t)(int16_t)(b & 0xffffu);
#endif
}

static TT_ALWAYS_INLINE int32_t tt_smlatb(uint32_t a, uint32_t b, int32_t acc)
{
#if TT_HAS_DSP
    int32_t result;
    __asm__("smlatb %0, %1, %2, %3" : "=r"(result) : "r"(a), "r"(b), "r"(acc));
    return result;
#else
    return acc + (int32_t)(int16_t)(a >> 16) * (int32_t)(int16_t)(b & 0xffffu);
#endif
}

/* Four bytes as one word: a single LDR (the Cortex-M7 loads unaligned words). */
static TT_ALWAYS_INLINE uint32_t tt_read_u32(const void *p)
{
    uint32_t word;
    memcpy(&word, p, sizeof word);
    return word;
}

/* Bytes 0 and 2 (odd: 1 and 3) of `word`, sign-extended into 16-bit halves (SXTB16). */
static TT_ALWAYS_INLINE uint32_t tt_sxtb16(uint32_t word, int odd)
{
#if TT_HAS_DSP
    uint32_t result;
    if (odd) {
        __asm__("sxtb16 %0, %1, ror #8" : "=r"(result) : "r"(word));
    } else {
        __asm__("sxtb16 %0, %1" : "=r"(result) : "r"(word));
    }
    return result;
#else
    if (odd) {
        word >>= 8;
    }
    return (uint32_t)(uint16_t)(int16_t)(int8_t)(word & 0xffu) |
           (uint32_t)(uint16_t)(int16_t)(int8_t)((word >> 16) & 0xffu) << 16;
#endif
}

/* Two int8 values as the signed 16-bit halves of one word (low first). */
static TT_ALWAYS_INLINE uint32_t tt_pack_s16x2(int32_t low, int32_t high)
{
    return (uint32_t)(uint16_t)(int16_t)low | (uint32_t)(uint16_t)(int16_t)high << 16;
}

/* ------------------------------------------------------------------ floats */

static TT_ALWAYS_INLINE uint32_t tt_f32_bits(float value)
{
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    return bits;
}

static TT_ALWAYS_INLINE float tt_f32_from_bits(uint32_t bits)
{
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

/*
 * rint(x): x rounded to an integral value, ties to even, as IEEE rint under
 * the default rounding mode (which the runtime never changes); -0 and the sign
 * of a result that rounds to zero are kept, NaN, +-inf and |x| >= 2^23 (already
 * integral) come back unchanged. VRINTX where the FPU has it; otherwise the
 * exact float trick, branch-free: for |x| < 2^23, x + 2^23 lies in [2^23, 2^24)
 * where the float spacing is 1, so the addition itself rounds x to an integer
 * (half to even: 2^23 is even) and subtracting 2^23 again is exact; a negative
 * x uses -2^23, and the sign bit is put back for results that round to 0.
 */
static TT_ALWAYS_INLINE float tt_rint_f32(float x)
{
#if TT_HAS_VRINTX
    float rounded;
    __asm__("vrintx.f32 %0, %1" : "=t"(rounded) : "t"(x));
    return rounded;
#else
    const uint32_t bits = tt_f32_bits(x);
    const uint32_t sign = bits & 0x80000000u;
    const float shift = tt_f32_from_bits(0x4b000000u | sign); /* +-2^23 */
    const float rounded = tt_f32_from_bits(tt_f32_bits((x + shift) - shift) | sign);
    return (bits ^ sign) < 0x4b000000u ? rounded : x; /* |x| < 2^23, else x itself */
#endif
}

/* acc + a * b with two roundings, the C expression under -ffp-contract=off. On
 * the FPU one VMLA.F32: the chained multiply-accumulate, FPAdd(Vd, FPMul(Vn, Vm))
 * with each step rounded (the ARM ARM), so the same bits (VFMA would be fused). */
static TT_ALWAYS_INLINE float tt_mac(float acc, float a, float b)
{
#if TT_HAS_FPU && TT_FAST_PATHS
    __asm__("vmla.f32 %0, %1, %2" : "+t"(acc) : "t"(a), "t"(b));
    return acc;
#else
    return acc + a * b;
#endif
}

/* ------------------------------------------------------------------ requantization */

/*
 * clamp(rint(scaled) + zero, -128, 127), with *inside = 1 when the clamp left
 * the value alone (the clamp mask bit). The one requantization of the runtime:
 * conv outputs pass scaled = f32(acc) * multiplier, add outputs the f32 sum of
 * the two scaled inputs (tt_quant.h).
 *
 * With the DSP extension and an FPU the clamp is integer: VCVTR rounds in the
 * FPSCR mode (to nearest, ties to even, as rint) and saturates to int32; an
 * in-range rounded value gives clamp(rounded + zero) exactly, a saturated one
 * lies far outside the int8 range either way (QADD keeps it there). SSAT
 * clamps, and the clamp acted exactly when SSAT changed the value. Otherwise
 * the clamp is done while still a float, because converting an out-of-range
 * float to an integer is undefined.
 */
static TT_ALWAYS_INLINE int8_t tt_requantize_scaled(float scaled, int32_t zero, int *inside)
{
#if TT_FAST_PATHS && TT_HAS_DSP && TT_HAS_FPU
    float rounded_bits;
    int32_t rounded, shifted, value;
    __asm__("vcvtr.s32.f32 %0, %1" : "=t"(rounded_bits) : "t"(scaled));
    __asm__("vmov %0, %1" : "=r"(rounded) : "t"(rounded_bits));
    __asm__("qadd %0, %1, %2" : "=r"(shifted) : "r"(rounded), "r"(zero));
    __asm__("ssat %0, #8, %1" : "=r"(value) : "r"(shifted));
    *inside = value == shifted;
    return (int8_t)value;
#else
    float rounded = tt_rint_f32(scaled);
    const float low = (float)(INT8_MIN - zero);
    const float high = (float)(INT8_MAX - zero);
    *inside = rounded >= low && rounded <= high;
    if (rounded < low) {
        rounded = low;
    }
    if (rounded > high) {
        rounded = high;
    }
    return (int8_t)((int32_t)rounded + zero);
#endif
}

/* `value` as it stands, rounded to f32: an empty asm the compiler cannot look
 * through, so a product passed here is never fused into a following add, even
 * in a build without -ffp-contract=off (no instruction is emitted). */
static TT_ALWAYS_INLINE float tt_f32_rounded(float value)
{
#if TT_HAS_FPU
    __asm__("" : "+t"(value));
#elif defined(__GNUC__) && defined(__x86_64__)
    __asm__("" : "+x"(value));
#endif
    return value;
}

/* The f32 value an add requantizes: f32(a - a_zero) * a_mult + f32(b - b_zero) * b_mult,
 * each product rounded before the sum (as the interpreter). */
static TT_ALWAYS_INLINE float tt_add_scaled(int8_t a, int32_t a_zero, float a_mult, int8_t b, int32_t b_zero,
                                            float b_mult)
{
    const float a_part = tt_f32_rounded((float)((int32_t)a - a_zero) * a_mult);
    const float b_part = tt_f32_rounded((float)((int32_t)b - b_zero) * b_mult);
    return a_part + b_part;
}

/* Requantizes one conv accumulator (bias added) into *slot and records its
 * clamp mask bit (a no-op without a mask). */
static TT_ALWAYS_INLINE void tt_conv_output(int8_t *slot, mask_writer *mask, int32_t acc, float multiplier,
                                            int32_t zero)
{
    int inside;
    *slot = tt_requantize_scaled((float)acc * multiplier, zero, &inside);
    if (mask->next != NULL) {
        mask_push(mask, inside);
    }
}

/* ------------------------------------------------------------------ SGD */

/* The SGD step bounds (see tt_sgd_step). int8 weights work in int32 (one VCVT):
 * |W - step| <= 2^30 + 128. int32 biases need int64: b - step spans up to
 * 2^31 + 2^40. */
#define TT_STEP_BOUND_S8 1073741824.0f     /* 2^30 */
#define TT_STEP_BOUND_S32 1099511627776.0f /* 2^40, as the interpreter */

/* rint(f32(g * lr)), bounded to +-bound (an integer-valued float). The
 * interpreter bounds the step to +-2^40 before rounding; rint and the bound
 * commute, and any step beyond a bound that exceeds the parameter's range by
 * far saturates the parameter either way, so a smaller bound gives the same
 * result. A NaN gradient gives +bound: it saturates the parameter instead of
 * converting undefinedly. */
static TT_ALWAYS_INLINE float tt_sgd_step(float g, float lr, float bound)
{
    const float rounded = tt_rint_f32(g * lr);
    if (!(rounded <= bound)) {
        return bound;
    }
    if (rounded < -bound) {
        return -bound;
    }
    return rounded;
}

/* W = sat8(W - rint(f32(g * lr))) for one int8 weight; returns 1 if it saturated. */
static TT_ALWAYS_INLINE int32_t tt_sgd_step_s8(int8_t *slot, float g, float lr)
{
    const int32_t raw = (int32_t)*slot - (int32_t)tt_sgd_step(g, lr, TT_STEP_BOUND_S8);
    if (raw < INT8_MIN || raw > INT8_MAX) { /* rare: a branch beats a branch-free clamp */
        *slot = (int8_t)(raw < INT8_MIN ? INT8_MIN : INT8_MAX);
        return 1;
    }
    *slot = (int8_t)raw;
    return 0;
}

/* ------------------------------------------------------------------ f32 rows */

/* y[outer, c, inner] = x[outer, c, inner] * factors[c] (one IEEE product each). */
static inline void tt_scale_axis_f32(const float *input, const float *factors, float *output,
                                     int32_t outer, int32_t channels, int32_t inner)
{
    for (int32_t n = 0; n < outer; ++n) {
        for (int32_t c = 0; c < channels; ++c) {
            const float factor = factors[c];
            const int32_t base = (n * channels + c) * inner;
            for (int32_t i = 0; i < inner; ++i) {
                output[base + i] = input[base + i] * factor;
            }
        }
    }
}

/* The largest of row[0 .. count). */
static inline float tt_row_max_f32(const float *row, int32_t count)
{
    float largest = row[0];
    for (int32_t j = 1; j < count; ++j) {
        if (row[j] > largest) {
            largest = row[j];
        }
    }
    return largest;
}

#endif /* TT_SUPPORT_H */
