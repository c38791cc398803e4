#include "tt_quant.h"

#include <math.h>

int32_t tt_saturating_add_i32(int32_t a, int32_t b)
{
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
    int32_t sum;
    __asm__("qadd %0, %1, %2" : "=r"(sum) : "r"(a), "r"(b));
    return sum;
#else
    const int64_t sum = (int64_t)a + (int64_t)b;
    if (sum > INT32_MAX) {
        return INT32_MAX;
    }
    if (sum < INT32_MIN) {
        return INT32_MIN;
    }
    return (int32_t)sum;
#endif
}

int32_t tt_round_half_even(float value)
{
    /* rintf rounds in the current mode: round-to-nearest-even by default. */
    return (int32_t)rintf(value);
}

/* rounded + zero_point clamped to int8; clamps while still a float, because
 * converting an out-of-range float to an integer is undefined. */
static int8_t clamp_add_zero_point(float rounded, int32_t zero_point)
{
    const float low = (float)(-128 - zero_point);
    const float high = (float)(127 - zero_point);
    if (rounded < low) {
        rounded = low;
    }
    if (rounded > high) {
        rounded = high;
    }
    return (int8_t)((int32_t)rounded + zero_point);
}

int8_t tt_requantize(int32_t acc, float multiplier, int32_t zero_point)
{
    return clamp_add_zero_point(rintf((float)acc * multiplier), zero_point);
}

int8_t tt_add_requantize(int8_t a, int32_t a_zero, float a_mult,
                         int8_t b, int32_t b_zero, float b_mult, int32_t y_zero)
{
    const float a_part = (float)((int32_t)a - a_zero) * a_mult;
    const float b_part = (float)((int32_t)b - b_zero) * b_mult;
    return clamp_add_zero_point(rintf(a_part + b_part), y_zero);
}

int32_t tt_div_round_half_even(int32_t numerator, int32_t denominator)
{
    int32_t quotient = numerator / denominator;
    int32_t remainder = numerator % denominator;
    /* C division truncates toward zero; move to floor division first. */
    if (remainder < 0) {
        quotient -= 1;
        remainder += denominator;
    }
    const int32_t twice = 2 * remainder;
    if (twice > denominator || (twice == denominator && (quotient & 1) != 0)) {
        quotient += 1;
    }
    return quotient;
}
