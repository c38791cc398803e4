/* The scalar quantization arithmetic of tt_quant.h: the out-of-line forms of
 * the helpers in tt_support.h, for callers outside the kernels (and tests). */
#include "tt_quant.h"

#include "../internal/tt_support.h"

int32_t tt_saturating_add_i32(int32_t a, int32_t b)
{
    return tt_sat_add_i32(a, b);
}

float tt_rint(float value)
{
    return tt_rint_f32(value);
}

int32_t tt_round_half_even(float value)
{
    return (int32_t)tt_rint_f32(value);
}

int8_t tt_requantize(int32_t acc, float multiplier, int32_t zero_point)
{
    int inside;
    return tt_requantize_scaled((float)acc * multiplier, zero_point, &inside);
}

int8_t tt_add_requantize(int8_t a, int32_t a_zero, float a_mult,
                         int8_t b, int32_t b_zero, float b_mult, int32_t y_zero)
{
    int inside;
    return tt_requantize_scaled(tt_add_scaled(a, a_zero, a_mult, b, b_zero, b_mult), y_zero, &inside);
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
