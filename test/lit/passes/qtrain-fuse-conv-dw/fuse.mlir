// RUN: %tt-opt %s -p qtrain-fuse-conv-dw | %filecheck %s
// RUN: %tt-opt %s -p 'qtrain-fuse-conv-dw,convert-qtrain-to-mem{function=expand}' | %filecheck %s --check-prefix=MEM

qtrain.param @e.w = dense<[[[[1]], [[2]]], [[[-1]], [[1]]], [[[3]], [[0]]]]> : tensor<3x2x1x1xi8>
qtrain.param @e.b = dense<[1, 2, 3]> : tensor<3xi32>
qtrain.param @d.w = dense<1> : tensor<3x1x3x3xi8>
qtrain.param @d.b = dense<[0, 1, 2]> : tensor<3xi32>

// An expansion (1x1, 2 -> 3 channels) read only by a depthwise conv: fused, with the
// intermediate's quantization as `mid`.
// CHECK-LABEL: func.func @expand
// CHECK:      %[[Y:.*]] = qtrain.conv2d_dw %x, %w, %b, %dw, %db {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, w_scales = array<f32: 1.000000e-01, 1.000000e-01, 1.000000e-01>, dw_stride = array<i64: 2, 2>, dw_pad = array<i64: 1, 1, 1, 1>, dw_w_scales = array<f32: 2.000000e-01, 2.000000e-01, 2.000000e-01>, mid = !qtrain.qi8<0.05, -128>}
// CHECK-SAME: -> tensor<1x3x3x3x!qtrain.qi8<0.1, -128>>
// CHECK-NOT:  qtrain.conv2d
// CHECK:      func.return %[[Y]]

// After lowering, the fused op gets a scratch buffer for its own step: one 6x6 channel of
// the intermediate tensor, 36 bytes.
// MEM-LABEL: func.func @expand
// MEM:       %[[S:.*]] = mem.alloc lifetime [0, 0] role "scratch" : !mem.buffer<36, 4, sram>
// MEM:       qtrain.conv2d_dw %{{.*}}, %w, %b, %dw, %db scratch %[[S]] : !mem.buffer<36, 4, sram>
func.func @expand(%x: tensor<1x2x6x6x!qtrain.qi8<0.1, 0>>) -> tensor<1x3x3x3x!qtrain.qi8<0.1, -128>> {
  %w = qtrain.get_param @e.w : tensor<3x2x1x1xi8>
  %b = qtrain.get_param @e.b : tensor<3xi32>
  %m = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.1, 0.1, 0.1>} : (tensor<1x2x6x6x!qtrain.qi8<0.1, 0>>, tensor<3x2x1x1xi8>, tensor<3xi32>) -> tensor<1x3x6x6x!qtrain.qi8<0.05, -128>>
  %dw = qtrain.get_param @d.w : tensor<3x1x3x3xi8>
  %db = qtrain.get_param @d.b : tensor<3xi32>
  %y = qtrain.conv2d %m, %dw, %db {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 3 : i64, w_scales = array<f32: 0.2, 0.2, 0.2>} : (tensor<1x3x6x6x!qtrain.qi8<0.05, -128>>, tensor<3x1x3x3xi8>, tensor<3xi32>) -> tensor<1x3x3x3x!qtrain.qi8<0.1, -128>>
  func.return %y : tensor<1x3x3x3x!qtrain.qi8<0.1, -128>>
}

// The intermediate is also returned (a second use): not fused.
// CHECK-LABEL: func.func @two_uses
// CHECK:      qtrain.conv2d %x
// CHECK:      qtrain.conv2d %m
// CHECK-NOT:  qtrain.conv2d_dw
func.func @two_uses(%x: tensor<1x2x6x6x!qtrain.qi8<0.1, 0>>) -> (tensor<1x3x3x3x!qtrain.qi8<0.1, -128>>, tensor<1x3x6x6x!qtrain.qi8<0.05, -128>>) {
  %w = qtrain.get_param @e.w : tensor<3x2x1x1xi8>
  %b = qtrain.get_param @e.b : tensor<3xi32>
  %m = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.1, 0.1, 0.1>} : (tensor<1x2x6x6x!qtrain.qi8<0.1, 0>>, tensor<3x2x1x1xi8>, tensor<3xi32>) -> tensor<1x3x6x6x!qtrain.qi8<0.05, -128>>
  %dw = qtrain.get_param @d.w : tensor<3x1x3x3xi8>
  %db = qtrain.get_param @d.b : tensor<3xi32>
  %y = qtrain.conv2d %m, %dw, %db {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 3 : i64, w_scales = array<f32: 0.2, 0.2, 0.2>} : (tensor<1x3x6x6x!qtrain.qi8<0.05, -128>>, tensor<3x1x3x3xi8>, tensor<3xi32>) -> tensor<1x3x3x3x!qtrain.qi8<0.1, -128>>
  func.return %y, %m : tensor<1x3x3x3x!qtrain.qi8<0.1, -128>>, tensor<1x3x6x6x!qtrain.qi8<0.05, -128>>
}

// A conv that trains (it has a clamp mask for the backward pass) keeps its output: not fused.
// CHECK-LABEL: func.func @masked
// CHECK-NOT:  qtrain.conv2d_dw
func.func @masked(%x: tensor<1x2x6x6x!qtrain.qi8<0.1, 0>>) -> (tensor<1x3x3x3x!qtrain.qi8<0.1, -128>>, tensor<1x3x6x6xi1>) {
  %w = qtrain.get_param @e.w : tensor<3x2x1x1xi8>
  %b = qtrain.get_param @e.b : tensor<3xi32>
  %m, %mask = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.1, 0.1, 0.1>} : (tensor<1x2x6x6x!qtrain.qi8<0.1, 0>>, tensor<3x2x1x1xi8>, tensor<3xi32>) -> (tensor<1x3x6x6x!qtrain.qi8<0.05, -128>>, tensor<1x3x6x6xi1>)
  %dw = qtrain.get_param @d.w : tensor<3x1x3x3xi8>
  %db = qtrain.get_param @d.b : tensor<3xi32>
  %y = qtrain.conv2d %m, %dw, %db {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 3 : i64, w_scales = array<f32: 0.2, 0.2, 0.2>} : (tensor<1x3x6x6x!qtrain.qi8<0.05, -128>>, tensor<3x1x3x3xi8>, tensor<3xi32>) -> tensor<1x3x3x3x!qtrain.qi8<0.1, -128>>
  func.return %y, %mask : tensor<1x3x3x3x!qtrain.qi8<0.1, -128>>, tensor<1x3x6x6xi1>
}
