/*
 * tiny-training runtime: the parameter structs the kernels take (the role of
 * CMSIS-NN's arm_nn_types.h). The generated model passes each kernel call
 * `static const` instances of these (in flash), one set per call site.
 *
 * Layout names follow the IR: activations are NCHW in memory, conv weights
 * [O, I/groups, KH, KW]. A tt_dims only names the four sizes; it says nothing
 * about the order in memory.
 */
#ifndef TT_TYPES_H
#define TT_TYPES_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Four sizes of a tensor. An activation [N, C, H, W]: n = N, h = H, w = W,
 * c = C. A conv filter [O, I/groups, KH, KW]: n = O (output channels), h = KH,
 * w = KW, c = I/groups (input channels per group). */
typedef struct {
    int32_t n;
    int32_t h;
    int32_t w;
    int32_t c;
} tt_dims;

/* Two sizes along (height, width): a stride. */
typedef struct {
    int32_t h;
    int32_t w;
} tt_tile;

/* Implicit zero padding on each side, as the IR's [top, left, bottom, right]. */
typedef struct {
    int32_t top;
    int32_t left;
    int32_t bottom;
    int32_t right;
} tt_padding;

/*
 * The attributes of one convolution. The output size is
 * (in + pad_before + pad_after - kernel) / stride + 1 (floor), per axis.
 * input_zero and output_zero are the zero points of the int8 input and output
 * (the value is q - zero; padding counts as input_zero, a real zero). Every
 * int8 output is clamped to [-128, 127]: the clamp is the op's, and the clamp
 * mask records where it acted, so there is no other activation range.
 * The gradient kernels of a conv take the same struct (output_zero is then
 * not read; input_zero only by the weight gradient).
 */
typedef struct {
    int32_t input_zero;
    int32_t output_zero;
    tt_tile stride;
    tt_padding padding;
    int32_t groups;
} tt_conv_params;

/* Per-output-channel requantization: output channel o is
 * clamp(rint(f32(acc) * multipliers[o]) + output_zero, -128, 127), with the
 * multipliers computed by the compiler as the interpreter does
 * (qtrain.requant_multipliers). */
typedef struct {
    const float *multipliers;
} tt_per_channel_quant;

/*
 * A sparse-update conv weight stored in two arrays split at `split` channels:
 * `trained` (SRAM, updated in place by the SGD kernels) and `frozen` (const,
 * flash). groups == 1: trained [O, split, KH, KW] holds the input channels
 * c < split, frozen [O, I - split, KH, KW] the rest; groups > 1 (depthwise):
 * trained [split, I/groups, KH, KW] holds the output channels o < split (a
 * prefix of the tensor), frozen [O - split, I/groups, KH, KW] the rest. A part
 * may be empty (its pointer is then not read; frozen may be NULL).
 */
typedef struct {
    const int8_t *trained;
    const int8_t *frozen;
    int32_t split;
} tt_split_weight;

#ifdef __cplusplus
}
#endif

#endif /* TT_TYPES_H */
