/*
 * qtrain.conv2d, depthwise, with Helium (MVE) for the Cortex-M55; the bytes of
 * tt_depthwise_conv2d_s8 / tt_conv2d_generic_s8 (see tt_mve.h).
 *
 * Per channel the input rows are copied into an int8 scratch padded with the
 * input zero point (x - z = 0 there, real zero), so every window is whole and
 * the sum is sum(x * w) - z * sum(w) over all taps. Planes bigger than the
 * scratch go in bands of output rows. Stride 2 along wide rows keeps the even
 * and the odd padded columns apart in each scratch row (VLD2 deinterleaves
 * them), so that every tap loads 4 consecutive bytes there too; narrow rows
 * (below TT_MVE_DW_WIDE outputs) read 4 outputs' taps with one gather instead (byte
 * offsets 0, 2, 4, 6: fewer instructions than deinterleaving their rows, but
 * a gather is slower on the core than a contiguous load). The scratch is
 * tt_depthwise_conv2d_s8_mve_buffer_size bytes on the stack (9.3 KB at most).
 */
#include "../internal/tt_mve.h"

#if TT_HAS_MVE_FP

/* The outputs of a band are cut into "slots" of up to 4 consecutive outputs
 * of one row (a row of out_w outputs has ceil(out_w / 4) slots), and 4
 * consecutive slots make a chunk: one accumulator vector per slot, so narrow
 * planes (out_w 4 or 8, common late in MCUNet) still fill the 4 vectors from
 * several rows. Slots follow each other in flat output order, so a chunk's
 * mask bits are one run. Each tap is one scalar weight load and, per slot, a
 * widening load of 4 inputs (consecutive; stride 2: a gather) and a VMLA. */
typedef struct {
    const int8_t *src; /* scratch address of the slot's first window */
    int32_t at;        /* flat output index (relative to the band) */
    int32_t lanes;     /* 0 (unused slot) .. 4 */
} dw_slot;

TT_MVE_INLINE void dw_chunk(const dw_slot *slot, int32_t srow, const int8_t *w, int32_t KH, int32_t KW, int SW,
                            int32_t init, int32_t bias, float m, int32_t output_zero, int8_t *y, uint8_t *mask,
                            int32_t bit)
{
    int32x4_t a0, a1, a2, a3; /* named, not an array: gcc keeps arrays of vectors in memory */
    a0 = a1 = a2 = a3 = vdupq_n_s32(init);
    const uint32x4_t offsets = {0, 2, 4, 6};
    const int8_t *r0 = slot[0].src, *r1 = slot[1].src, *r2 = slot[2].src, *r3 = slot[3].src;
    for (int32_t kh = 0; kh < KH; ++kh) {
#pragma GCC unroll 7
        for (int32_t kw = 0; kw < KW; ++kw) {
            const int32_t wv = w[kw];
#if defined(__GNUC__) && !defined(__clang__)
            if (SW == 1 && __builtin_constant_p(kw)) {
                /* Immediate offsets from the 4 slot pointers (see dw_run). */
                int32x4_t x;
                __asm__("vldrb.s32 %q[x], [%[r0], %[k]]\n\t"
                        "vmla.s32 %q[a0], %q[x], %[w]\n\t"
                        "vldrb.s32 %q[x], [%[r1], %[k]]\n\t"
                        "vmla.s32 %q[a1], %q[x], %[w]\n\t"
                        "vldrb.s32 %q[x], [%[r2], %[k]]\n\t"
                        "vmla.s32 %q[a2], %q[x], %[w]\n\t"
                        "vldrb.s32 %q[x], [%[r3], %[k]]\n\t"
                        "vmla.s32 %q[a3], %q[x], %[w]"
                        : [a0] "+w"(a0), [a1] "+w"(a1), [a2] "+w"(a2), [a3] "+w"(a3), [x] "=&w"(x)
                        : [r0] "r"(r0), [r1] "r"(r1), [r2] "r"(r2), [r3] "r"(r3), [w] "r"(wv), [k] "n"(kw),
                          "m"(*(const int8_t(*)[4 + 7])r0), "m"(*(const int8_t(*)[4 + 7])r1),
                          "m"(*(const int8_t(*)[4 + 7])r2), "m"(*(const int8_t(*)[4 + 7])r3));
                continue;
            }
#endif
#define DW_TAP(R, A) A = vmlaq_n_s32(A, SW == 1 ? vldrbq_s32(R + kw) : vldrbq_gather_offset_s32(R + kw, offsets), wv)
            DW_TAP(r0, a0);
            DW_TAP(r1, a1);
            DW_TAP(r2, a2);
            DW_TAP(r3, a3);
#undef DW_TAP
        }
        r0 += srow;
        r1 += srow;
        r2 += srow;
        r3 += srow;
        w += KW;
    }
    const int with_mask = mask != NULL;
    const int32_t at = slot[0].at;
    uint32_t bits = store_vec(y + at, a0, slot[0].lanes, bias, m, output_zero, with_mask);
    int32_t n = slot[0].lanes;
    bits |= store_vec(y + slot[1].at, a1, slot[1].lanes, bias, m, output_zero, with_mask) << n;
    n += slot[1].lanes;
    bits |= store_vec(y + slot[2].at, a2, slot[2].lanes, bias, m, output_zero, with_mask) << n;
    n += slot[2].lanes;
    bits |= store_vec(y + slot[3].at, a3, slot[3].lanes, bias, m, output_zero, with_mask) << n;
    n += slot[3].lanes;
    if (with_mask) {
        mask_put(mask, bit + at, bits, n);
    }
}

/* `lanes` (1..16) outputs of one output row: NV vectors of 4, KH x KW taps
 * (KW constant when known), column stride SW (1 or 2). */
TT_MVE_INLINE void dw_run(const int8_t *row, int32_t srow, int32_t half, const int8_t *w, int32_t KH, int32_t KW, int SW,
                          int NV,
                          int32_t init, int32_t lanes, int32_t bias, float m, int32_t output_zero, int8_t *y,
                          uint8_t *mask, int32_t bit)
{
    int32x4_t a0, a1, a2, a3; /* named, not an array: gcc keeps arrays of vectors in memory */
    a0 = a1 = a2 = a3 = vdupq_n_s32(init);
    /* One pointer per vector: the taps are then immediate offsets (gcc 12 does
     * not fold a sum of two constants into an MVE load's offset). */
    const int8_t *r0 = row, *r1 = row + 4, *r2 = row + 8, *r3 = row + 12;
    for (int32_t kh = 0; kh < KH; ++kh) {
#pragma GCC unroll 7
        for (int32_t kw = 0; kw < KW; ++kw) {
            const int32_t wv = w[kw];
#if defined(__GNUC__) && !defined(__clang__)
            if (NV == 4 && __builtin_constant_p(kw)) {
                /* The common full run: 4 loads at immediate offsets from one
                 * pointer (gcc 12 would materialise each address). Stride 2:
                 * the even or the odd columns, by the parity of kw. */
                const int8_t *base = SW == 1 ? r0 : (kw & 1) ? r0 + half : r0;
                const int32_t k = SW == 1 ? kw : kw >> 1;
                int32x4_t x;
                __asm__("vldrb.s32 %q[x], [%[r], %[o0]]\n\t"
                        "vmla.s32 %q[a0], %q[x], %[w]\n\t"
                        "vldrb.s32 %q[x], [%[r], %[o1]]\n\t"
                        "vmla.s32 %q[a1], %q[x], %[w]\n\t"
                        "vldrb.s32 %q[x], [%[r], %[o2]]\n\t"
                        "vmla.s32 %q[a2], %q[x], %[w]\n\t"
                        "vldrb.s32 %q[x], [%[r], %[o3]]\n\t"
                        "vmla.s32 %q[a3], %q[x], %[w]"
                        : [a0] "+w"(a0), [a1] "+w"(a1), [a2] "+w"(a2), [a3] "+w"(a3), [x] "=&w"(x)
                        : [r] "r"(base), [w] "r"(wv), [o0] "n"(k), [o1] "n"(k + 4), [o2] "n"(k + 8),
                          [o3] "n"(k + 12), "m"(*(const int8_t(*)[16 + 7])base));
                continue;
            }
#endif
#define DW_TAP(V, R, A)                                                                                              \
    if (NV > V) {                                                                                                    \
        A = vmlaq_n_s32(A, vldrbq_s32(SW == 1 ? R + kw : R + ((kw & 1) ? half : 0) + (kw >> 1)), wv);               \
    }
            DW_TAP(0, r0, a0)
            DW_TAP(1, r1, a1)
            DW_TAP(2, r2, a2)
            DW_TAP(3, r3, a3)
#undef DW_TAP
        }
        r0 += srow;
        r1 += srow;
        r2 += srow;
        r3 += srow;
        w += KW;
    }
    store_run(y, mask, bit, NV, lanes, a0, a1, a2, a3, bias, m, output_zero);
}

/* One output row of out_w outputs: chunks of 16, then one of 4, 8 or 12 (the
 * last vector predicated). */
TT_MVE_INLINE void dw_wide_row(const int8_t *row, int32_t srow, int32_t half, const int8_t *w, int32_t KH, int32_t KW, int SW, int32_t init,
                               int32_t out_w, int32_t bias, float m, int32_t oz, int8_t *y, uint8_t *mask, int32_t bit)
{
    int32_t ox = 0;
    for (; ox + 16 <= out_w; ox += 16) {
        dw_run(row + ox, srow, half, w, KH, KW, SW, 4, init, 16, bias, m, oz, y + ox, mask, bit + ox);
    }
    const int32_t rest = out_w - ox;
    const int32_t nv = (rest + 3) / 4;
    const int8_t *r = row + ox;
    if (nv == 1) {
        dw_run(r, srow, half, w, KH, KW, SW, 1, init, rest, bias, m, oz, y + ox, mask, bit + ox);
    } else if (nv == 2) {
        dw_run(r, srow, half, w, KH, KW, SW, 2, init, rest, bias, m, oz, y + ox, mask, bit + ox);
    } else if (nv == 3) {
        dw_run(r, srow, half, w, KH, KW, SW, 3, init, rest, bias, m, oz, y + ox, mask, bit + ox);
    } else if (nv == 4) {
        dw_run(r, srow, half, w, KH, KW, SW, 4, init, rest, bias, m, oz, y + ox, mask, bit + ox);
    }
}

/* The band's rows (rows x out_w outputs), specialised per (KW, SW): constant
 * tap counts unroll. */
#define DW_ROWS(NAME, KW_CONST, SW)                                                                                  \
    TT_MVE_HOT void NAME(const int8_t *s, int32_t srow, int32_t half, int32_t sh, const int8_t *w,                       \
                                               int32_t KH, int32_t KW, int32_t init, int32_t rows, int32_t out_w,   \
                                               int32_t bias, float m, int32_t oz, int8_t *y, uint8_t *mask,         \
                                               int32_t bit)                                                         \
    {                                                                                                                \
        if (out_w >= TT_MVE_DW_WIDE) { /* wide rows: runs of 16 along the row */                                                \
            for (int32_t oy = 0; oy < rows; ++oy) {                                                                  \
                dw_wide_row(s + oy * sh * srow, srow, half, w, KH, KW_CONST, SW, init, out_w, bias, m, oz, y + oy * out_w, \
                            mask, bit + oy * out_w);                                                                 \
            }                                                                                                        \
            return;                                                                                                  \
        }                                                                                                            \
        int32_t oy = 0, ox = 0;                                                                                      \
        while (oy < rows) {                                                                                          \
            dw_slot slot[4];                                                                                         \
            for (int i = 0; i < 4; ++i) {                                                                            \
                if (oy < rows) {                                                                                     \
                    const int32_t left = out_w - ox;                                                                 \
                    slot[i].src = s + oy * sh * srow + ox * SW;                                                      \
                    slot[i].at = oy * out_w + ox;                                                                    \
                    slot[i].lanes = left < 4 ? left : 4;                                                             \
                    ox += 4;                                                                                         \
                    if (ox >= out_w) {                                                                               \
                        ox = 0;                                                                                      \
                        ++oy;                                                                                        \
                    }                                                                                                \
                } else {                                                                                             \
                    slot[i] = slot[0];                                                                               \
                    slot[i].lanes = 0;                                                                               \
                }                                                                                                    \
            }                                                                                                        \
            dw_chunk(slot, srow, w, KH, KW_CONST, SW, init, bias, m, oz, y, mask, bit);                             \
        }                                                                                                            \
        (void)KW;                                                                                                    \
        (void)half;                                                                                                  \
    }
DW_ROWS(dw_rows_3s1, 3, 1)
DW_ROWS(dw_rows_3s2, 3, 2)
DW_ROWS(dw_rows_5s1, 5, 1)
DW_ROWS(dw_rows_5s2, 5, 2)
DW_ROWS(dw_rows_7s1, 7, 1)
DW_ROWS(dw_rows_7s2, 7, 2)
DW_ROWS(dw_rows_ks1, KW, 1)
DW_ROWS(dw_rows_ks2, KW, 2)
#undef DW_ROWS

/* How a shape's rows sit in the scratch. Stride 2 along wide rows: each
 * scratch row holds the even padded columns, then (at `half`) the odd ones, so
 * the taps of 4 neighbouring outputs are 4 consecutive bytes (a tap kw reads
 * half * (kw & 1) + kw / 2 + ox). */
typedef struct {
    int deinterleave;
    int32_t padded_w, half, srow; /* srow: bytes per scratch row */
} dw_layout;

static dw_layout dw_layout_of(const tt_conv_shape *s)
{
    dw_layout l;
    l.padded_w = s->in_w + s->pad_left + s->pad_right;
    l.deinterleave = s->stride_w == 2 && s->out_w >= TT_MVE_DW_WIDE;
    l.half = l.deinterleave ? (l.padded_w + 1) / 2 : 0;
    l.srow = l.deinterleave ? 2 * l.half : l.padded_w;
    return l;
}

int tt_depthwise_conv2d_s8_mve_fits(const tt_conv_shape *s)
{
    if (s->groups < 1 || s->groups != s->in_channels || s->out_channels != s->in_channels || s->kernel_h < 1 ||
        s->kernel_w < 1 || (s->stride_h != 1 && s->stride_h != 2) || (s->stride_w != 1 && s->stride_w != 2) ||
        s->pad_top < 0 || s->pad_left < 0 || s->pad_bottom < 0 || s->pad_right < 0 || s->input_zero < -128 ||
        s->input_zero > 127 || s->out_h <= 0 || s->out_w <= 0) {
        return 0;
    }
    const dw_layout l = dw_layout_of(s);
    return l.srow * s->kernel_h <= TT_MVE_DW_SCRATCH && (!l.deinterleave || l.padded_w <= TT_MVE_DW_LINE);
}

int32_t tt_depthwise_conv2d_s8_mve_buffer_size(const tt_conv_shape *s)
{
    return TT_MVE_DW_SCRATCH + TT_MVE_DW_SLACK + (dw_layout_of(s).deinterleave ? TT_MVE_DW_LINE + 32 : 1);
}

void tt_depthwise_conv2d_s8_mve(const tt_conv_shape *s, const int8_t *input, const int8_t *weight,
                                const int32_t *bias, const float *multipliers, int8_t *output, uint8_t *mask)
{
    const dw_layout l = dw_layout_of(s);
    const int deinterleave = l.deinterleave;
    const int32_t padded_w = l.padded_w, half = l.half, srow = l.srow;
    const int32_t batch = s->batch, in_channels = s->in_channels, in_h = s->in_h, in_w = s->in_w;
    const int32_t kernel_h = s->kernel_h, kernel_w = s->kernel_w, stride_h = s->stride_h, stride_w = s->stride_w;
    const int32_t pad_top = s->pad_top, pad_left = s->pad_left;
    const int32_t input_zero = s->input_zero, output_zero = s->output_zero;
    const int32_t out_h = s->out_h, out_w = s->out_w;
    int8_t scratch[TT_MVE_DW_SCRATCH + TT_MVE_DW_SLACK];
    int8_t line[deinterleave ? TT_MVE_DW_LINE + 32 : 1]; /* one padded input row, for the deinterleave */
    if (deinterleave) {
        fill_bytes(line, (int8_t)input_zero, TT_MVE_DW_LINE + 32);
    }
    /* Output rows per band: (band - 1) * stride_h + kernel_h input rows fit. */
    int32_t band = (TT_MVE_DW_SCRATCH / srow - kernel_h) / stride_h + 1;
    if (band > out_h) {
        band = out_h;
    }
    const int32_t band_rows = (band - 1) * stride_h + kernel_h;
    /* Padding columns (and rows outside the input) hold the zero point; the
     * slack is set too, so the lanes computed past a row's end read defined bytes. */
    fill_bytes(scratch, (int8_t)input_zero, band_rows * srow + TT_MVE_DW_SLACK);
    const int32_t taps = kernel_h * kernel_w;
    const int32_t plane = in_h * in_w;
    for (int32_t n = 0; n < batch; ++n) {
        for (int32_t c = 0; c < in_channels; ++c) {
            const int8_t *x = input + (n * in_channels + c) * plane;
            const int8_t *w = weight + c * taps;
            const int32_t bit = (n * in_channels + c) * out_h * out_w;
            const int32_t init = -input_zero * weight_sum(w, taps);
            for (int32_t oy0 = 0; oy0 < out_h; oy0 += band) {
                const int32_t rows_out = out_h - oy0 < band ? out_h - oy0 : band;
                const int32_t first_row = oy0 * stride_h - pad_top;
                const int32_t rows = (rows_out - 1) * stride_h + kernel_h;
                for (int32_t j = 0; j < rows; ++j) {
                    const int32_t iy = first_row + j;
                    int8_t *row = scratch + j * srow;
                    if (iy < 0 || iy >= in_h) {
                        if (band < out_h) {
                            fill_bytes(row, (int8_t)input_zero, srow); /* a previous band may have filled it */
                        }
                    } else if (!deinterleave) {
                        copy_bytes(row + pad_left, x + iy * in_w, in_w);
                    } else {
                        /* VLD2 splits 32 padded bytes into 16 even and 16 odd columns. */
                        copy_bytes(line + pad_left, x + iy * in_w, in_w);
                        const int32_t cols = (padded_w + 1) / 2; /* <= half */
                        for (int32_t i = 0; i < cols; i += 16) {
                            const int8x16x2_t parts = vld2q_s8(line + 2 * i);
                            const mve_pred16_t live = vctp8q((uint32_t)(cols - i));
                            vstrbq_p_s8(row + i, parts.val[0], live);
                            vstrbq_p_s8(row + half + i, parts.val[1], live);
                        }
                    }
                }
                const int32_t b = bias[c];
                const float m = multipliers[c];
                int8_t *y = output + bit + oy0 * out_w;
                const int32_t at = bit + oy0 * out_w;
#define DW_CALL(F) F(scratch, srow, half, stride_h, w, kernel_h, kernel_w, init, rows_out, out_w, b, m, output_zero, y, mask, at)
                if (stride_w == 1) {
                    if (kernel_w == 3) {
                        DW_CALL(dw_rows_3s1);
                    } else if (kernel_w == 5) {
                        DW_CALL(dw_rows_5s1);
                    } else if (kernel_w == 7) {
                        DW_CALL(dw_rows_7s1);
                    } else {
                        DW_CALL(dw_rows_ks1);
                    }
                } else {
                    if (kernel_w == 3) {
                        DW_CALL(dw_rows_3s2);
                    } else if (kernel_w == 5) {
                        DW_CALL(dw_rows_5s2);
                    } else if (kernel_w == 7) {
                        DW_CALL(dw_rows_7s2);
                    } else {
                        DW_CALL(dw_rows_ks2);
                    }
                }
#undef DW_CALL
            }
        }
    }
    mask_finish(mask, batch * in_channels * out_h * out_w);
}

#endif /* TT_HAS_MVE_FP */
