// RUN: %tt-opt %s -p qtrain-append-loss | %filecheck %s
// RUN: %tt-opt %s -p 'qtrain-append-loss{function=batch2 train_function=train_batch2}' | %filecheck %s --check-prefix=B2

// A forward model (conv -> avgpool -> dequantize -> flatten -> linear, 3 classes) and the
// same head alone at batch 2, used with the `function` / `train_function` options.

qtrain.param @c.w = dense<1> : tensor<4x2x1x1xi8>
qtrain.param @c.b = dense<[1, 2, 3, 4]> : tensor<4xi32>
qtrain.param @fc.w = dense<0.5> : tensor<3x4xf32>
qtrain.param @fc.b = dense<[0.1, 0.2, 0.3]> : tensor<3xf32>
func.func @main(%x: tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>) -> tensor<1x3xf32> {
  %w = qtrain.get_param @c.w : tensor<4x2x1x1xi8>
  %b = qtrain.get_param @c.b : tensor<4xi32>
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.25, 0.25, 0.25, 0.25>} : (tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>, tensor<4x2x1x1xi8>, tensor<4xi32>) -> tensor<1x4x2x2x!qtrain.qi8<0.25, -128>>
  %p = qtrain.global_avgpool %y : tensor<1x4x2x2x!qtrain.qi8<0.25, -128>> -> tensor<1x4x1x1x!qtrain.qi8<0.25, -128>>
  %d = qtrain.dequantize %p : tensor<1x4x1x1x!qtrain.qi8<0.25, -128>> -> tensor<1x4x1x1xf32>
  %f = qtrain.flatten %d : tensor<1x4x1x1xf32> -> tensor<1x4xf32>
  %fw = qtrain.get_param @fc.w : tensor<3x4xf32>
  %fb = qtrain.get_param @fc.b : tensor<3xf32>
  %l = qtrain.linear %f, %fw, %fb : (tensor<1x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<1x3xf32>
  func.return %l : tensor<1x3xf32>
}
func.func @batch2(%f: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %fw = qtrain.get_param @fc.w : tensor<3x4xf32>
  %fb = qtrain.get_param @fc.b : tensor<3xf32>
  %l = qtrain.linear %f, %fw, %fb : (tensor<2x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  func.return %l : tensor<2x3xf32>
}

// @main is kept as it was, for inference (same signature, still returns the logits)...
// CHECK-LABEL: func.func @main(%x: tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>) -> tensor<1x3xf32> {
// CHECK:       func.return %l : tensor<1x3xf32>
// CHECK-NEXT:  }
// ...and @train_step follows it: the same body, one more argument (the labels, one i32 per
// row of the 1 x 3 logits: tensor<1xi32>), and the mean cross-entropy tensor<f32> as its
// only result. No backward pass yet, and the conv has no clamp mask yet.
// CHECK-NEXT:  func.func @train_step(%x: tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>, %[[LABEL:[^:]*]]: tensor<1xi32>) -> tensor<f32> {
// CHECK-NEXT:    %w = qtrain.get_param @c.w : tensor<4x2x1x1xi8>
// CHECK-NEXT:    %b = qtrain.get_param @c.b : tensor<4xi32>
// CHECK-NEXT:    %y = qtrain.conv2d %x, %w, %b {{.*}} -> tensor<1x4x2x2x!qtrain.qi8<0.25, -128>>
// CHECK-NEXT:    %p = qtrain.global_avgpool %y
// CHECK-NEXT:    %d = qtrain.dequantize %p
// CHECK-NEXT:    %f = qtrain.flatten %d
// CHECK-NEXT:    %fw = qtrain.get_param @fc.w : tensor<3x4xf32>
// CHECK-NEXT:    %fb = qtrain.get_param @fc.b : tensor<3xf32>
// CHECK-NEXT:    %l = qtrain.linear %f, %fw, %fb
// CHECK-NEXT:    %[[LOSS:.*]] = qtrain.softmax_cross_entropy %l, %[[LABEL]] : (tensor<1x3xf32>, tensor<1xi32>) -> tensor<f32>
// CHECK-NEXT:    func.return %[[LOSS]] : tensor<f32>
// CHECK-NEXT:  }
// CHECK-NEXT:  func.func @batch2
// CHECK-NOT:   qtrain.softmax_cross_entropy
// CHECK-NOT:   func.func

// Batch 2: two labels. The new function goes right after its source, @batch2; @main gets
// no training twin.
// B2-LABEL: func.func @main(
// B2-NOT:   qtrain.softmax_cross_entropy
// B2-LABEL: func.func @batch2(%f: tensor<2x4xf32>) -> tensor<2x3xf32> {
// B2:       func.return %l : tensor<2x3xf32>
// B2-NEXT:  }
// B2-NEXT:  func.func @train_batch2(%f: tensor<2x4xf32>, %[[LABEL:[^:]*]]: tensor<2xi32>) -> tensor<f32> {
// B2-NEXT:    %fw = qtrain.get_param @fc.w : tensor<3x4xf32>
// B2-NEXT:    %fb = qtrain.get_param @fc.b : tensor<3xf32>
// B2-NEXT:    %l = qtrain.linear %f, %fw, %fb : (tensor<2x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// B2-NEXT:    %[[LOSS:.*]] = qtrain.softmax_cross_entropy %l, %[[LABEL]] : (tensor<2x3xf32>, tensor<2xi32>) -> tensor<f32>
// B2-NEXT:    func.return %[[LOSS]] : tensor<f32>
// B2-NEXT:  }
// B2-NEXT: }
