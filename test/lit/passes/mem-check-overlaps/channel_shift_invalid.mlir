// RUN: not %tt-opt %s -p 'mem-check-overlaps' 2>&1 | %filecheck %s

// A depthwise conv may write one channel (4 bytes) below its input or lower; 2 bytes
// below would overwrite input channel c + 1 before it is read.
qtrain.param @w = dense<1> : tensor<2x1x1x1xi8>
qtrain.param @b = dense<[1, 2]> : tensor<2xi32>
mem.arena @arena size 16 align 2 space sram
func.func @depthwise(%x: tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>) -> tensor<1x2x2x2x!qtrain.qi8<0.25, -3>> {
  %in = mem.view @arena[2] : !mem.buffer<8, 2, sram>
  %out = mem.view @arena[0] : !mem.buffer<8, 2, sram>
  mem.store %x, %in : tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>, !mem.buffer<8, 2, sram>
  %w = qtrain.get_param @w : tensor<2x1x1x1xi8>
  %b = qtrain.get_param @b : tensor<2xi32>
  %0 = mem.load %in : !mem.buffer<8, 2, sram> -> tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>
  %y = qtrain.conv2d %0, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 2 : i64, w_scales = array<f32: 0.125, 0.125>} : (tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>, tensor<2x1x1x1xi8>, tensor<2xi32>) -> tensor<1x2x2x2x!qtrain.qi8<0.25, -3>>
  mem.store %y, %out : tensor<1x2x2x2x!qtrain.qi8<0.25, -3>>, !mem.buffer<8, 2, sram>
  %1 = mem.load %out : !mem.buffer<8, 2, sram> -> tensor<1x2x2x2x!qtrain.qi8<0.25, -3>>
  func.return %1 : tensor<1x2x2x2x!qtrain.qi8<0.25, -3>>
}
// CHECK: mem-check-overlaps: @depthwise: qtrain.conv2d: result 0 (arena bytes 0..8) overlaps operand 0 (2..10) and the kernel cannot run in place there
