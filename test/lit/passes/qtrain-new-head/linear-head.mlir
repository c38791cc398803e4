// RUN: %tt-opt %s -p 'qtrain-new-head{classes=3 seed=0}' | %filecheck %s

// conv (1x1, 2 -> 4 channels) -> avgpool -> dequantize -> flatten -> fp32 linear (4 -> 2).
// The linear head is replaced by a new trainable one with 3 classes, on the same flattened
// features: no second dequantize/flatten is inserted.

qtrain.param @c0.w = dense<1> : tensor<4x2x1x1xi8>
qtrain.param @c0.b = dense<[1, 2, 3, 4]> : tensor<4xi32>
qtrain.param @fc.w = dense<0.5> : tensor<2x4xf32>
qtrain.param @fc.b = dense<[0.1, 0.2]> : tensor<2xf32>
func.func @main(%x: tensor<2x2x2x2x!qtrain.qi8<0.5, 0>>) -> tensor<2x2xf32> {
  %w0 = qtrain.get_param @c0.w : tensor<4x2x1x1xi8>
  %b0 = qtrain.get_param @c0.b : tensor<4xi32>
  %y0 = qtrain.conv2d %x, %w0, %b0 {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.25, 0.25, 0.25, 0.25>} : (tensor<2x2x2x2x!qtrain.qi8<0.5, 0>>, tensor<4x2x1x1xi8>, tensor<4xi32>) -> tensor<2x4x2x2x!qtrain.qi8<0.25, -128>>
  %p = qtrain.global_avgpool %y0 : tensor<2x4x2x2x!qtrain.qi8<0.25, -128>> -> tensor<2x4x1x1x!qtrain.qi8<0.25, -128>>
  %d = qtrain.dequantize %p : tensor<2x4x1x1x!qtrain.qi8<0.25, -128>> -> tensor<2x4x1x1xf32>
  %f = qtrain.flatten %d : tensor<2x4x1x1xf32> -> tensor<2x4xf32>
  %fw = qtrain.get_param @fc.w : tensor<2x4xf32>
  %fb = qtrain.get_param @fc.b : tensor<2xf32>
  %l = qtrain.linear %f, %fw, %fb : (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  func.return %l : tensor<2x2xf32>
}

// @fc.w and @fc.b are gone; the new head is classes x C = 3 x 4 (C = 4 features of the old
// head's input), trainable, values in [-1/sqrt(4), 1/sqrt(4)] = [-0.5, 0.5].
// CHECK:      builtin.module {
// CHECK-NEXT:   qtrain.param @c0.w = dense<1> : tensor<4x2x1x1xi8>
// CHECK-NEXT:   qtrain.param @c0.b = dense<[1, 2, 3, 4]> : tensor<4xi32>
// CHECK-NEXT:   qtrain.param @head.weight trainable = dense<{{\[(\[(-?0\.[0-4][0-9]*(, )?){4}\](, )?){3}\]}}> : tensor<3x4xf32>
// CHECK-NEXT:   qtrain.param @head.bias trainable = dense<{{\[(-?0\.[0-4][0-9]*(, )?){3}\]}}> : tensor<3xf32>
// CHECK-NOT:  @fc.

// Batch 2: the logits become 2 x 3.
// CHECK-LABEL: func.func @main
// CHECK-SAME:  (%x: tensor<2x2x2x2x!qtrain.qi8<0.5, 0>>) -> tensor<2x3xf32> {
// CHECK:       %f = qtrain.flatten %d : tensor<2x4x1x1xf32> -> tensor<2x4xf32>
// CHECK-NEXT:  %[[W:.*]] = qtrain.get_param @head.weight : tensor<3x4xf32>
// CHECK-NEXT:  %[[B:.*]] = qtrain.get_param @head.bias : tensor<3xf32>
// CHECK-NEXT:  %[[L:.*]] = qtrain.linear %f, %[[W]], %[[B]] : (tensor<2x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:  func.return %[[L]] : tensor<2x3xf32>
// CHECK-NEXT:  }
// CHECK-NEXT: }
// CHECK-NOT:   @fc.
