/*
 * int8 conv of any shape (regular, grouped, depthwise; any kernel, stride,
 * padding). Per output row and column only the kernel taps that land inside
 * the input are visited (padding is real zero and adds nothing), so the inner
 * loops carry no bounds checks. Outputs are produced in NCHW order, which is
 * also the mask's flat order.
 *
 * Interior outputs, whose whole window lies inside the input, go through
 * interior_row (skipped under TT_NAIVE_KERNELS): no bounds at all, four outputs
 * share each weight load, and the zero point comes out of the sum as in the
 * 1x1 kernel (sum((x - z) * w) = sum(x * w) - z * sum(w), exact under the
 * verifier's bound).
 */
#include "../internal/tt_conv2d_internal.h"
#include "../internal/tt_support.h"

#if TT_FAST_PATHS
/* The window sum of `pixels` outputs spaced `stride` input columns apart:
 * acc[i] = sum over (c, kh, kw) of x[c, kh, i * stride + kw] * w[c, kh, kw],
 * the raw input (the zero point comes off afterwards), KW taps per row. */
static TT_ALWAYS_INLINE void window_sums(int32_t *acc, int32_t pixels, const int8_t *x, int32_t plane,
                                         int32_t row, const int8_t *w, int32_t channels, int32_t kernel_h,
                                         int32_t KW, int32_t stride)
{
    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    for (int32_t c = 0; c < channels; ++c) {
        const int8_t *xr = x + c * plane;
        for (int32_t kh = 0; kh < kernel_h; ++kh) {
            for (int32_t kw = 0; kw < KW; ++kw) {
                const int32_t wv = w[kw];
                a0 += xr[kw] * wv;
                if (pixels > 1) {
                    a1 += xr[kw + stride] * wv;
                }
                if (pixels > 2) {
                    a2 += xr[kw + 2 * stride] * wv;
                }
                if (pixels > 3) {
                    a3 += xr[kw + 3 * stride] * wv;
                }
            }
            xr += row;
            w += KW;
        }
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

/* `count` interior outputs of one output row, every tap inside the input: no
 * bounds checks, and the zero point comes out of the sum as in the pointwise
 * path (sum((x - z) * w) = sum(x * w) - z * sum(w), exact under the verifier's
 * bound). x points at the first window's top-left input of channel 0. */
static TT_ALWAYS_INLINE void interior_row_k(const int8_t *x, int32_t plane, int32_t row, const int8_t *w,
                                            int32_t channels, int32_t kernel_h, int32_t KW, int32_t stride,
                                            int32_t count, int32_t zero_term, int32_t b, float m,
                                            int32_t output_zero, int8_t *y, mask_writer *bits)
{
    int32_t acc[4];
    int32_t i = 0;
    for (; i + 4 <= count; i += 4) {
        window_sums(acc, 4, x + i * stride, plane, row, w, channels, kernel_h, KW, stride);
        for (int32_t j = 0; j < 4; ++j) {
            tt_conv_output(y + i + j, bits, tt_sat_add_i32(acc[j] - zero_term, b), m, output_zero);
        }
    }
    for (; i < count; ++i) {
        window_sums(acc, 1, x + i * stride, plane, row, w, channels, kernel_h, KW, stride);
        tt_conv_output(y + i, bits, tt_sat_add_i32(acc[0] - zero_term, b), m, output_zero);
    }
}

static void interior_row(const int8_t *x, int32_t plane, int32_t row, const int8_t *w, int32_t channels,
                         int32_t kernel_h, int32_t kernel_w, int32_t stride, int32_t count, int32_t zero_term,
                         int32_t b, float m, int32_t output_zero, int8_t *y, mask_writer *bits)
{
    /* Constant kernel widths and strides unroll the tap loop. */
    if (kernel_w == 3 && stride == 1) {
        interior_row_k(x, plane, row, w, channels, kernel_h, 3, 1, count, zero_term, b, m, output_zero, y, bits);
    } else if (kernel_w == 3 && stride == 2) {
        interior_row_k(x, plane, row, w, channels, kernel_h, 3, 2, count, zero_term, b, m, output_zero, y, bits);
    } else if (kernel_w == 5 && stride == 1) {
        interior_row_k(x, plane, row, w, channels, kernel_h, 5, 1, count, zero_term, b, m, output_zero, y, bits);
    } else if (kernel_w == 5 && stride == 2) {
        interior_row_k(x, plane, row, w, channels, kernel_h, 5, 2, count, zero_term, b, m, output_zero, y, bits);
    } else if (kernel_w == 7 && stride == 1) {
        interior_row_k(x, plane, row, w, channels, kernel_h, 7, 1, count, zero_term, b, m, output_zero, y, bits);
    } else if (kernel_w == 7 && stride == 2) {
        interior_row_k(x, plane, row, w, channels, kernel_h, 7, 2, count, zero_term, b, m, output_zero, y, bits);
    } else {
        interior_row_k(x, plane, row, w, channels, kernel_h, kernel_w, stride, count, zero_term, b, m, output_zero,
                       y, bits);
    }
}
#endif

void tt_conv2d_generic_s8(const tt_conv_shape *s, const int8_t *input, const int8_t *weight, const int32_t *bias,
                          const float *multipliers, int8_t *output, uint8_t *mask)
{
    mask_writer writer = mask_begin(mask);
    mask_writer *bits = &writer;
    const int32_t batch = s->batch, out_channels = s->out_channels;
    const int32_t in_channels = s->in_channels, in_h = s->in_h, in_w = s->in_w;
    const int32_t kernel_h = s->kernel_h, kernel_w = s->kernel_w, stride_h = s->stride_h, stride_w = s->stride_w;
    const int32_t pad_top = s->pad_top, pad_left = s->pad_left;
    const int32_t out_h = s->out_h, out_w = s->out_w, group_in = s->group_in, group_out = s->group_out;
    const int32_t taps = s->taps, input_zero = s->input_zero, output_zero = s->output_zero;
    int8_t *y = output;
#if TT_FAST_PATHS
    const int32_t oy_inner_begin = tt_ceil_div(pad_top, stride_h);
    const int32_t oy_inner_end = tt_max_i32(oy_inner_begin, tt_min_i32(out_h, tt_floor_div(in_h + pad_top - kernel_h, stride_h) + 1));
    const int32_t ox_inner_begin = tt_min_i32(out_w, tt_ceil_div(pad_left, stride_w));
    const int32_t ox_inner_end = tt_max_i32(ox_inner_begin, tt_min_i32(out_w, tt_floor_div(in_w + pad_left - kernel_w, stride_w) + 1));
    const int has_interior = oy_inner_end > oy_inner_begin && ox_inner_end > ox_inner_begin;
#endif
    for (int32_t n = 0; n < batch; ++n) {
        for (int32_t o = 0; o < out_channels; ++o) {
            const int32_t first_channel = (o / group_out) * group_in;
            const int8_t *x_group = input + (n * in_channels + first_channel) * in_h * in_w;
            const int8_t *w_o = weight + o * group_in * taps;
            const int32_t b = bias[o];
            const float m = multipliers[o];
#if TT_FAST_PATHS
            int32_t weight_sum = 0; /* only needed when there are interior outputs */
            for (int32_t i = 0; has_interior && i < group_in * taps; ++i) {
                weight_sum += w_o[i];
            }
            const int32_t zero_term = input_zero * weight_sum;
#endif
            for (int32_t oy = 0; oy < out_h; ++oy) {
                const int32_t iy0 = oy * stride_h - pad_top;
                const int32_t kh_begin = tt_max_i32(0, -iy0);
                const int32_t kh_end = tt_min_i32(kernel_h, in_h - iy0);
                for (int32_t ox = 0; ox < out_w; ++ox) {
#if TT_FAST_PATHS
                    if (ox == ox_inner_begin && oy >= oy_inner_begin && oy < oy_inner_end && has_interior) {
                        const int32_t count = ox_inner_end - ox_inner_begin;
                        interior_row(x_group + iy0 * in_w + (ox * stride_w - pad_left), in_h * in_w, in_w, w_o,
                                     group_in, kernel_h, kernel_w, stride_w, count, zero_term, b, m, output_zero,
                                     y, bits);
                        y += count;
                        ox = ox_inner_end - 1;
                        continue;
                    }
#endif
                    const int32_t ix0 = ox * stride_w - pad_left;
                    const int32_t kw_begin = tt_max_i32(0, -ix0);
                    const int32_t kw_end = tt_min_i32(kernel_w, in_w - ix0);
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
                    tt_conv_output(y++, bits, tt_sat_add_i32(acc, b), m, output_zero);
                }
            }
        }
    }
    mask_end(&writer);
}
