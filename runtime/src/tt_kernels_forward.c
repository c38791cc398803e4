/*
 * int8 forward kernels: conv2d, add, global_avgpool, dequantize, slice_channels,
 * and the fp32 linear head. Bit-exact with interpreters/qtrain.py on the int8
 * paths; the arithmetic per element is the one of tt_quant.c.
 */
#include "tt_kernels.h"
#include "tt_quant.h"

#include <math.h>
#include <string.h>

/* ------------------------------------------------------------------ masks */

/* Writes a bit-packed clamp mask in flat order, one byte at a time, so that
 * the bytes need no clearing first and unused high bits end up 0. With a NULL
 * destination every call is a no-op (the op has no mask result). */
typedef struct {
    uint8_t *next;
    uint32_t bits;
    uint32_t filled;
} mask_writer;

static mask_writer mask_begin(uint8_t *mask)
{
    mask_writer writer = {mask, 0u, 0u};
    return writer;
}

static void mask_push(mask_writer *writer, int inside)
{
    if (writer->next == NULL) {
        return;
    }
    writer->bits |= (uint32_t)(inside != 0) << writer->filled;
    if (++writer->filled == 8u) {
        *writer->next++ = (uint8_t)writer->bits;
        writer->bits = 0u;
        writer->filled = 0u;
    }
}

static void mask_end(mask_writer *writer)
{
    if (writer->next != NULL && writer->filled != 0u) {
        *writer->next = (uint8_t)writer->bits;
    }
}

/* Was `rounded + zero` inside [-128, 127] before the clamp? Compared as floats:
 * `rounded` may be far outside the int32 range. */
static int rounded_inside_int8(float rounded, int32_t zero)
{
    return rounded >= (float)(INT8_MIN - zero) && rounded <= (float)(INT8_MAX - zero);
}

/* Requantizes one conv accumulator into *slot and records its mask bit. Only a
 * value on a rail can have been clamped, so only those redo the product and
 * rounding of tt_requantize to see whether the clamp acted. */
static void conv_output(int8_t *slot, mask_writer *mask, int32_t acc, float multiplier, int32_t zero)
{
    const int8_t value = tt_requantize(acc, multiplier, zero);
    *slot = value;
    if (mask->next != NULL) {
        int inside = 1;
        if (value == INT8_MIN || value == INT8_MAX) {
            inside = rounded_inside_int8(rintf((float)acc * multiplier), zero);
        }
        mask_push(mask, inside);
    }
}

/* ------------------------------------------------------------------ conv2d */

static int32_t max_i32(int32_t a, int32_t b)
{
    return a > b ? a : b;
}

static int32_t min_i32(int32_t a, int32_t b)
{
    return a < b ? a : b;
}

/* 1x1 kernel, stride 1, no padding: each output pixel is a dot product over the
 * group's input channels at the same pixel. No padded taps, so the zero point
 * comes out of the sum: sum((x - z) * w) = sum(x * w) - z * sum(w), exact in
 * int32 under the verifier's bound (|x * w| <= 128 * 128, |z * sum(w)| as well).
 * Four pixels at a time share each weight load.
 * No SMLAD path: in NCHW the channel reduction is strided, so packing two
 * int8 operands per 16-bit lane costs about the instructions the dual MAC
 * saves. The DSP extension still does the bias add (QADD, in
 * tt_saturating_add_i32). */
static void conv2d_pointwise(const int8_t *input, int32_t input_zero, const int8_t *weight,
                             const int32_t *bias, const float *multipliers, int32_t output_zero,
                             int8_t *output, mask_writer *mask,
                             int32_t batch, int32_t in_channels, int32_t pixels,
                             int32_t out_channels, int32_t groups)
{
    const int32_t group_in = in_channels / groups;
    const int32_t group_out = out_channels / groups;
    for (int32_t n = 0; n < batch; ++n) {
        for (int32_t o = 0; o < out_channels; ++o) {
            const int8_t *w = weight + o * group_in;
            const int8_t *x = input + (n * in_channels + (o / group_out) * group_in) * pixels;
            int8_t *y = output + (n * out_channels + o) * pixels;
            int32_t weight_sum = 0;
            for (int32_t c = 0; c < group_in; ++c) {
                weight_sum += w[c];
            }
            const int32_t zero_term = input_zero * weight_sum;
            const int32_t b = bias[o];
            const float m = multipliers[o];
            int32_t p = 0;
            for (; p + 4 <= pixels; p += 4) {
                int32_t acc[4] = {0, 0, 0, 0};
                for (int32_t c = 0; c < group_in; ++c) {
                    const int8_t *xc = x + c * pixels + p;
                    const int32_t wc = w[c];
                    acc[0] += xc[0] * wc;
                    acc[1] += xc[1] * wc;
                    acc[2] += xc[2] * wc;
                    acc[3] += xc[3] * wc;
                }
                for (int32_t i = 0; i < 4; ++i) {
                    conv_output(&y[p + i], mask, tt_saturating_add_i32(acc[i] - zero_term, b), m, output_zero);
                }
            }
            for (; p < pixels; ++p) {
                int32_t acc = 0;
                for (int32_t c = 0; c < group_in; ++c) {
                    acc += x[c * pixels + p] * w[c];
                }
                conv_output(&y[p], mask, tt_saturating_add_i32(acc - zero_term, b), m, output_zero);
            }
        }
    }
}

void tt_conv2d_s8(const int8_t *input, int32_t input_zero, const int8_t *weight, const int32_t *bias,
                  const float *multipliers, int32_t output_zero, int8_t *output, uint8_t *mask,
                  int32_t batch, int32_t in_channels, int32_t in_h, int32_t in_w,
                  int32_t out_channels, int32_t kernel_h, int32_t kernel_w,
                  int32_t stride_h, int32_t stride_w,
                  int32_t pad_top, int32_t pad_left, int32_t pad_bottom, int32_t pad_right,
                  int32_t groups)
{
    const int32_t out_h = (in_h + pad_top + pad_bottom - kernel_h) / stride_h + 1;
    const int32_t out_w = (in_w + pad_left + pad_right - kernel_w) / stride_w + 1;
    const int32_t group_in = in_channels / groups;
    const int32_t group_out = out_channels / groups;
    const int32_t taps = kernel_h * kernel_w;
    mask_writer bits = mask_begin(mask);

    if (kernel_h == 1 && kernel_w == 1 && stride_h == 1 && stride_w == 1 &&
        pad_top == 0 && pad_left == 0 && pad_bottom == 0 && pad_right == 0) {
        conv2d_pointwise(input, input_zero, weight, bias, multipliers, output_zero, output, &bits,
                         batch, in_channels, in_h * in_w, out_channels, groups);
        mask_end(&bits);
        return;
    }

    /* General case. Per output row and column only the kernel taps that land
     * inside the input are visited (padding is real zero and adds nothing), so
     * the inner loops carry no bounds checks. Outputs are produced in NCHW
     * order, which is also the mask's flat order. */
    int8_t *y = output;
    for (int32_t n = 0; n < batch; ++n) {
        for (int32_t o = 0; o < out_channels; ++o) {
            const int32_t first_channel = (o / group_out) * group_in;
            const int8_t *x_group = input + (n * in_channels + first_channel) * in_h * in_w;
            const int8_t *w_o = weight + o * group_in * taps;
            const int32_t b = bias[o];
            const float m = multipliers[o];
            for (int32_t oy = 0; oy < out_h; ++oy) {
                const int32_t iy0 = oy * stride_h - pad_top;
                const int32_t kh_begin = max_i32(0, -iy0);
                const int32_t kh_end = min_i32(kernel_h, in_h - iy0);
                for (int32_t ox = 0; ox < out_w; ++ox) {
                    const int32_t ix0 = ox * stride_w - pad_left;
                    const int32_t kw_begin = max_i32(0, -ix0);
                    const int32_t kw_end = min_i32(kernel_w, in_w - ix0);
                    int32_t acc = 0;
                    for (int32_t c = 0; c < group_in; ++c) {
                        const int8_t *x_c = x_group + c * in_h * in_w;
                        const int8_t *w_c = w_o + c * taps;
                        for (int32_t kh = kh_begin; kh < kh_end; ++kh) {
                            /* Indices, not pointers, because ix0 may be negative. */
                            const int32_t row = (iy0 + kh) * in_w + ix0;
                            const int8_t *w_row = w_c + kh * kernel_w;
                            for (int32_t kw = kw_begin; kw < kw_end; ++kw) {
                                acc += ((int32_t)x_c[row + kw] - input_zero) * w_row[kw];
                            }
                        }
                    }
                    conv_output(y++, &bits, tt_saturating_add_i32(acc, b), m, output_zero);
                }
            }
        }
    }
    mask_end(&bits);
}

/* ------------------------------------------------------------------ add */

void tt_add_s8(const int8_t *lhs, int32_t lhs_zero, float lhs_mult,
               const int8_t *rhs, int32_t rhs_zero, float rhs_mult,
               int32_t output_zero, int8_t *output, uint8_t *mask, int32_t count)
{
    mask_writer bits = mask_begin(mask);
    for (int32_t i = 0; i < count; ++i) {
        const int8_t a = lhs[i];
        const int8_t b = rhs[i];
        const int8_t value = tt_add_requantize(a, lhs_zero, lhs_mult, b, rhs_zero, rhs_mult, output_zero);
        output[i] = value;
        if (mask != NULL) {
            int inside = 1;
            if (value == INT8_MIN || value == INT8_MAX) {
                /* On a rail: redo tt_add_requantize's f32 products and sum. */
                const float a_part = (float)((int32_t)a - lhs_zero) * lhs_mult;
                const float b_part = (float)((int32_t)b - rhs_zero) * rhs_mult;
                inside = rounded_inside_int8(rintf(a_part + b_part), output_zero);
            }
            mask_push(&bits, inside);
        }
    }
    mask_end(&bits);
}

/* ------------------------------------------------------------------ global_avgpool */

void tt_global_avgpool_s8(const int8_t *input, int8_t *output,
                          int32_t batch, int32_t channels, int32_t h, int32_t w)
{
    const int32_t pixels = h * w;
    const int32_t planes = batch * channels;
    for (int32_t plane = 0; plane < planes; ++plane) {
        const int8_t *x = input + plane * pixels;
        int32_t sum = 0; /* |sum| <= 128 * pixels: exact for any realistic plane */
        for (int32_t p = 0; p < pixels; ++p) {
            sum += x[p];
        }
        /* The rounded mean of int8 values is an int8 value; clamp anyway. */
        const int32_t mean = tt_div_round_half_even(sum, pixels);
        output[plane] = (int8_t)max_i32(INT8_MIN, min_i32(INT8_MAX, mean));
    }
}

/* ------------------------------------------------------------------ dequantize */

void tt_dequantize_s8(const int8_t *input, int32_t zero, float scale, float *output, int32_t count)
{
    /* Back to front: with output == input, float i overwrites int8 elements
     * 4i..4i+3, which are read already. */
    for (int32_t i = count - 1; i >= 0; --i) {
        const float centered = (float)((int32_t)input[i] - zero);
        output[i] = centered * scale;
    }
}

/* ------------------------------------------------------------------ linear */

void tt_linear_f32(const float *input, const float *weight, const float *bias, float *output,
                   int32_t batch, int32_t in_features, int32_t out_features)
{
    for (int32_t n = 0; n < batch; ++n) {
        const float *x = input + n * in_features;
        for (int32_t o = 0; o < out_features; ++o) {
            const float *w = weight + o * in_features;
            float acc = 0.0f;
            for (int32_t k = 0; k < in_features; ++k) {
                acc += x[k] * w[k];
            }
            output[n * out_features + o] = acc + bias[o];
        }
    }
}

/* ------------------------------------------------------------------ slice_channels */

void tt_slice_channels_s8(const int8_t *input, int8_t *output, int32_t batch, int32_t channels,
                          int32_t kept_channels, int32_t h, int32_t w)
{
    const size_t kept = (size_t)kept_channels * (size_t)h * (size_t)w;
    const size_t stride = (size_t)channels * (size_t)h * (size_t)w;
    for (int32_t n = 0; n < batch; ++n) {
        /* memmove: in place the slices slide towards the front and may overlap. */
        if (output + (size_t)n * kept != input + (size_t)n * stride) {
            memmove(output + (size_t)n * kept, input + (size_t)n * stride, kept);
        }
    }
}
