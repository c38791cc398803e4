// RUN: %tt-opt %s -p 'mem-check-overlaps' | %filecheck %s
// RUN: %tt-opt %S/../convert-qtrain-to-mem/shift_in_place.mlir -p 'convert-qtrain-to-mem{function=f},mem-plan{function=f},mem-check-overlaps' | %filecheck %s --check-prefix=SHIFTED

// Legal overlaps pass unchanged: an add writing over its first operand (an
// InPlaceOperands pair, same start address) and a depthwise conv one channel (4 bytes)
// below its input (ChannelStreamed).

qtrain.param @w = dense<1> : tensor<2x1x1x1xi8>
qtrain.param @b = dense<[1, 2]> : tensor<2xi32>
mem.arena @arena size 16 align 4 space sram

// CHECK-LABEL: func.func @add
// CHECK:       %y = qtrain.add
// CHECK-NEXT:  mem.store %y, %in
func.func @add(%a: tensor<1x8x!qtrain.qi8<0.5, 0>>) -> tensor<1x8x!qtrain.qi8<0.5, 0>> {
  %in = mem.view @arena[0] : !mem.buffer<8, 4, sram>
  mem.store %a, %in : tensor<1x8x!qtrain.qi8<0.5, 0>>, !mem.buffer<8, 4, sram>
  %0 = mem.load %in : !mem.buffer<8, 4, sram> -> tensor<1x8x!qtrain.qi8<0.5, 0>>
  %y = qtrain.add %0, %0 : (tensor<1x8x!qtrain.qi8<0.5, 0>>, tensor<1x8x!qtrain.qi8<0.5, 0>>) -> tensor<1x8x!qtrain.qi8<0.5, 0>>
  mem.store %y, %in : tensor<1x8x!qtrain.qi8<0.5, 0>>, !mem.buffer<8, 4, sram>
  %1 = mem.load %in : !mem.buffer<8, 4, sram> -> tensor<1x8x!qtrain.qi8<0.5, 0>>
  func.return %1 : tensor<1x8x!qtrain.qi8<0.5, 0>>
}

// CHECK-LABEL: func.func @depthwise
// CHECK:       %y = qtrain.conv2d
// CHECK-NEXT:  mem.store %y, %out
func.func @depthwise(%x: tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>) -> tensor<1x2x2x2x!qtrain.qi8<0.25, -3>> {
  %in = mem.view @arena[4] : !mem.buffer<8, 4, sram>
  %out = mem.view @arena[0] : !mem.buffer<8, 4, sram>
  mem.store %x, %in : tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>, !mem.buffer<8, 4, sram>
  %w = qtrain.get_param @w : tensor<2x1x1x1xi8>
  %b = qtrain.get_param @b : tensor<2xi32>
  %0 = mem.load %in : !mem.buffer<8, 4, sram> -> tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>
  %y = qtrain.conv2d %0, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 2 : i64, w_scales = array<f32: 0.125, 0.125>} : (tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>, tensor<2x1x1x1xi8>, tensor<2xi32>) -> tensor<1x2x2x2x!qtrain.qi8<0.25, -3>>
  mem.store %y, %out : tensor<1x2x2x2x!qtrain.qi8<0.25, -3>>, !mem.buffer<8, 4, sram>
  %1 = mem.load %out : !mem.buffer<8, 4, sram> -> tensor<1x2x2x2x!qtrain.qi8<0.25, -3>>
  func.return %1 : tensor<1x2x2x2x!qtrain.qi8<0.25, -3>>
}

// The lowering's channel-shifted plan (see convert-qtrain-to-mem/shift_in_place.mlir) is legal.
// SHIFTED: mem.arena @arena size 100 align 4 space sram
// SHIFTED: %d2 = qtrain.conv2d
