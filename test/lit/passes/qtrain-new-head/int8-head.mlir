// RUN: %tt-opt %s -p 'qtrain-new-head{classes=3 seed=0 int8=true logit-range=8.0}' | %filecheck %s

// With int8=true the new head is an int8 1x1 conv on the pooled int8 features, followed by
// dequantize and flatten to fp32 logits. Same model as int8-classifier.mlir.

qtrain.param @c0.w = dense<1> : tensor<4x2x1x1xi8>
qtrain.param @c0.b = dense<[1, 2, 3, 4]> : tensor<4xi32>
qtrain.param @cls.w = dense<1> : tensor<5x4x1x1xi8>
qtrain.param @cls.b = dense<[1, 2, 3, 4, 5]> : tensor<5xi32>
func.func @main(%x: tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>) -> tensor<1x5x1x1x!qtrain.qi8<0.125, 0>> {
  %w0 = qtrain.get_param @c0.w : tensor<4x2x1x1xi8>
  %b0 = qtrain.get_param @c0.b : tensor<4xi32>
  %y0 = qtrain.conv2d %x, %w0, %b0 {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.25, 0.25, 0.25, 0.25>} : (tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>, tensor<4x2x1x1xi8>, tensor<4xi32>) -> tensor<1x4x2x2x!qtrain.qi8<0.25, -128>>
  %p = qtrain.global_avgpool %y0 : tensor<1x4x2x2x!qtrain.qi8<0.25, -128>> -> tensor<1x4x1x1x!qtrain.qi8<0.25, -128>>
  %cw = qtrain.get_param @cls.w : tensor<5x4x1x1xi8>
  %cb = qtrain.get_param @cls.b : tensor<5xi32>
  %l = qtrain.conv2d %p, %cw, %cb {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.5, 0.5, 0.5, 0.5, 0.5>} : (tensor<1x4x1x1x!qtrain.qi8<0.25, -128>>, tensor<5x4x1x1xi8>, tensor<5xi32>) -> tensor<1x5x1x1x!qtrain.qi8<0.125, 0>>
  func.return %l : tensor<1x5x1x1x!qtrain.qi8<0.125, 0>>
}

// int8 weights classes x C x 1 x 1 = 3x4x1x1 (values not checked), an int32 bias of zeros.
// CHECK:      builtin.module {
// CHECK-NEXT:   qtrain.param @c0.w = dense<1> : tensor<4x2x1x1xi8>
// CHECK-NEXT:   qtrain.param @c0.b = dense<[1, 2, 3, 4]> : tensor<4xi32>
// CHECK-NEXT:   qtrain.param @head.weight trainable = dense<{{.*}}> : tensor<3x4x1x1xi8>
// CHECK-NEXT:   qtrain.param @head.bias trainable = dense<0> : tensor<3xi32>
// CHECK-NOT:  @cls

// Logits are quantized symmetrically to [-8, 8]: scale 8/127 = 0.06299212598425197, zero
// point 0. Three per-channel weight scales (one per class).
// CHECK-LABEL: func.func @main
// CHECK-SAME:  -> tensor<1x3xf32> {
// CHECK:       %p = qtrain.global_avgpool %y0
// CHECK-NEXT:  %[[W:.*]] = qtrain.get_param @head.weight : tensor<3x4x1x1xi8>
// CHECK-NEXT:  %[[B:.*]] = qtrain.get_param @head.bias : tensor<3xi32>
// CHECK-NEXT:  %[[L:.*]] = qtrain.conv2d %p, %[[W]], %[[B]] {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: {{[^,]+}}, {{[^,]+}}, {{[^,]+}}>} : (tensor<1x4x1x1x!qtrain.qi8<0.25, -128>>, tensor<3x4x1x1xi8>, tensor<3xi32>) -> tensor<1x3x1x1x!qtrain.qi8<0.06299212598425197, 0>>
// CHECK-NEXT:  %[[D:.*]] = qtrain.dequantize %[[L]] : tensor<1x3x1x1x!qtrain.qi8<0.06299212598425197, 0>> -> tensor<1x3x1x1xf32>
// CHECK-NEXT:  %[[F:.*]] = qtrain.flatten %[[D]] : tensor<1x3x1x1xf32> -> tensor<1x3xf32>
// CHECK-NEXT:  func.return %[[F]] : tensor<1x3xf32>
// CHECK-NEXT:  }
// CHECK-NOT:   @cls
