// RUN: %tt-opt %s --split-input-file --verify-diagnostics | %filecheck %s

// The compiler plans static buffers: dynamic and empty dimensions are rejected.

func.func @dynamic_conv(%x: tensor<1x3x?x?x!qtrain.qi8<0.1, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.1, 0.1>} : (tensor<1x3x?x?x!qtrain.qi8<0.1, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.1, 0>>
  func.return
}
// CHECK: qtrain.conv2d: input must have a static shape, got tensor<1x3x?x?x!qtrain.qi8<0.1, 0>>

// -----

func.func @dynamic_flatten(%x: tensor<1x?x2x2xf32>) {
  %y = qtrain.flatten %x : tensor<1x?x2x2xf32> -> tensor<1x8xf32>
  func.return
}
// CHECK: qtrain.flatten: input must have a static shape, got tensor<1x?x2x2xf32>

// -----

func.func @empty_pool(%x: tensor<1x8x0x0x!qtrain.qi8<0.1, 0>>) {
  %y = qtrain.global_avgpool %x : tensor<1x8x0x0x!qtrain.qi8<0.1, 0>> -> tensor<1x8x1x1x!qtrain.qi8<0.1, 0>>
  func.return
}
// CHECK: qtrain.global_avgpool: input must not be empty, got tensor<1x8x0x0x!qtrain.qi8<0.1, 0>>

// -----

func.func @dynamic_add(%a: tensor<1x?xf32>) {
  %y = qtrain.dequantize_grad %a {scale = 0.5 : f64} : tensor<1x?xf32> -> tensor<1x?xf32>
  func.return
}
// CHECK: qtrain.dequantize_grad: grad_output must have a static shape, got tensor<1x?xf32>
