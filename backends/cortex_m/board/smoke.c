/*
 * Board smoke test: runs the runtime's scalar quantization arithmetic on fixed
 * inputs (hand-picked edge cases, then a deterministic pseudo-random sweep),
 * prints every input and result, and does a float reduction so that the FPU
 * enable in the startup code is exercised. test/python/test_board.py
 * recomputes every line with the Python reference interpreter.
 *
 * Floats are printed as their IEEE bit patterns so the comparison is exact.
 */
#include <stdint.h>
#include <string.h>

#include "semihosting.h"
#include "tt_quant.h"

static uint32_t float_bits(float value)
{
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    return bits;
}

static float bits_float(uint32_t bits)
{
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

/* xorshift32: the same sequence on every run and every compiler. */
static uint32_t rng_state = 0x2545f491u;
static uint32_t next_random(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static int32_t random_range(int32_t low, int32_t high) /* inclusive */
{
    return low + (int32_t)(next_random() % (uint32_t)(high - low + 1));
}

/* A multiplier in [0, 2): 24 random mantissa bits, as the compiler's scales are. */
static float random_multiplier(void)
{
    return (float)(next_random() >> 8) * (1.0f / 8388608.0f);
}

static void requantize_case(int32_t acc, float multiplier, int32_t zero_point)
{
    tt_print_str("requantize ");
    tt_print_int(acc);
    tt_print_char(' ');
    tt_print_hex(float_bits(multiplier));
    tt_print_char(' ');
    tt_print_int(zero_point);
    tt_print_str(" -> ");
    tt_print_int(tt_requantize(acc, multiplier, zero_point));
    tt_print_char('\n');
}

static void add_case(int8_t a, int32_t a_zero, float a_mult, int8_t b, int32_t b_zero, float b_mult, int32_t y_zero)
{
    tt_print_str("add_requantize ");
    tt_print_int(a);
    tt_print_char(' ');
    tt_print_int(a_zero);
    tt_print_char(' ');
    tt_print_hex(float_bits(a_mult));
    tt_print_char(' ');
    tt_print_int(b);
    tt_print_char(' ');
    tt_print_int(b_zero);
    tt_print_char(' ');
    tt_print_hex(float_bits(b_mult));
    tt_print_char(' ');
    tt_print_int(y_zero);
    tt_print_str(" -> ");
    tt_print_int(tt_add_requantize(a, a_zero, a_mult, b, b_zero, b_mult, y_zero));
    tt_print_char('\n');
}

static void div_case(int32_t numerator, int32_t denominator)
{
    tt_print_str("div_round_half_even ");
    tt_print_int(numerator);
    tt_print_char(' ');
    tt_print_int(denominator);
    tt_print_str(" -> ");
    tt_print_int(tt_div_round_half_even(numerator, denominator));
    tt_print_char('\n');
}

/* volatile: the inputs must reach the FPU at run time, not be folded by the compiler. */
static volatile float float_inputs[16];

int main(void)
{
    tt_print_str("tt-board-smoke: start\n");

    /* Ties, saturation, and accumulators too large for an int8 or a float mantissa. */
    requantize_case(5, 0.5f, 0);
    requantize_case(7, 0.5f, 0);
    requantize_case(-5, 0.5f, 0);
    requantize_case(5, 0.5f, -128);
    requantize_case(1000, 1.0f, 0);
    requantize_case(-1000, 1.0f, -128);
    requantize_case(INT32_MAX, 1.0f, 0);
    requantize_case(INT32_MIN, 1.0f, 0);
    requantize_case(300, 0.25f, 100);
    requantize_case(16777217, 1.0f / 131072.0f, 3);
    requantize_case(-123457, bits_float(0x3a83126fu), -7);
    for (int i = 0; i < 48; ++i) {
        const int32_t acc = random_range(-40000, 40000);
        const float multiplier = random_multiplier() * 0.01f;
        requantize_case(acc, multiplier, random_range(-128, 127));
    }

    add_case(3, 0, 0.5f, 2, 0, 0.5f, 0);   /* 1.5 + 1 = 2.5 -> 2 */
    add_case(-128, 127, 1.0f, -128, 127, 1.0f, 0); /* saturates low */
    add_case(127, -128, 1.0f, 127, -128, 1.0f, 0); /* saturates high */
    for (int i = 0; i < 48; ++i) {
        const int8_t a = (int8_t)random_range(-128, 127);
        const int32_t a_zero = random_range(-128, 127);
        const float a_mult = random_multiplier();
        const int8_t b = (int8_t)random_range(-128, 127);
        const int32_t b_zero = random_range(-128, 127);
        const float b_mult = random_multiplier();
        add_case(a, a_zero, a_mult, b, b_zero, b_mult, random_range(-128, 127));
    }

    div_case(5, 2);
    div_case(7, 2);
    div_case(-5, 2);
    div_case(-7, 2);
    div_case(10, 4);
    div_case(-11, 4);
    div_case(INT32_MAX, 1);
    div_case(INT32_MIN, 3);
    for (int i = 0; i < 32; ++i) {
        div_case(random_range(-1000000, 1000000), random_range(1, 1000));
    }

    /* A float reduction in a fixed order (no FMA: -ffp-contract=off). */
    for (int i = 0; i < 16; ++i) {
        float_inputs[i] = (float)(i + 1) * 0.1f;
    }
    float sum = 0.0f;
    for (int i = 0; i < 16; ++i) {
        sum = sum * 0.5f + float_inputs[i] * float_inputs[i];
    }
    tt_print_str("float_reduce ");
    tt_print_hex(float_bits(sum));
    tt_print_str(" ~ ");
    tt_print_float(sum, 4);
    tt_print_char('\n');

    tt_print_str("tt-board-smoke: done\n");
    return 0;
}
