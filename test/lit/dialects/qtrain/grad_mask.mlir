// RUN: %tt-opt %s | %tt-opt | %filecheck %s
// RUN: %tt-opt %s --print-op-generic | %tt-opt | %filecheck %s

// The clamp masks of conv2d and add (optional second result) feeding the gradient ops.

// conv2d with its clamp mask (second result, i1, result shape), consumed by clamp_grad,
// then the conv's requantization and its three gradients: the backward of one layer.
// CHECK-LABEL: func.func @conv_layer_backward(
// CHECK-SAME:  %[[X:.*]]: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %[[W:.*]]: tensor<2x3x3x3xi8>, %[[B:.*]]: tensor<2xi32>, %[[DY:.*]]: tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>, tensor<1x3x8x8xf32>, tensor<2x3x3x3xf32>, tensor<2xf32>) {
// CHECK-NEXT: %[[Y:.*]], %[[MASK:.*]] = qtrain.conv2d %[[X]], %[[W]], %[[B]] {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 1.000000e-02, 2.000000e-02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> (tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>, tensor<1x2x4x4xi1>)
// CHECK-NEXT: %[[D:.*]] = qtrain.clamp_grad %[[DY]], %[[MASK]] : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xi1>) -> tensor<1x2x4x4xf32>
// CHECK-NEXT: %[[G:.*]] = qtrain.requant_grad %[[D]] {multipliers = array<f32: 0.00332031236, 0.00664062472>} : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
// CHECK-NEXT: %[[DX:.*]] = qtrain.conv2d_grad_input %[[G]], %[[W]] {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<2x3x3x3xi8>) -> tensor<1x3x8x8xf32>
// CHECK-NEXT: %[[DW:.*]] = qtrain.conv2d_grad_weight %[[X]], %[[G]] {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<1x2x4x4xf32>) -> tensor<2x3x3x3xf32>
// CHECK-NEXT: %[[DB:.*]] = qtrain.conv2d_grad_bias %[[G]] : tensor<1x2x4x4xf32> -> tensor<2xf32>
// CHECK-NEXT: func.return %[[Y]], %[[DX]], %[[DW]], %[[DB]] : tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>, tensor<1x3x8x8xf32>, tensor<2x3x3x3xf32>, tensor<2xf32>
// CHECK-NEXT: }
func.func @conv_layer_backward(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>, %dy: tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>, tensor<1x3x8x8xf32>, tensor<2x3x3x3xf32>, tensor<2xf32>) {
  %y, %mask = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> (tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>, tensor<1x2x4x4xi1>)
  %d = qtrain.clamp_grad %dy, %mask : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xi1>) -> tensor<1x2x4x4xf32>
  %g = qtrain.requant_grad %d {multipliers = array<f32: 0.00332031236, 0.00664062472>} : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  %dx = qtrain.conv2d_grad_input %g, %w {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<2x3x3x3xi8>) -> tensor<1x3x8x8xf32>
  %dw = qtrain.conv2d_grad_weight %x, %g {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<1x2x4x4xf32>) -> tensor<2x3x3x3xf32>
  %db = qtrain.conv2d_grad_bias %g : tensor<1x2x4x4xf32> -> tensor<2xf32>
  func.return %y, %dx, %dw, %db : tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>, tensor<1x3x8x8xf32>, tensor<2x3x3x3xf32>, tensor<2xf32>
}

// Depthwise conv2d with mask on an odd 7x7 input (stride 2, output 4x4).
// CHECK-LABEL: func.func @depthwise_mask(
// CHECK-SAME:  %[[X:.*]]: tensor<1x4x7x7x!qtrain.qi8<0.1, -128>>, %[[W:.*]]: tensor<4x1x3x3xi8>, %[[B:.*]]: tensor<4xi32>) -> (tensor<1x4x4x4x!qtrain.qi8<0.05, -128>>, tensor<1x4x4x4xi1>) {
// CHECK-NEXT: %[[Y:.*]], %[[MASK:.*]] = qtrain.conv2d %[[X]], %[[W]], %[[B]] {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 4 : i64, w_scales = array<f32: 1.000000e-02, 2.000000e-02, 3.000000e-02, 4.000000e-02>} : (tensor<1x4x7x7x!qtrain.qi8<0.1, -128>>, tensor<4x1x3x3xi8>, tensor<4xi32>) -> (tensor<1x4x4x4x!qtrain.qi8<0.05, -128>>, tensor<1x4x4x4xi1>)
// CHECK-NEXT: func.return %[[Y]], %[[MASK]] : tensor<1x4x4x4x!qtrain.qi8<0.05, -128>>, tensor<1x4x4x4xi1>
// CHECK-NEXT: }
func.func @depthwise_mask(%x: tensor<1x4x7x7x!qtrain.qi8<0.1, -128>>, %w: tensor<4x1x3x3xi8>, %b: tensor<4xi32>) -> (tensor<1x4x4x4x!qtrain.qi8<0.05, -128>>, tensor<1x4x4x4xi1>) {
  %y, %mask = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 4 : i64, w_scales = array<f32: 0.01, 0.02, 0.03, 0.04>} : (tensor<1x4x7x7x!qtrain.qi8<0.1, -128>>, tensor<4x1x3x3xi8>, tensor<4xi32>) -> (tensor<1x4x4x4x!qtrain.qi8<0.05, -128>>, tensor<1x4x4x4xi1>)
  func.return %y, %mask : tensor<1x4x4x4x!qtrain.qi8<0.05, -128>>, tensor<1x4x4x4xi1>
}

// Residual add with its mask, then the add's backward: mask, then the two scale ratios.
// CHECK-LABEL: func.func @add_backward(
// CHECK-SAME:  %[[A:.*]]: tensor<1x8x4x4x!qtrain.qi8<0.1, 3>>, %[[B:.*]]: tensor<1x8x4x4x!qtrain.qi8<0.05, -2>>, %[[DY:.*]]: tensor<1x8x4x4xf32>) -> (tensor<1x8x4x4x!qtrain.qi8<0.12, 0>>, tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) {
// CHECK-NEXT: %[[Y:.*]], %[[MASK:.*]] = qtrain.add %[[A]], %[[B]] : (tensor<1x8x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x8x4x4x!qtrain.qi8<0.05, -2>>) -> (tensor<1x8x4x4x!qtrain.qi8<0.12, 0>>, tensor<1x8x4x4xi1>)
// CHECK-NEXT: %[[D:.*]] = qtrain.clamp_grad %[[DY]], %[[MASK]] : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xi1>) -> tensor<1x8x4x4xf32>
// CHECK-NEXT: %[[DA:.*]], %[[DB:.*]] = qtrain.add_grad %[[D]] {lhs_factor = 0.833333313 : f32, rhs_factor = 0.416666657 : f32} : (tensor<1x8x4x4xf32>) -> (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>)
// CHECK-NEXT: func.return %[[Y]], %[[DA]], %[[DB]] : tensor<1x8x4x4x!qtrain.qi8<0.12, 0>>, tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>
// CHECK-NEXT: }
func.func @add_backward(%a: tensor<1x8x4x4x!qtrain.qi8<0.1, 3>>, %b: tensor<1x8x4x4x!qtrain.qi8<0.05, -2>>, %dy: tensor<1x8x4x4xf32>) -> (tensor<1x8x4x4x!qtrain.qi8<0.12, 0>>, tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) {
  %y, %mask = qtrain.add %a, %b : (tensor<1x8x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x8x4x4x!qtrain.qi8<0.05, -2>>) -> (tensor<1x8x4x4x!qtrain.qi8<0.12, 0>>, tensor<1x8x4x4xi1>)
  %d = qtrain.clamp_grad %dy, %mask : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xi1>) -> tensor<1x8x4x4xf32>
  %da, %db = qtrain.add_grad %d {lhs_factor = 0.833333313 : f32, rhs_factor = 0.416666657 : f32} : (tensor<1x8x4x4xf32>) -> (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>)
  func.return %y, %da, %db : tensor<1x8x4x4x!qtrain.qi8<0.12, 0>>, tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>
}
