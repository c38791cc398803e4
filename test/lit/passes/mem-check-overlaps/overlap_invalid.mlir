// RUN: not %tt-opt %s -p 'mem-check-overlaps' 2>&1 | %filecheck %s

// A conv's output on top of its input: tt_conv2d_s8 cannot run in place.
qtrain.param @w = dense<[[[[2]]]]> : tensor<1x1x1x1xi8>
qtrain.param @b = dense<[1]> : tensor<1xi32>
mem.arena @arena size 16 align 4 space sram
func.func @conv(%x: tensor<1x1x2x2x!qtrain.qi8<0.5, 0>>) -> tensor<1x1x2x2x!qtrain.qi8<0.25, -3>> {
  %in = mem.view @arena[0] : !mem.buffer<4, 4, sram>
  %out = mem.view @arena[0] : !mem.buffer<4, 4, sram>
  mem.store %x, %in : tensor<1x1x2x2x!qtrain.qi8<0.5, 0>>, !mem.buffer<4, 4, sram>
  %w = qtrain.get_param @w : tensor<1x1x1x1xi8>
  %b = qtrain.get_param @b : tensor<1xi32>
  %0 = mem.load %in : !mem.buffer<4, 4, sram> -> tensor<1x1x2x2x!qtrain.qi8<0.5, 0>>
  %y = qtrain.conv2d %0, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.125>} : (tensor<1x1x2x2x!qtrain.qi8<0.5, 0>>, tensor<1x1x1x1xi8>, tensor<1xi32>) -> tensor<1x1x2x2x!qtrain.qi8<0.25, -3>>
  mem.store %y, %out : tensor<1x1x2x2x!qtrain.qi8<0.25, -3>>, !mem.buffer<4, 4, sram>
  %1 = mem.load %out : !mem.buffer<4, 4, sram> -> tensor<1x1x2x2x!qtrain.qi8<0.25, -3>>
  func.return %1 : tensor<1x1x2x2x!qtrain.qi8<0.25, -3>>
}
// CHECK: mem-check-overlaps: @conv: qtrain.conv2d: result 0 (arena bytes 0..4) overlaps operand 0 (0..4) and the kernel cannot run in place there
