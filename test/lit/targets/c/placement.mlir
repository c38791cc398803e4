// RUN: %tt-opt %s -t c | %filecheck %s

// The C target stores each parameter where its `placement` says (mem-place-params
// decides): @w is split (its first input channel in SRAM, the second const in flash, a
// split-table entry for tt_get_param/tt_set_param); @b is whole in SRAM.

qtrain.param @w trainable = dense<[[[[2]], [[5]]], [[[-3]], [[7]]]]> : tensor<2x2x1x1xi8> {placement = "split", split_axis = 1 : i64, split_channels = 1 : i64}
qtrain.param @b trainable = dense<[1, 2]> : tensor<2xi32> {placement = "sram"}
mem.arena @arena size 32 align 4 space sram
func.func @main(%x: tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>) -> tensor<1x2x2x2x!qtrain.qi8<0.25, -3>> {
  %in = mem.view @arena[0] lifetime [0, 0] role "input" : !mem.buffer<8, 4, sram>
  %out = mem.view @arena[16] lifetime [0, 1] role "activation" : !mem.buffer<8, 4, sram>
  mem.store %x, %in : tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>, !mem.buffer<8, 4, sram>
  %w = qtrain.get_param @w : tensor<2x2x1x1xi8>
  %b = qtrain.get_param @b : tensor<2xi32>
  %0 = mem.load %in : !mem.buffer<8, 4, sram> -> tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>
  %y = qtrain.conv2d %0, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.125, 0.25>} : (tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>, tensor<2x2x1x1xi8>, tensor<2xi32>) -> tensor<1x2x2x2x!qtrain.qi8<0.25, -3>>
  mem.store %y, %out : tensor<1x2x2x2x!qtrain.qi8<0.25, -3>>, !mem.buffer<8, 4, sram>
  %1 = mem.load %out : !mem.buffer<8, 4, sram> -> tensor<1x2x2x2x!qtrain.qi8<0.25, -3>>
  func.return %1 : tensor<1x2x2x2x!qtrain.qi8<0.25, -3>>
}

// CHECK-LABEL: // ---- model.c ----
// CHECK:       /* @w: 2x2x1x1 i8, split: the leading 1 of 2 input channels train.
// CHECK-NEXT:   * Trained part [2][1][1][1] (SRAM; initial values in flash), frozen part [2][1][1][1] (flash). */
// CHECK-NEXT:  static int8_t tt_p_w[2] __attribute__((aligned(4)));
// CHECK-NEXT:  static const int8_t tt_p_w_init[2] __attribute__((aligned(4))) = {
// CHECK-NEXT:      2, -3
// CHECK:       static const int8_t tt_p_w_frozen[2] __attribute__((aligned(4))) = {
// CHECK-NEXT:      5, 7
// CHECK:       /* @b: 2 i32, trainable (SRAM; initial values in flash) */
// CHECK:       static const tt_split_info tt_splits[] = {
// CHECK-NEXT:      {0, (uint8_t *)tt_p_w, (const uint8_t *)tt_p_w_frozen, 2, 1, 1}, /* @w */
