// RUN: %tt-opt %s | %tt-opt | %filecheck %s
// RUN: %tt-opt %s --print-op-generic | %tt-opt | %filecheck %s

// The fused ops: conv2d_dw (a regular conv streamed into a depthwise conv, with and
// without its scratch buffer) and conv2d_weight_update (weight gradient + QAS + SGD).

qtrain.param @w trainable = dense<1> : tensor<2x3x1x1xi8>
qtrain.param @dw trainable = dense<1> : tensor<4x1x3x3xi8>

// CHECK-LABEL: func.func @conv2d_dw(
// CHECK-SAME:  %[[X:.*]]: tensor<1x3x8x8x!qtrain.qi8<0.1, 3>>, %[[W:.*]]: tensor<2x3x1x1xi8>, %[[B:.*]]: tensor<2xi32>, %[[V:.*]]: tensor<2x1x3x3xi8>, %[[C:.*]]: tensor<2xi32>, %[[S:.*]]: !mem.buffer<64, 4, sram>)
// CHECK-NEXT: %[[Y:.*]] = qtrain.conv2d_dw %[[X]], %[[W]], %[[B]], %[[V]], %[[C]] {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, w_scales = array<f32: 1.000000e-02, 2.000000e-02>, dw_stride = array<i64: 2, 2>, dw_pad = array<i64: 1, 1, 1, 1>, dw_w_scales = array<f32: 5.000000e-02, 4.000000e-02>, mid = !qtrain.qi8<0.02, -128>} : (tensor<1x3x8x8x!qtrain.qi8<0.1, 3>>, tensor<2x3x1x1xi8>, tensor<2xi32>, tensor<2x1x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.05, -128>>
// CHECK-NEXT: %[[Z:.*]] = qtrain.conv2d_dw %[[X]], %[[W]], %[[B]], %[[V]], %[[C]] scratch %[[S]] : !mem.buffer<64, 4, sram> {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, w_scales = array<f32: 1.000000e-02, 2.000000e-02>, dw_stride = array<i64: 2, 2>, dw_pad = array<i64: 1, 1, 1, 1>, dw_w_scales = array<f32: 5.000000e-02, 4.000000e-02>, mid = !qtrain.qi8<0.02, -128>} : (tensor<1x3x8x8x!qtrain.qi8<0.1, 3>>, tensor<2x3x1x1xi8>, tensor<2xi32>, tensor<2x1x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.05, -128>>
func.func @conv2d_dw(%x: tensor<1x3x8x8x!qtrain.qi8<0.1, 3>>, %w: tensor<2x3x1x1xi8>, %b: tensor<2xi32>,
                     %v: tensor<2x1x3x3xi8>, %c: tensor<2xi32>, %s: !mem.buffer<64, 4, sram>)
    -> (tensor<1x2x4x4x!qtrain.qi8<0.05, -128>>, tensor<1x2x4x4x!qtrain.qi8<0.05, -128>>) {
  %y = qtrain.conv2d_dw %x, %w, %b, %v, %c {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, w_scales = array<f32: 0.01, 0.02>, dw_stride = array<i64: 2, 2>, dw_pad = array<i64: 1, 1, 1, 1>, dw_w_scales = array<f32: 0.05, 0.04>, mid = !qtrain.qi8<0.02, -128>} : (tensor<1x3x8x8x!qtrain.qi8<0.1, 3>>, tensor<2x3x1x1xi8>, tensor<2xi32>, tensor<2x1x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.05, -128>>
  %z = qtrain.conv2d_dw %x, %w, %b, %v, %c scratch %s : !mem.buffer<64, 4, sram> {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, w_scales = array<f32: 0.01, 0.02>, dw_stride = array<i64: 2, 2>, dw_pad = array<i64: 1, 1, 1, 1>, dw_w_scales = array<f32: 0.05, 0.04>, mid = !qtrain.qi8<0.02, -128>} : (tensor<1x3x8x8x!qtrain.qi8<0.1, 3>>, tensor<2x3x1x1xi8>, tensor<2xi32>, tensor<2x1x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.05, -128>>
  func.return %y, %z : tensor<1x2x4x4x!qtrain.qi8<0.05, -128>>, tensor<1x2x4x4x!qtrain.qi8<0.05, -128>>
}

// A regular conv training its first 2 of 3 input channels (QAS factors per output
// channel), and a depthwise conv training its first 3 channels without QAS.
// CHECK-LABEL: func.func @conv2d_weight_update(
// CHECK-NEXT: qtrain.conv2d_weight_update @w, %{{.*}}, %{{.*}} {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, channels = 2 : i64, lr = 8.000000e-04 : f32, factors = array<f32: 4.000000e+00, 5.000000e-01>} : tensor<1x2x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x2x4x4xf32>
// CHECK-NEXT: qtrain.conv2d_weight_update @dw, %{{.*}}, %{{.*}} {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 4 : i64, channels = 3 : i64, lr = 1.000000e-03 : f32} : tensor<1x4x8x8x!qtrain.qi8<0.1, 3>>, tensor<1x4x4x4xf32>
func.func @conv2d_weight_update(%x: tensor<1x2x4x4x!qtrain.qi8<0.1, 3>>, %g: tensor<1x2x4x4xf32>,
                                %xd: tensor<1x4x8x8x!qtrain.qi8<0.1, 3>>, %gd: tensor<1x4x4x4xf32>) {
  qtrain.conv2d_weight_update @w, %x, %g {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, channels = 2 : i64, lr = 8.0e-04 : f32, factors = array<f32: 4.0, 0.5>} : tensor<1x2x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x2x4x4xf32>
  qtrain.conv2d_weight_update @dw, %xd, %gd {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 4 : i64, channels = 3 : i64, lr = 1.0e-03 : f32} : tensor<1x4x8x8x!qtrain.qi8<0.1, 3>>, tensor<1x4x4x4xf32>
  func.return
}
