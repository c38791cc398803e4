// RUN: %tt-opt %s -t c | %filecheck %s

// A planned module with one conv: the arena, a frozen (const, flash) and a trainable
// (SRAM + initial values in flash) parameter, the requantization multipliers computed
// by the compiler, and the kernel call on arena offsets.

qtrain.param @w = dense<[[[[2]]], [[[-3]]]]> : tensor<2x1x1x1xi8>
qtrain.param @b trainable = dense<[1, -2147483648]> : tensor<2xi32>
mem.arena @arena size 64 align 16 space sram
func.func @main(%x: tensor<1x1x2x2x!qtrain.qi8<0.5, 0>>) -> tensor<1x2x2x2x!qtrain.qi8<0.25, -3>> {
  %in = mem.view @arena[0] lifetime [0, 0] role "input" : !mem.buffer<4, 4, sram>
  %out = mem.view @arena[16] lifetime [0, 0] role "activation" : !mem.buffer<8, 4, sram>
  mem.store %x, %in : tensor<1x1x2x2x!qtrain.qi8<0.5, 0>>, !mem.buffer<4, 4, sram>
  %w = qtrain.get_param @w : tensor<2x1x1x1xi8>
  %b = qtrain.get_param @b : tensor<2xi32>
  %0 = mem.load %in : !mem.buffer<4, 4, sram> -> tensor<1x1x2x2x!qtrain.qi8<0.5, 0>>
  %y = qtrain.conv2d %0, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.125, 0.25>} : (tensor<1x1x2x2x!qtrain.qi8<0.5, 0>>, tensor<2x1x1x1xi8>, tensor<2xi32>) -> tensor<1x2x2x2x!qtrain.qi8<0.25, -3>>
  mem.store %y, %out : tensor<1x2x2x2x!qtrain.qi8<0.25, -3>>, !mem.buffer<8, 4, sram>
  %1 = mem.load %out : !mem.buffer<8, 4, sram> -> tensor<1x2x2x2x!qtrain.qi8<0.25, -3>>
  func.return %1 : tensor<1x2x2x2x!qtrain.qi8<0.25, -3>>
}

// The fixed API (tt_init, the parameter table) is declared in the runtime's tt_model.h.
// CHECK-LABEL: // ---- model.h ----
// CHECK:       #include "tt_model.h"
// CHECK:       #define TT_ARENA_BYTES 64
// CHECK:       #define TT_INFER_IMAGE_COUNT 4
// CHECK:       #define TT_INFER_LOGITS_COUNT 8
// CHECK:       void tt_infer(const int8_t *image, int8_t *logits);

// CHECK-LABEL: // ---- model.c ----
// CHECK:       #include "tt_kernels.h"
// The arena (TT_ARENA_BYTES of model.h, and the debug build's guarded one) is defined by
// the runtime's tt_model_arena.h.
// CHECK:       #define TT_ARENA_ALIGNMENT 16
// CHECK-NEXT:  #include "tt_model_arena.h"

// Frozen: const, initialised in place. Trainable: writable, its initial values in a const copy.
// CHECK:       /* @w: 2x1x1x1 i8, frozen (flash) */
// CHECK-NEXT:  static const int8_t tt_p_w[2] __attribute__((aligned(4))) = {
// CHECK-NEXT:      2, -3
// CHECK:       /* @b: 2 i32, trainable (SRAM; initial values in flash) */
// CHECK-NEXT:  static int32_t tt_p_b[2] __attribute__((aligned(4)));
// CHECK-NEXT:  static const int32_t tt_p_b_init[2] __attribute__((aligned(4))) = {
// CHECK-NEXT:      1, (-2147483647 - 1)

// eff[c] = f32(0.5 * s_w[c] / 0.25), as hex floats.
// CHECK:       /* requantization multipliers of %y = qtrain.conv2d in @main */
// CHECK-NEXT:  static const float [[MULT:tt_k[0-9]+]][2] = {
// CHECK-NEXT:      0x1p-2f, 0x1p-1f

// The kernel's parameter structs (tt_types.h), static const (flash).
// CHECK:       /* conv parameters of %y = qtrain.conv2d in @main */
// CHECK-NEXT:  static const tt_conv_params [[CONV:tt_conv[0-9]+]] = {0, -3, {1, 1}, {0, 0, 0, 0}, 1};
// CHECK:       static const tt_per_channel_quant [[QUANT:tt_quant[0-9]+]] = {[[MULT]]};
// CHECK:       /* input dims (n, h, w, c) of %y = qtrain.conv2d in @main */
// CHECK-NEXT:  static const tt_dims [[XDIMS:tt_dims[0-9]+]] = {1, 2, 2, 1};
// CHECK:       /* filter dims (n, h, w, c) of %y = qtrain.conv2d in @main */
// CHECK-NEXT:  static const tt_dims [[WDIMS:tt_dims[0-9]+]] = {2, 1, 1, 1};

// CHECK:       {"w", tt_p_w, 2, TT_DTYPE_I8, 0, 4, {2, 1, 1, 1}},
// CHECK-NEXT:  {"b", tt_p_b, 8, TT_DTYPE_I32, 1, 1, {2, 1, 1, 1}},
// CHECK:       static void *const tt_param_writable[] = {
// CHECK-NEXT:      NULL, tt_p_b
// CHECK-NEXT:  };
// CHECK:       static const tt_param_table tt_model_params = {tt_params, tt_param_writable, NULL, 2, 0, &tt_ready, tt_init};
// CHECK:       int32_t tt_set_param(int32_t index, const void *src, int32_t bytes)
// CHECK-NEXT:  {
// CHECK-NEXT:      return tt_param_table_set(&tt_model_params, index, src, bytes);

// The debug build's arena checker: after the image store bytes 0..4 may change and are
// live (the conv reads them); after the conv 16..24 (its output, read by the return),
// and 0..4 are dead; after the return nothing is live. Spans: pairs [start, end).
// CHECK:       static const int32_t tt_dbg_infer_spans[8] = {
// CHECK-NEXT:      0, 4, 0, 4, 16, 24, 16, 24
// CHECK:       static const tt_arena_step tt_dbg_infer_steps[3] = {
// CHECK-NEXT:      {"mem.store (argument)", 0, 1, 1, 1},
// CHECK-NEXT:      {"%y = qtrain.conv2d", 2, 1, 3, 1},
// CHECK-NEXT:      {"func.return", 4, 0, 4, 0},

// CHECK:       void tt_init(void)
// CHECK:       memcpy(tt_p_b, tt_p_b_init, sizeof tt_p_b);

// CHECK:       void tt_infer(const int8_t *image, int8_t *logits)
// CHECK:       TT_ARENA_ENTER();
// CHECK-NEXT:  memcpy(TT_U8(0), image, 4); /* argument image: 1x1x2x2 qi8 */
// CHECK-NEXT:  TT_ARENA_STEP(tt_dbg_infer, 0);
// CHECK-NEXT:  /* %y = qtrain.conv2d -> 1x2x2x2 qi8 */
// CHECK-NEXT:  tt_conv2d_s8(&[[CONV]], &[[QUANT]], &[[XDIMS]], TT_S8(0), &[[WDIMS]], tt_p_w, tt_p_b, TT_S8(16),
// CHECK-NEXT:               NULL);
// CHECK-NEXT:  TT_ARENA_STEP(tt_dbg_infer, 1);
// CHECK-NEXT:  memcpy(logits, TT_U8(16), 8); /* result logits: 1x2x2x2 qi8 */
// CHECK-NEXT:  TT_ARENA_STEP(tt_dbg_infer, 2);
// CHECK-NEXT:  }
