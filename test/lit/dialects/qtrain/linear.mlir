// RUN: %tt-opt %s | %tt-opt | %filecheck %s
// RUN: %tt-opt %s --print-op-generic | %tt-opt | %filecheck %s

// y = x @ W^T + b (the docstring example).
// CHECK-LABEL: func.func @linear(
// CHECK-SAME:  %[[X:.*]]: tensor<1x8xf32>, %[[W:.*]]: tensor<10x8xf32>, %[[B:.*]]: tensor<10xf32>) -> tensor<1x10xf32> {
// CHECK-NEXT: %[[Y:.*]] = qtrain.linear %[[X]], %[[W]], %[[B]] : (tensor<1x8xf32>, tensor<10x8xf32>, tensor<10xf32>) -> tensor<1x10xf32>
// CHECK-NEXT: func.return %[[Y]] : tensor<1x10xf32>
// CHECK-NEXT: }
func.func @linear(%x: tensor<1x8xf32>, %w: tensor<10x8xf32>, %b: tensor<10xf32>) -> tensor<1x10xf32> {
  %y = qtrain.linear %x, %w, %b : (tensor<1x8xf32>, tensor<10x8xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  func.return %y : tensor<1x10xf32>
}

// Batch 4, odd sizes, a single output feature.
// CHECK-LABEL: func.func @linear_batch(
// CHECK-SAME:  %[[X:.*]]: tensor<4x13xf32>, %[[W:.*]]: tensor<1x13xf32>, %[[B:.*]]: tensor<1xf32>) -> tensor<4x1xf32> {
// CHECK-NEXT: %[[Y:.*]] = qtrain.linear %[[X]], %[[W]], %[[B]] : (tensor<4x13xf32>, tensor<1x13xf32>, tensor<1xf32>) -> tensor<4x1xf32>
// CHECK-NEXT: func.return %[[Y]] : tensor<4x1xf32>
// CHECK-NEXT: }
func.func @linear_batch(%x: tensor<4x13xf32>, %w: tensor<1x13xf32>, %b: tensor<1xf32>) -> tensor<4x1xf32> {
  %y = qtrain.linear %x, %w, %b : (tensor<4x13xf32>, tensor<1x13xf32>, tensor<1xf32>) -> tensor<4x1xf32>
  func.return %y : tensor<4x1xf32>
}

// The classifier head as the importer emits it: trainable fp32 parameters.
// CHECK: qtrain.param @head.weight trainable = dense<{{\[\[}}5.000000e-01, -2.500000e-01, 1.000000e-05], [0.000000e+00, 2.000000e+00, -3.500000e+00]]> : tensor<2x3xf32>
qtrain.param @head.weight trainable = dense<[[0.5, -0.25, 1.0e-05], [0.0, 2.0, -3.5]]> : tensor<2x3xf32>
// CHECK: qtrain.param @head.bias trainable = dense<[1.250000e-01, -1.000000e+00]> : tensor<2xf32>
qtrain.param @head.bias trainable = dense<[0.125, -1.0]> : tensor<2xf32>

// CHECK-LABEL: func.func @head(
// CHECK-SAME:  %[[X:.*]]: tensor<1x3x1x1x!qtrain.qi8<0.0235294118, -128>>) -> tensor<1x2xf32> {
// CHECK-NEXT: %[[F:.*]] = qtrain.dequantize %[[X]] : tensor<1x3x1x1x!qtrain.qi8<0.0235294118, -128>> -> tensor<1x3x1x1xf32>
// CHECK-NEXT: %[[FLAT:.*]] = qtrain.flatten %[[F]] : tensor<1x3x1x1xf32> -> tensor<1x3xf32>
// CHECK-NEXT: %[[W:.*]] = qtrain.get_param @head.weight : tensor<2x3xf32>
// CHECK-NEXT: %[[B:.*]] = qtrain.get_param @head.bias : tensor<2xf32>
// CHECK-NEXT: %[[Y:.*]] = qtrain.linear %[[FLAT]], %[[W]], %[[B]] : (tensor<1x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<1x2xf32>
// CHECK-NEXT: func.return %[[Y]] : tensor<1x2xf32>
// CHECK-NEXT: }
func.func @head(%x: tensor<1x3x1x1x!qtrain.qi8<0.0235294118, -128>>) -> tensor<1x2xf32> {
  %f = qtrain.dequantize %x : tensor<1x3x1x1x!qtrain.qi8<0.0235294118, -128>> -> tensor<1x3x1x1xf32>
  %flat = qtrain.flatten %f : tensor<1x3x1x1xf32> -> tensor<1x3xf32>
  %w = qtrain.get_param @head.weight : tensor<2x3xf32>
  %b = qtrain.get_param @head.bias : tensor<2xf32>
  %y = qtrain.linear %flat, %w, %b : (tensor<1x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  func.return %y : tensor<1x2xf32>
}
