// RUN: %tt-opt %s -p 'qtrain-new-head{classes=3 seed=0}' | %filecheck %s

// conv (1x1, 2 -> 4 channels) -> avgpool -> int8 classifier (1x1 conv, 4 -> 5 classes, on
// the pooled 1x1 features). The classifier is replaced by a trainable fp32 linear head with
// 3 classes on the same pooled features, reached through dequantize and flatten.

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

// The backbone's parameters stay (not trainable); the classifier's @cls.w and @cls.b are
// gone; the new head's parameters follow, both trainable f32: weight classes x C = 3 x 4,
// bias 3. Their values are drawn uniformly in [-1/sqrt(C), 1/sqrt(C)] = [-0.5, 0.5]:
// the weight is matched as 3 rows of 4 numbers of magnitude below 0.5 (`-?0.[0-4]...`),
// not value by value (test/lit/passes/qtrain-new-head/seed.mlir checks determinism).
// CHECK:      builtin.module {
// CHECK-NEXT:   qtrain.param @c0.w = dense<1> : tensor<4x2x1x1xi8>
// CHECK-NEXT:   qtrain.param @c0.b = dense<[1, 2, 3, 4]> : tensor<4xi32>
// CHECK-NEXT:   qtrain.param @head.weight trainable = dense<{{\[(\[(-?0\.[0-4][0-9]*(, )?){4}\](, )?){3}\]}}> : tensor<3x4xf32>
// CHECK-NEXT:   qtrain.param @head.bias trainable = dense<{{\[(-?0\.[0-4][0-9]*(, )?){3}\]}}> : tensor<3xf32>
// CHECK-NOT:  @cls

// The result type is now the fp32 logits 1 x 3. The pooled int8 features (scale 0.25,
// zero point -128) are dequantized to f32 1x4x1x1 and flattened to 1 x 4 = N x C.
// CHECK-LABEL: func.func @main
// CHECK-SAME:  (%x: tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>) -> tensor<1x3xf32> {
// CHECK:       %p = qtrain.global_avgpool %y0
// CHECK-NEXT:  %[[D:.*]] = qtrain.dequantize %p : tensor<1x4x1x1x!qtrain.qi8<0.25, -128>> -> tensor<1x4x1x1xf32>
// CHECK-NEXT:  %[[F:.*]] = qtrain.flatten %[[D]] : tensor<1x4x1x1xf32> -> tensor<1x4xf32>
// CHECK-NEXT:  %[[W:.*]] = qtrain.get_param @head.weight : tensor<3x4xf32>
// CHECK-NEXT:  %[[B:.*]] = qtrain.get_param @head.bias : tensor<3xf32>
// CHECK-NEXT:  %[[L:.*]] = qtrain.linear %[[F]], %[[W]], %[[B]] : (tensor<1x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<1x3xf32>
// CHECK-NEXT:  func.return %[[L]] : tensor<1x3xf32>
// CHECK-NEXT:  }
// CHECK-NEXT: }
// The old classifier conv and its get_param reads are erased, too.
// CHECK-NOT:   @cls
