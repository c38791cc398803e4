/* exp and log with the same bits on every target; see tt_math.h. */
#include "tt_math.h"

#include <stdint.h>

#include "../internal/tt_support.h"

/* 2^k for -126 <= k <= 127, built from its bits. */
static float power_of_two(int32_t k)
{
    return tt_f32_from_bits((uint32_t)(k + 127) << 23);
}

float tt_expf(float x)
{
    if (x != x) {
        return x;
    }
    if (x < -104.0f) {
        return 0.0f;
    }
    if (x > 88.8f) {
        return tt_f32_from_bits(0x7f800000u);
    }
    /* x = k ln2 + r with |r| <= ln2 / 2; ln2 split in a high part with few
     * significant bits (k * high is exact) and a low part (Cody and Waite). */
    const float ln2_high = 0.693145751953125f; /* 0x3f317200 */
    const float ln2_low = 1.428606765330187e-06f;
    const int32_t k = (int32_t)tt_rint_f32(x * 1.44269504088896341f);
    const float kf = (float)k;
    const float r = (x - kf * ln2_high) - kf * ln2_low;
    /* Taylor series of e^r to degree 8 (the next term is below 2^-26 of it). */
    float p = 1.0f / 40320.0f;
    p = p * r + 1.0f / 5040.0f;
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    if (k < -126) { /* a subnormal result: scale in two exact-exponent steps */
        return p * power_of_two(k + 64) * power_of_two(-64);
    }
    if (k > 127) {
        return p * power_of_two(k - 1) * 2.0f;
    }
    return p * power_of_two(k);
}

float tt_logf(float x)
{
    if (x != x || x < 0.0f) {
        return tt_f32_from_bits(0x7fc00000u);
    }
    if (x == 0.0f) {
        return tt_f32_from_bits(0xff800000u);
    }
    uint32_t bits = tt_f32_bits(x);
    if (bits == 0x7f800000u) {
        return x;
    }
    int32_t exponent = 0;
    if ((bits >> 23) == 0) { /* subnormal: normalise first */
        x *= 8388608.0f; /* 2^23 */
        bits = tt_f32_bits(x);
        exponent = -23;
    }
    exponent += (int32_t)(bits >> 23) - 127;
    float m = tt_f32_from_bits((bits & 0x007fffffu) | 0x3f800000u); /* [1, 2) */
    if (m > 1.41421356f) {
        m *= 0.5f;
        exponent += 1;
    }
    /* ln m = 2 atanh(s) with s = (m - 1) / (m + 1), |s| <= 0.172. */
    const float s = (m - 1.0f) / (m + 1.0f);
    const float z = s * s;
    float q = 1.0f / 13.0f;
    q = q * z + 1.0f / 11.0f;
    q = q * z + 1.0f / 9.0f;
    q = q * z + 1.0f / 7.0f;
    q = q * z + 1.0f / 5.0f;
    q = q * z + 1.0f / 3.0f;
    const float log_m = 2.0f * s + 2.0f * s * z * q;
    const float e = (float)exponent;
    return (e * 0.693145751953125f + log_m) + e * 1.428606765330187e-06f;
}
