/*
 * Depthwise (one input channel per output channel) int8 KxK convs, K in
 * {3, 5, 7}: per channel the plane is widened once into a zero-padded scratch
 * of x - input_zero (padding is real zero; TT_DW_SCRATCH int16 elements, 1 KB
 * of stack), so every window is whole and the taps need no bounds. The taps
 * of a row go in pairs (w[2j], w[2j + 1]) as int16 halves of one word,
 * multiplied with two adjacent pixels by SMLAD; an odd last tap by a plain
 * multiply. Exact integer sums, as the general path. The channel's input is
 * read into the scratch before its output is written, channels in ascending
 * order (the channel order of tt_kernels.h).
 */
#include "../internal/tt_conv2d_internal.h"
#include "../internal/tt_support.h"

/* One channel's outputs from the padded scratch (row length `srow`).
 * Per kernel row, `taps` holds K + 1 words: first the pairs (w[2j], w[2j + 1])
 * and the odd last tap w[K - 1], then w[0] alone and the pairs
 * (w[2j + 1], w[2j + 2]). With stride 1, two neighbouring outputs share the
 * pixel words of a row: the left one takes the first set against the words
 * at even offsets, the right one w[0] against the high half of the first word
 * and the second set against the words that follow. */
static TT_ALWAYS_INLINE void dw_plane_k(const int16_t *scratch, int32_t srow, const uint32_t *taps, int32_t K,
                                        int32_t stride, int32_t out_h, int32_t out_w, int32_t b, float m,
                                        int32_t output_zero, int8_t *y, mask_writer *bits)
{
    const int32_t H = K / 2; /* K is odd */
    for (int32_t oy = 0; oy < out_h; ++oy) {
        const int16_t *row = scratch + oy * stride * srow;
        int32_t ox = 0;
        if (stride == 1) {
            for (; ox + 2 <= out_w; ox += 2) {
                const int16_t *p = row + ox;
                int32_t acc0 = 0, acc1 = 0;
                for (int32_t kh = 0; kh < K; ++kh) {
                    const uint32_t *t = taps + kh * (K + 1);
                    uint32_t word = tt_read_u32(p);
                    acc0 = tt_smlad(word, t[0], acc0);
                    acc1 = tt_smlatb(word, t[H + 1], acc1);
                    for (int32_t j = 1; j < H; ++j) {
                        word = tt_read_u32(p + 2 * j);
                        acc0 = tt_smlad(word, t[j], acc0);
                        acc1 = tt_smlad(word, t[H + 1 + j], acc1);
                    }
                    word = tt_read_u32(p + 2 * H);
                    acc0 = tt_smlabb(word, t[H], acc0);
                    acc1 = tt_smlad(word, t[2 * H + 1], acc1);
                    p += srow;
                }
                tt_conv_output(y++, bits, tt_sat_add_i32(acc0, b), m, output_zero);
                tt_conv_output(y++, bits, tt_sat_add_i32(acc1, b), m, output_zero);
            }
        }
        for (; ox < out_w; ++ox) {
            const int16_t *p = row + ox * stride;
            int32_t acc = 0;
            for (int32_t kh = 0; kh < K; ++kh) {
                const uint32_t *t = taps + kh * (K + 1);
                for (int32_t j = 0; j < H; ++j) {
                    acc = tt_smlad(tt_read_u32(p + 2 * j), t[j], acc);
                }
                acc += (int32_t)p[K - 1] * (int32_t)(int16_t)t[H];
                p += srow;
            }
            tt_conv_output(y++, bits, tt_sat_add_i32(acc, b), m, output_zero);
        }
    }
}

/* Planes whose padded size does not fit the scratch go in bands of output
 * rows: the scratch then holds the band's input rows (out-of-range rows as
 * zero), srow * band_rows <= TT_DW_SCRATCH. The output of a channel never reaches
 * its own input (it starts one output channel below the input at the lowest, and
 * an output plane is no larger than an input plane), so a band may be written
 * while later rows of the channel's input are still to be read. */
int tt_depthwise_conv2d_s8_fits(const tt_conv_shape *s)
{
    const int32_t K = s->kernel_h;
    return s->group_in == 1 && s->group_out == 1 && s->kernel_h == s->kernel_w && (K == 3 || K == 5 || K == 7) &&
           s->stride_h == s->stride_w && (s->stride_h == 1 || s->stride_h == 2) && s->pad_top >= 0 &&
           s->pad_left >= 0 && s->pad_bottom >= 0 && s->pad_right >= 0 && s->input_zero >= -255 &&
           s->input_zero <= 255 && s->out_h > 0 && s->out_w > 0 &&
           (s->in_w + s->pad_left + s->pad_right) * K <= TT_DW_SCRATCH;
}

void tt_depthwise_conv2d_s8(const tt_conv_shape *s, const int8_t *input, const int8_t *weight,
                            const int32_t *bias, const float *multipliers, int8_t *output, uint8_t *mask)
{
    mask_writer writer = mask_begin(mask);
    mask_writer *bits = &writer;
    const int32_t batch = s->batch, channels = s->in_channels, in_h = s->in_h, in_w = s->in_w;
    const int32_t K = s->kernel_h, stride = s->stride_h, pad_top = s->pad_top, pad_left = s->pad_left;
    const int32_t input_zero = s->input_zero, output_zero = s->output_zero;
    const int32_t out_h = s->out_h, out_w = s->out_w;
    const int32_t srow = in_w + s->pad_left + s->pad_right, scols = in_h + s->pad_top + s->pad_bottom;
    int16_t scratch[TT_DW_SCRATCH];
    uint32_t taps[TT_DW_MAX_K * (TT_DW_MAX_K + 1)];
    const int32_t plane = in_h * in_w;
    /* Output rows per band: (band - 1) * stride + K input rows fit the scratch. */
    const int banded = srow * scols > TT_DW_SCRATCH;
    const int32_t band = banded ? tt_min_i32(out_h, (TT_DW_SCRATCH / srow - K) / stride + 1) : out_h;
    const int32_t band_rows = (band - 1) * stride + K;
    memset(scratch, 0, (size_t)(srow * (banded ? band_rows : scols)) * sizeof scratch[0]);
    for (int32_t n = 0; n < batch; ++n) {
        for (int32_t c = 0; c < channels; ++c) {
            const int8_t *x = input + (n * channels + c) * plane;
            int8_t *y = output + (n * channels + c) * out_h * out_w;
            const int8_t *w = weight + c * K * K;
            for (int32_t kh = 0; kh < K; ++kh) {
                const int8_t *wr = w + kh * K;
                uint32_t *t = taps + kh * (K + 1);
                for (int32_t j = 0; j < K / 2; ++j) {
                    t[j] = tt_pack_s16x2(wr[2 * j], wr[2 * j + 1]);
                    t[K / 2 + 2 + j] = tt_pack_s16x2(wr[2 * j + 1], wr[2 * j + 2]);
                }
                t[K / 2] = (uint32_t)(uint16_t)(int16_t)wr[K - 1];
                t[K / 2 + 1] = (uint32_t)(uint16_t)(int16_t)wr[0];
            }
            const int32_t b = bias[c];
            const float m = multipliers[c];
            for (int32_t oy0 = 0; oy0 < out_h; oy0 += band) {
                const int32_t rows_out = tt_min_i32(band, out_h - oy0);
                const int32_t first_row = oy0 * stride - pad_top; /* input row of scratch row 0 */
                const int32_t rows = banded ? (rows_out - 1) * stride + K : in_h + pad_top;
                for (int32_t j = banded ? 0 : pad_top; j < rows; ++j) {
                    const int32_t iy = first_row + j;
                    int16_t *d = scratch + j * srow + pad_left;
                    if (iy < 0 || iy >= in_h) {
                        for (int32_t ix = 0; ix < in_w; ++ix) {
                            d[ix] = 0; /* only banded: rows a previous band may have filled */
                        }
                        continue;
                    }
                    const int8_t *xr = x + iy * in_w;
                    for (int32_t ix = 0; ix < in_w; ++ix) {
                        d[ix] = (int16_t)((int32_t)xr[ix] - input_zero);
                    }
                }
                int8_t *yb = y + oy0 * out_w;
                if (K == 3 && stride == 1) {
                    dw_plane_k(scratch, srow, taps, 3, 1, rows_out, out_w, b, m, output_zero, yb, bits);
                } else if (K == 3) {
                    dw_plane_k(scratch, srow, taps, 3, 2, rows_out, out_w, b, m, output_zero, yb, bits);
                } else if (K == 5 && stride == 1) {
                    dw_plane_k(scratch, srow, taps, 5, 1, rows_out, out_w, b, m, output_zero, yb, bits);
                } else if (K == 5) {
                    dw_plane_k(scratch, srow, taps, 5, 2, rows_out, out_w, b, m, output_zero, yb, bits);
                } else if (stride == 1) {
                    dw_plane_k(scratch, srow, taps, 7, 1, rows_out, out_w, b, m, output_zero, yb, bits);
                } else {
                    dw_plane_k(scratch, srow, taps, 7, 2, rows_out, out_w, b, m, output_zero, yb, bits);
                }
            }
        }
    }
    mask_end(&writer);
}

