/*
 * Test and benchmark program for the runtime's Helium (MVE) kernels on the
 * Cortex-M55 board (corstone-300, QEMU mps3-an547), linked with the real
 * runtime by qemu.cross_build. It calls the public entry points
 * (tt_conv2d_s8, tt_sgd_update_s8/_s32, tt_sgd_update_rows_s8/_s32) and prints
 * one line per case, "case <name> <digest> ...", the digest being FNV-1a of
 * every byte the case wrote or must leave alone (outputs and 16 bytes after,
 * the clamp mask and 4 bytes after, parameters, saturation counts).
 * test/mve/mve_qemu.py builds it twice, with the Helium kernels and with
 * TT_NO_MVE (the portable kernels), and compares the lines: equal digests
 * mean the same bytes. In the image itself it checks that the result does not
 * depend on what the buffers held before (every output and mask byte is
 * written; the bytes after are not) and that depthwise in place gives the
 * out-of-place bytes; a failure prints "FAIL ...".
 *
 * The command comes from the file mve_args.txt in QEMU's working directory
 * (semihosting file I/O; qemu.run_elf's cwd):
 *
 *   check          the fixed cases, 40 random shapes, in place, SGD; "done <failures>"
 *   fuzz N SEED    N more random shapes
 *   bench K REPS   bench case K, REPS times (instructions of REPS 2 - REPS 1: one call)
 *   count          the number of bench cases
 */
#include <stdint.h>
#include <string.h>

#include "semihosting.h"
#include "tt_kernels.h"
#include "../../runtime/src/internal/tt_features.h"

/* ------------------------------------------------------------ command */

static char command[128];

static void read_command(void)
{
    command[0] = '\0';
    const int32_t file = tt_file_open("mve_args.txt", TT_FILE_READ);
    if (file < 0) {
        return;
    }
    const int32_t got = tt_file_read(file, command, sizeof command - 1);
    command[got > 0 ? got : 0] = '\0';
    tt_file_close(file);
}

/* The n-th space-separated word of the command ("" when missing). */
static const char *word(int n, char *out, int size)
{
    const char *s = command;
    for (;;) {
        while (*s == ' ' || *s == '\n') {
            ++s;
        }
        if (*s == '\0') {
            out[0] = '\0';
            return out;
        }
        int len = 0;
        while (s[len] != '\0' && s[len] != ' ' && s[len] != '\n') {
            ++len;
        }
        if (n-- == 0) {
            if (len >= size) {
                len = size - 1;
            }
            memcpy(out, s, (size_t)len);
            out[len] = '\0';
            return out;
        }
        s += len;
    }
}

static int32_t to_int(const char *s)
{
    int32_t v = 0;
    while (*s >= '0' && *s <= '9') {
        v = v * 10 + (*s++ - '0');
    }
    return v;
}

/* ------------------------------------------------------------ data */

static uint32_t rng_state = 1u;

static uint32_t rng(void)
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return rng_state ^ (rng_state >> 15);
}

static int32_t rng_range(int32_t lo, int32_t hi) /* inclusive */
{
    return lo + (int32_t)(rng() % (uint32_t)(hi - lo + 1));
}

#define MAX_ACT (64 * 1024)
#define MAX_W (48 * 1024)
#define MAX_CH 640
#define MAX_MASK (MAX_ACT / 8 + 16)
#define MAX_GRAD 12288
#define OUT_GUARD 16 /* bytes after the outputs that must keep their fill */
#define MASK_GUARD 4

static int8_t input[MAX_ACT];
static int8_t weight[MAX_W];
static int32_t bias[MAX_CH];
static float mults[MAX_CH];
static int8_t out_a[MAX_ACT + OUT_GUARD];
static int8_t out_b[MAX_ACT + OUT_GUARD];
static uint8_t mask_a[MAX_MASK];
static uint8_t mask_b[MAX_MASK];
static float grad[MAX_GRAD];
static int8_t param8[MAX_GRAD];
static int32_t param32[MAX_GRAD / 4];

typedef struct {
    const char *name;
    int32_t batch, in_c, in_h, in_w, out_c, kh, kw, sh, sw, pt, pl, pb, pr, groups;
    int32_t input_zero, output_zero;
    int mode; /* 0 random, 1 saturating (large multipliers and biases), 2 ties (multiplier 0.5) */
    int with_mask;
} conv_case;

static void fill_conv(const conv_case *k)
{
    const int32_t in_count = k->batch * k->in_c * k->in_h * k->in_w;
    const int32_t taps = (k->in_c / k->groups) * k->kh * k->kw;
    const int32_t w_count = k->out_c * taps;
    const int small = k->mode == 2; /* ties: small values keep acc * 0.5 off the rails */
    for (int32_t i = 0; i < in_count; ++i) {
        const uint32_t r = rng();
        /* mostly random, some rails */
        input[i] = small ? (int8_t)((int32_t)(r % 9u) - 4 + k->input_zero)
                         : (r & 7u) == 0 ? ((r & 8u) ? 127 : -128) : (int8_t)(r >> 8);
    }
    for (int32_t i = 0; i < w_count; ++i) {
        const uint32_t r = rng();
        weight[i] = small ? (int8_t)((int32_t)(r % 7u) - 3)
                          : (r & 15u) == 0 ? ((r & 16u) ? 127 : -128) : (int8_t)(r >> 8);
    }
    /* |acc| is about 75 * 75 * sqrt(taps) for uniform int8 data: scale so that
     * outputs spread over the int8 range and a few clamp. */
    float spread = 1.0f;
    while (spread * spread < (float)taps) {
        spread += 1.0f;
    }
    for (int32_t o = 0; o < k->out_c; ++o) {
        if (k->mode == 1) {
            /* biases near the int32 rails saturate sat_add; big multipliers the int32 rint */
            const uint32_t r = rng() % 4u;
            bias[o] = r == 0 ? INT32_MAX - rng_range(0, 1000) : r == 1 ? INT32_MIN + rng_range(0, 1000)
                                                                        : rng_range(-100000, 100000);
            mults[o] = (rng() & 1u) ? 3.0e5f : 0.37f;
        } else if (k->mode == 2) {
            bias[o] = rng_range(-30, 30);
            mults[o] = (o & 1) ? 0.5f : 1.5f; /* exact ties x.5 for odd accumulators */
        } else {
            bias[o] = rng_range(-5000, 5000);
            mults[o] = (float)rng_range(2, 40) * 1.0e-3f / spread;
        }
    }
}

/* ------------------------------------------------------------ reporting */

static int failures;

static uint32_t fnv1a(uint32_t hash, const void *data, int32_t bytes)
{
    const uint8_t *p = (const uint8_t *)data;
    for (int32_t i = 0; i < bytes; ++i) {
        hash = (hash ^ p[i]) * 16777619u;
    }
    return hash;
}

static void fail(const char *what, const char *name, int32_t index)
{
    tt_print_str("FAIL ");
    tt_print_str(what);
    tt_print_char(' ');
    tt_print_str(name);
    tt_print_str(" at ");
    tt_print_int(index);
    tt_print_char('\n');
    ++failures;
}

static void case_line(const char *name, uint32_t digest)
{
    tt_print_str("case ");
    tt_print_str(name);
    tt_print_char(' ');
    tt_print_hex(digest);
}

/* ------------------------------------------------------------ conv */

typedef struct {
    tt_conv_params conv;
    tt_dims input, filter;
    int32_t out_count;
} conv_call;

static conv_call call_of(const conv_case *k)
{
    conv_call c;
    c.conv.input_zero = k->input_zero;
    c.conv.output_zero = k->output_zero;
    c.conv.stride.h = k->sh;
    c.conv.stride.w = k->sw;
    c.conv.padding.top = k->pt;
    c.conv.padding.left = k->pl;
    c.conv.padding.bottom = k->pb;
    c.conv.padding.right = k->pr;
    c.conv.groups = k->groups;
    c.input.n = k->batch;
    c.input.c = k->in_c;
    c.input.h = k->in_h;
    c.input.w = k->in_w;
    c.filter.n = k->out_c;
    c.filter.c = k->in_c / k->groups;
    c.filter.h = k->kh;
    c.filter.w = k->kw;
    const int32_t out_h = (k->in_h + k->pt + k->pb - k->kh) / k->sh + 1;
    const int32_t out_w = (k->in_w + k->pl + k->pr - k->kw) / k->sw + 1;
    c.out_count = k->batch * k->out_c * out_h * out_w;
    return c;
}

static void conv(const conv_call *c, const int8_t *x, int8_t *y, uint8_t *mask)
{
    const tt_per_channel_quant quant = {mults};
    tt_conv2d_s8(&c->conv, &quant, &c->input, x, &c->filter, weight, bias, y, mask);
}

static void run_conv_case(const conv_case *k, uint32_t seed)
{
    rng_state = seed;
    fill_conv(k);
    const conv_call c = call_of(k);
    const int32_t mask_bytes = k->with_mask ? TT_MASK_BYTES(c.out_count) : 0;
    /* Twice, over different fills: each output and mask byte is written, the guards are not. */
    memset(out_a, 0x11, (size_t)c.out_count + OUT_GUARD);
    memset(out_b, 0x22, (size_t)c.out_count + OUT_GUARD);
    memset(mask_a, 0xa5, (size_t)mask_bytes + MASK_GUARD);
    memset(mask_b, 0x5a, (size_t)mask_bytes + MASK_GUARD);
    conv(&c, input, out_a, k->with_mask ? mask_a : NULL);
    conv(&c, input, out_b, k->with_mask ? mask_b : NULL);
    for (int32_t i = 0; i < c.out_count; ++i) {
        if (out_a[i] != out_b[i]) {
            fail("output-depends-on-fill", k->name, i);
            return;
        }
    }
    for (int32_t i = 0; i < mask_bytes; ++i) {
        if (mask_a[i] != mask_b[i]) {
            fail("mask-depends-on-fill", k->name, i);
            return;
        }
    }
    for (int32_t i = 0; i < OUT_GUARD; ++i) {
        if (out_a[c.out_count + i] != 0x11 || out_b[c.out_count + i] != 0x22) {
            fail("output-guard", k->name, i);
            return;
        }
    }
    for (int32_t i = 0; i < MASK_GUARD && k->with_mask; ++i) {
        if (mask_a[mask_bytes + i] != 0xa5 || mask_b[mask_bytes + i] != 0x5a) {
            fail("mask-guard", k->name, i);
            return;
        }
    }
    uint32_t digest = fnv1a(2166136261u, out_a, c.out_count + OUT_GUARD);
    digest = fnv1a(digest, mask_a, mask_bytes + MASK_GUARD);
    /* How many outputs sat on a rail: shows that the edge cases were reached. */
    int32_t rails = 0;
    for (int32_t i = 0; i < c.out_count; ++i) {
        rails += out_a[i] == 127 || out_a[i] == -128;
    }
    case_line(k->name, digest);
    tt_print_str(" outputs ");
    tt_print_int(c.out_count);
    tt_print_str(" rails ");
    tt_print_int(rails);
    /* The kernel's stack scratch differs between the builds: a line of its own. */
    tt_print_str("\nscratch ");
    tt_print_str(k->name);
    tt_print_char(' ');
    tt_print_int(tt_conv2d_s8_get_buffer_size(&c.conv, &c.input, &c.filter));
    tt_print_char('\n');
}

/* name, batch, in_c, in_h, in_w, out_c, kh, kw, sh, sw, pt, pl, pb, pr, groups, zin, zout, mode, mask */
static const conv_case conv_cases[] = {
    {"pw_48to16_8x8", 1, 48, 8, 8, 16, 1, 1, 1, 1, 0, 0, 0, 0, 1, -5, 3, 0, 1},
    {"pw_16to48_odd_pixels", 1, 16, 5, 7, 48, 1, 1, 1, 1, 0, 0, 0, 0, 1, 12, -7, 0, 1},
    {"pw_odd_channels", 1, 17, 3, 3, 19, 1, 1, 1, 1, 0, 0, 0, 0, 1, -128, 127, 0, 1},
    {"pw_one_out", 1, 33, 4, 5, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1},
    {"pw_two_out_1px", 1, 9, 1, 1, 2, 1, 1, 1, 1, 0, 0, 0, 0, 1, 100, -100, 0, 1},
    {"pw_batch2_groups2", 2, 14, 3, 4, 10, 1, 1, 1, 1, 0, 0, 0, 0, 2, 7, 1, 0, 1},
    {"pw_saturate", 1, 24, 6, 6, 12, 1, 1, 1, 1, 0, 0, 0, 0, 1, -3, 5, 1, 1},
    {"pw_ties", 1, 8, 4, 4, 6, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0, 0, 2, 1},
    {"pw_nomask", 1, 40, 8, 8, 24, 1, 1, 1, 1, 0, 0, 0, 0, 1, 9, -2, 0, 0},
    {"pw_120to24_16x16", 1, 120, 16, 16, 24, 1, 1, 1, 1, 0, 0, 0, 0, 1, -20, 4, 0, 1},
    /* more than PWT_MAX_CHANNELS (640) input channels: the register-blocked path */
    {"pw_700to5_wide", 1, 700, 2, 3, 5, 1, 1, 1, 1, 0, 0, 0, 0, 1, 6, -3, 0, 1},
    {"pw_650to4_groups2_17px", 1, 1300, 1, 17, 8, 1, 1, 1, 1, 0, 0, 0, 0, 2, -1, 2, 0, 1},
    {"pw_641to3_saturate", 2, 641, 3, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0, 0, 1, 1},
    {"dw3_s1_p1_16x16", 1, 8, 16, 16, 8, 3, 3, 1, 1, 1, 1, 1, 1, 8, -6, 2, 0, 1},
    {"dw3_s2_p1_16x16", 1, 8, 16, 16, 8, 3, 3, 2, 2, 1, 1, 1, 1, 8, 11, -1, 0, 1},
    {"dw3_s2_odd_13x11", 1, 5, 13, 11, 5, 3, 3, 2, 2, 1, 1, 1, 1, 5, -128, 0, 0, 1},
    {"dw5_s1_p2_9x7", 1, 3, 9, 7, 3, 5, 5, 1, 1, 2, 2, 2, 2, 3, 127, -128, 0, 1},
    {"dw7_s1_p3_8x8", 1, 6, 8, 8, 6, 7, 7, 1, 1, 3, 3, 3, 3, 6, 4, 4, 0, 1},
    {"dw7_s2_p3_32x32", 1, 3, 32, 32, 3, 7, 7, 2, 2, 3, 3, 3, 3, 3, -9, 6, 0, 1},
    {"dw3_asym_pad_s2", 1, 4, 10, 10, 4, 3, 3, 2, 2, 0, 0, 1, 1, 4, 2, 3, 0, 1},
    {"dw3_mixed_stride", 1, 3, 9, 12, 3, 3, 3, 2, 1, 1, 0, 1, 2, 3, -1, 0, 0, 1},
    {"dw3_s2w_wide_odd", 1, 3, 9, 29, 3, 3, 3, 1, 2, 1, 0, 1, 1, 3, 7, -3, 0, 1},
    {"dw5_s2_wide_pad_left_odd", 1, 2, 11, 40, 2, 5, 5, 2, 2, 2, 1, 2, 2, 2, -7, 1, 0, 1},
    {"dw_1x5_nopad", 1, 2, 6, 21, 2, 1, 5, 1, 1, 0, 0, 0, 0, 2, 5, 0, 0, 1},
    {"dw3_s1_batch2", 2, 4, 6, 6, 4, 3, 3, 1, 1, 1, 1, 1, 1, 4, 0, 0, 0, 1},
    {"dw3_saturate", 1, 4, 12, 12, 4, 3, 3, 1, 1, 1, 1, 1, 1, 4, 20, -20, 1, 1},
    {"dw3_ties", 1, 4, 7, 9, 4, 3, 3, 1, 1, 1, 1, 1, 1, 4, 0, 0, 2, 1},
    {"dw3_banded_80x80", 1, 2, 80, 80, 2, 3, 3, 1, 1, 1, 1, 1, 1, 2, -4, 1, 0, 1},
    {"dw5_banded_s2_120x100", 1, 1, 120, 100, 1, 5, 5, 2, 2, 2, 2, 2, 2, 1, 3, 0, 0, 1},
    {"dw3_nomask", 1, 16, 20, 20, 16, 3, 3, 1, 1, 1, 1, 1, 1, 16, 1, 1, 0, 0},
    {"dw3_1x1_plane", 1, 7, 1, 1, 7, 3, 3, 1, 1, 1, 1, 1, 1, 7, 50, -50, 0, 1},
};

/* Depthwise in place (tt_kernels.h): the output starts one output plane below
 * the input in the same buffer; it must give the out-of-place bytes. */
static int8_t inplace[32 * 1024];

static void run_dw_inplace(const conv_case *k, uint32_t seed)
{
    rng_state = seed;
    fill_conv(k);
    const conv_call c = call_of(k);
    const int32_t out_plane = c.out_count / k->in_c;
    const int32_t in_count = k->in_c * k->in_h * k->in_w;
    const int32_t mask_bytes = TT_MASK_BYTES(c.out_count);
    conv(&c, input, out_a, mask_a);
    memcpy(inplace + out_plane, input, (size_t)in_count);
    conv(&c, inplace + out_plane, inplace, mask_b);
    for (int32_t i = 0; i < c.out_count; ++i) {
        if (inplace[i] != out_a[i]) {
            fail("inplace-output", k->name, i);
            return;
        }
    }
    if (memcmp(mask_a, mask_b, (size_t)mask_bytes) != 0) {
        fail("inplace-mask", k->name, 0);
        return;
    }
    case_line(k->name, fnv1a(fnv1a(2166136261u, inplace, c.out_count), mask_b, mask_bytes));
    tt_print_str(" in place\n");
}

static const conv_case inplace_cases[] = {
    {"inplace_dw3_s1_12x12", 1, 6, 12, 12, 6, 3, 3, 1, 1, 1, 1, 1, 1, 6, -2, 1, 0, 1},
    {"inplace_dw3_s2_16x16", 1, 5, 16, 16, 5, 3, 3, 2, 2, 1, 1, 1, 1, 5, 3, 0, 0, 1},
    {"inplace_dw7_s2_40x40", 1, 3, 40, 40, 3, 7, 7, 2, 2, 3, 3, 3, 3, 3, -5, 2, 0, 1},
    {"inplace_dw5_banded_90x90", 1, 2, 90, 90, 2, 5, 5, 1, 1, 2, 2, 2, 2, 2, 1, -1, 0, 1},
};

/* ------------------------------------------------------------ SGD */

static void fill_sgd(int32_t count, int edge)
{
    for (int32_t i = 0; i < count; ++i) {
        const uint32_t r = rng();
        param8[i] = (r & 7u) == 0 ? ((r & 8u) ? 127 : -128) : (int8_t)(r >> 8);
        const uint32_t kind = edge ? rng() % 10u : 9u;
        union {
            uint32_t u;
            float f;
        } bits;
        switch (kind) {
        case 0: bits.u = 0x7fc00000u; break; /* NaN */
        case 1: bits.u = 0x7f800000u; break; /* +inf */
        case 2: bits.u = 0xff800000u; break; /* -inf */
        case 3: bits.f = (float)rng_range(-400, 400) + 0.5f; break; /* ties of rint (lr 1) */
        case 4: bits.f = (rng() & 1u) ? 3.0e38f : -3.0e38f; break;
        case 5: bits.f = (float)rng_range(-5000000, 5000000) * 1000.0f; break; /* beyond 2^30 and int32 */
        case 6: bits.u = rng() & 0x807fffffu; break; /* denormals */
        case 7: bits.f = (float)rng_range(-300, 300); break;
        default: bits.f = (float)rng_range(-2000000, 2000000) * 1.0e-4f; break;
        }
        grad[i] = bits.f;
    }
}

static void sgd_line(const char *name, uint32_t digest, int32_t saturated)
{
    case_line(name, fnv1a(digest, &saturated, (int32_t)sizeof saturated));
    tt_print_str(" saturated ");
    tt_print_int(saturated);
    tt_print_char('\n');
}

/* int8 weights: tt_sgd_update_s8 (rows < 0: one flat row of row_length) or
 * tt_sgd_update_rows_s8 (rows of row_length, param_row_stride apart). */
static void run_sgd_s8_case(const char *name, int32_t rows, int32_t row_length, int32_t stride, float lr, int edge,
                            uint32_t seed)
{
    rng_state = seed;
    const int32_t count = rows < 0 ? row_length : rows * stride;
    fill_sgd(count, edge);
    const int32_t saturated = rows < 0 ? tt_sgd_update_s8(param8, grad, lr, row_length)
                                       : tt_sgd_update_rows_s8(param8, grad, lr, rows, row_length, stride);
    sgd_line(name, fnv1a(2166136261u, param8, count), saturated);
}

/* int32 biases near the rails, steps near 2^31 that do not saturate, and the
 * edge gradients of fill_sgd. */
static void run_sgd_s32_case(const char *name, int32_t rows, int32_t row_length, int32_t stride, float lr,
                             uint32_t seed)
{
    rng_state = seed;
    const int32_t count = rows < 0 ? row_length : rows * stride;
    fill_sgd(count, 1);
    for (int32_t i = 0; i < count; ++i) {
        const uint32_t r = rng() % 4u;
        param32[i] = r == 0 ? INT32_MAX - rng_range(0, 300) : r == 1 ? INT32_MIN + rng_range(0, 300) : (int32_t)rng();
        /* b near a rail, a step of the other sign */
        if (rng() % 8u == 0) {
            grad[i] = (param32[i] > 0 ? 1.0f : -1.0f) * (float)rng_range(2100, 4000) * 1.0e6f / lr;
        }
    }
    const int32_t saturated = rows < 0 ? tt_sgd_update_s32(param32, grad, lr, row_length)
                                       : tt_sgd_update_rows_s32(param32, grad, lr, rows, row_length, stride);
    sgd_line(name, fnv1a(2166136261u, param32, count * (int32_t)sizeof param32[0]), saturated);
}

/* Random shapes: 1x1 and depthwise, small sizes, all channel/pixel residues. */
static void random_cases(uint32_t count, uint32_t seed)
{
    for (uint32_t s = 0; s < count; ++s) {
        rng_state = seed + s * 31u;
        conv_case k;
        memset(&k, 0, sizeof k);
        k.name = (s & 1u) ? "random_dw" : "random_pw";
        k.batch = 1 + (int32_t)(rng() % 2u);
        k.in_h = rng_range(1, 13);
        k.in_w = rng_range(1, 45); /* stride-2 rows of 12 and more outputs take the deinterleaved path */
        k.input_zero = rng_range(-128, 127);
        k.output_zero = rng_range(-128, 127);
        k.mode = (int)(rng() % 3u);
        k.with_mask = (rng() % 4u) != 0;
        if (s & 1u) {
            k.in_c = k.out_c = k.groups = rng_range(1, 9);
            k.kh = 1 + 2 * rng_range(0, 3);
            k.kw = 1 + 2 * rng_range(0, 3);
            k.sh = rng_range(1, 2);
            k.sw = rng_range(1, 2);
            k.pt = rng_range(0, k.kh / 2);
            k.pb = rng_range(0, k.kh / 2);
            k.pl = rng_range(0, k.kw / 2);
            k.pr = rng_range(0, k.kw / 2);
            if (k.in_h + k.pt + k.pb < k.kh) {
                k.pb = k.kh - k.in_h - k.pt + rng_range(0, 1); /* a real tap count: padding may exceed K/2 */
            }
            if (k.in_w + k.pl + k.pr < k.kw) {
                k.pr = k.kw - k.in_w - k.pl;
            }
        } else {
            k.groups = 1 + (int32_t)(rng() % 2u);
            k.in_c = k.groups * rng_range(1, 40);
            k.out_c = k.groups * rng_range(1, 20);
            k.kh = k.kw = k.sh = k.sw = 1;
        }
        run_conv_case(&k, 99u + s + seed);
    }
}

static int check(void)
{
    tt_print_str("features mve_fp ");
    tt_print_int(TT_HAS_MVE_FP);
    tt_print_char('\n');
    const int32_t n = (int32_t)(sizeof conv_cases / sizeof conv_cases[0]);
    for (int32_t i = 0; i < n; ++i) {
        run_conv_case(&conv_cases[i], 1234u + (uint32_t)i);
    }
    random_cases(40, 777u);
    for (int32_t i = 0; i < (int32_t)(sizeof inplace_cases / sizeof inplace_cases[0]); ++i) {
        run_dw_inplace(&inplace_cases[i], 555u + (uint32_t)i);
    }
    run_sgd_s8_case("sgd_plain_1000", -1, 1000, 0, 0.01f, 0, 5u);
    run_sgd_s8_case("sgd_edges_1003", -1, 1003, 0, 1.0f, 1, 6u);
    run_sgd_s8_case("sgd_edges_lr_small", -1, 777, 0, 0.001f, 1, 7u);
    run_sgd_s8_case("sgd_tail_3", -1, 3, 0, 1.0f, 1, 8u);
    run_sgd_s8_case("sgd_tail_13", -1, 13, 0, 1.0f, 1, 9u);
    run_sgd_s8_case("sgd_zero", -1, 0, 0, 1.0f, 1, 10u);
    run_sgd_s8_case("sgd_rows_16x27_of_48", 16, 27, 48, 0.5f, 1, 11u);
    run_sgd_s8_case("sgd_rows_5x7_of_7", 5, 7, 7, 2.0f, 1, 12u);
    run_sgd_s32_case("sgd32_edges_1001", -1, 1001, 0, 1.0f, 13u);
    run_sgd_s32_case("sgd32_lr_small_rows", 7, 9, 12, 0.003f, 14u);
    run_sgd_s32_case("sgd32_tail_2", 1, 2, 2, 0.5f, 15u);
    tt_print_str("done ");
    tt_print_int(failures);
    tt_print_char('\n');
    return failures;
}

/* ------------------------------------------------------------ bench */

/* Representative MCUNet (mcunet-5fps) layers. */
static const conv_case bench_cases[] = {
    {"pw_16to48_32x32", 1, 16, 32, 32, 48, 1, 1, 1, 1, 0, 0, 0, 0, 1, -3, 2, 0, 1},
    {"pw_48to16_32x32", 1, 48, 32, 32, 16, 1, 1, 1, 1, 0, 0, 0, 0, 1, -3, 2, 0, 1},
    {"pw_120to24_16x16", 1, 120, 16, 16, 24, 1, 1, 1, 1, 0, 0, 0, 0, 1, -3, 2, 0, 1},
    {"pw_48to144_8x8", 1, 48, 8, 8, 144, 1, 1, 1, 1, 0, 0, 0, 0, 1, -3, 2, 0, 1},
    {"pw_96to384_4x4", 1, 96, 4, 4, 384, 1, 1, 1, 1, 0, 0, 0, 0, 1, -3, 2, 0, 1},
    {"dw3_s1_48ch_32x32", 1, 48, 32, 32, 48, 3, 3, 1, 1, 1, 1, 1, 1, 48, -3, 2, 0, 1},
    {"dw3_s2_120ch_16x16", 1, 120, 16, 16, 120, 3, 3, 2, 2, 1, 1, 1, 1, 120, -3, 2, 0, 1},
    {"dw7_s1_160ch_8x8", 1, 160, 8, 8, 160, 7, 7, 1, 1, 3, 3, 3, 3, 160, -3, 2, 0, 1},
    {"dw5_s1_384ch_4x4", 1, 384, 4, 4, 384, 5, 5, 1, 1, 2, 2, 2, 2, 384, -3, 2, 0, 1},
    {"dw7_s2_48ch_32x32", 1, 48, 32, 32, 48, 7, 7, 2, 2, 3, 3, 3, 3, 48, -3, 2, 0, 1},
    {"pw_48to16_32x32_nomask", 1, 48, 32, 32, 16, 1, 1, 1, 1, 0, 0, 0, 0, 1, -3, 2, 0, 0},
    {"dw3_s1_48ch_32x32_nomask", 1, 48, 32, 32, 48, 3, 3, 1, 1, 1, 1, 1, 1, 48, -3, 2, 0, 0},
};
#define BENCH_CONV ((int32_t)(sizeof bench_cases / sizeof bench_cases[0]))
/* then SGD benches: int8 weights of a 1x1 48->16 (768), a 1x1 160->40 (6400), a dw 7x7 x 160 (7840) */
static const int32_t bench_sgd[] = {768, 6400, 7840};
static const int32_t bench_sgd32[] = {160}; /* int32 biases of a 160-channel layer */
#define BENCH_SGD ((int32_t)(sizeof bench_sgd / sizeof bench_sgd[0]))
#define BENCH_SGD32 ((int32_t)(sizeof bench_sgd32 / sizeof bench_sgd32[0]))

static int bench(int32_t which, int32_t reps)
{
    if (which < BENCH_CONV) {
        const conv_case *k = &bench_cases[which];
        rng_state = 42u;
        fill_conv(k);
        const conv_call c = call_of(k);
        for (int32_t r = 0; r < reps; ++r) {
            conv(&c, input, out_a, k->with_mask ? mask_a : NULL);
        }
        tt_print_str(k->name);
        tt_print_char('\n');
        return 0;
    }
    which -= BENCH_CONV;
    if (which < BENCH_SGD) {
        const int32_t count = bench_sgd[which];
        rng_state = 43u;
        fill_sgd(count, 0);
        for (int32_t r = 0; r < reps; ++r) {
            tt_sgd_update_s8(param8, grad, 0.01f, count);
        }
        tt_print_str("sgd_s8_");
        tt_print_int(count);
        tt_print_char('\n');
        return 0;
    }
    which -= BENCH_SGD;
    if (which >= BENCH_SGD32) {
        return 2;
    }
    const int32_t count = bench_sgd32[which];
    rng_state = 44u;
    fill_sgd(count, 0);
    for (int32_t i = 0; i < count; ++i) {
        param32[i] = rng_range(-100000, 100000);
    }
    for (int32_t r = 0; r < reps; ++r) {
        tt_sgd_update_s32(param32, grad, 0.01f, count);
    }
    tt_print_str("sgd_s32_");
    tt_print_int(count);
    tt_print_char('\n');
    return 0;
}

int main(void)
{
    read_command();
    char w0[16], w1[16], w2[16];
    word(0, w0, sizeof w0);
    if (strcmp(w0, "check") == 0 || w0[0] == '\0') {
        return check();
    }
    if (strcmp(w0, "fuzz") == 0) {
        random_cases((uint32_t)to_int(word(1, w1, sizeof w1)), (uint32_t)to_int(word(2, w2, sizeof w2)));
        tt_print_str("done ");
        tt_print_int(failures);
        tt_print_char('\n');
        return failures;
    }
    if (strcmp(w0, "bench") == 0) {
        return bench(to_int(word(1, w1, sizeof w1)), to_int(word(2, w2, sizeof w2)));
    }
    if (strcmp(w0, "count") == 0) {
        tt_print_str("bench ");
        tt_print_int(BENCH_CONV + BENCH_SGD + BENCH_SGD32);
        tt_print_char('\n');
        return 0;
    }
    tt_print_str("usage: check | fuzz N SEED | bench K REPS | count\n");
    return 3;
}
