// RUN: %tt-opt %s | %tt-opt | %filecheck %s
// RUN: %tt-opt %s --print-op-generic | %tt-opt | %filecheck %s

// Round trip of the fp32 head's gradient ops: linear_grad_input, linear_grad_weight,
// sum_batch (the bias gradient) and reshape (the gradient of flatten).

// Gradients of the fp32 head y = x @ W^T + b (batch 3, 8 -> 10), then back to NCHW.
// CHECK-LABEL: func.func @linear_grads(
// CHECK-SAME:  %[[DY:.*]]: tensor<3x10xf32>, %[[X:.*]]: tensor<3x8xf32>, %[[W:.*]]: tensor<10x8xf32>) -> (tensor<3x8x1x1xf32>, tensor<10x8xf32>, tensor<10xf32>) {
// CHECK-NEXT: %[[DX:.*]] = qtrain.linear_grad_input %[[DY]], %[[W]] : (tensor<3x10xf32>, tensor<10x8xf32>) -> tensor<3x8xf32>
// CHECK-NEXT: %[[DW:.*]] = qtrain.linear_grad_weight %[[DY]], %[[X]] : (tensor<3x10xf32>, tensor<3x8xf32>) -> tensor<10x8xf32>
// CHECK-NEXT: %[[DB:.*]] = qtrain.sum_batch %[[DY]] : tensor<3x10xf32> -> tensor<10xf32>
// CHECK-NEXT: %[[DX4:.*]] = qtrain.reshape %[[DX]] : tensor<3x8xf32> -> tensor<3x8x1x1xf32>
// CHECK-NEXT: func.return %[[DX4]], %[[DW]], %[[DB]] : tensor<3x8x1x1xf32>, tensor<10x8xf32>, tensor<10xf32>
// CHECK-NEXT: }
func.func @linear_grads(%dy: tensor<3x10xf32>, %x: tensor<3x8xf32>, %w: tensor<10x8xf32>) -> (tensor<3x8x1x1xf32>, tensor<10x8xf32>, tensor<10xf32>) {
  %dx = qtrain.linear_grad_input %dy, %w : (tensor<3x10xf32>, tensor<10x8xf32>) -> tensor<3x8xf32>
  %dw = qtrain.linear_grad_weight %dy, %x : (tensor<3x10xf32>, tensor<3x8xf32>) -> tensor<10x8xf32>
  %db = qtrain.sum_batch %dy : tensor<3x10xf32> -> tensor<10xf32>
  %dx4 = qtrain.reshape %dx : tensor<3x8xf32> -> tensor<3x8x1x1xf32>
  func.return %dx4, %dw, %db : tensor<3x8x1x1xf32>, tensor<10x8xf32>, tensor<10xf32>
}

// sum_batch on rank 1 (a rank-0 result) and rank 4; reshape between any equal-size shapes.
// CHECK-LABEL: func.func @sum_and_reshape(
// CHECK-SAME:  %[[A:.*]]: tensor<5xf32>, %[[B:.*]]: tensor<2x3x4x5xf32>) -> (tensor<f32>, tensor<3x4x5xf32>, tensor<4x30xf32>) {
// CHECK-NEXT: %[[S0:.*]] = qtrain.sum_batch %[[A]] : tensor<5xf32> -> tensor<f32>
// CHECK-NEXT: %[[S1:.*]] = qtrain.sum_batch %[[B]] : tensor<2x3x4x5xf32> -> tensor<3x4x5xf32>
// CHECK-NEXT: %[[R:.*]] = qtrain.reshape %[[B]] : tensor<2x3x4x5xf32> -> tensor<4x30xf32>
// CHECK-NEXT: func.return %[[S0]], %[[S1]], %[[R]] : tensor<f32>, tensor<3x4x5xf32>, tensor<4x30xf32>
// CHECK-NEXT: }
func.func @sum_and_reshape(%a: tensor<5xf32>, %b: tensor<2x3x4x5xf32>) -> (tensor<f32>, tensor<3x4x5xf32>, tensor<4x30xf32>) {
  %s0 = qtrain.sum_batch %a : tensor<5xf32> -> tensor<f32>
  %s1 = qtrain.sum_batch %b : tensor<2x3x4x5xf32> -> tensor<3x4x5xf32>
  %r = qtrain.reshape %b : tensor<2x3x4x5xf32> -> tensor<4x30xf32>
  func.return %s0, %s1, %r : tensor<f32>, tensor<3x4x5xf32>, tensor<4x30xf32>
}
