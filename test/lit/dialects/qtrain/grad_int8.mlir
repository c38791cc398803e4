// RUN: %tt-opt %s | %tt-opt | %filecheck %s
// RUN: %tt-opt %s --print-op-generic | %tt-opt | %filecheck %s

// Round trip of the elementwise gradient ops of the int8 part: dequantize_grad,
// global_avgpool_grad, clamp_grad, add_grad, requant_grad. Float properties print in the
// shortest form that keeps their bits: f64 0.0235294118 as is, f32 1.4285714 as 1.42857134.

// From the head back into the int8 domain: dequantize_grad (dq = d(real) * f32(s)),
// then the average pool's spread over 5x5.
// CHECK-LABEL: func.func @pool_path(
// CHECK-SAME:  %[[DY:.*]]: tensor<1x8x1x1xf32>) -> tensor<1x8x5x5xf32> {
// CHECK-NEXT: %[[DQ:.*]] = qtrain.dequantize_grad %[[DY]] {scale = 0.0235294118 : f64} : tensor<1x8x1x1xf32> -> tensor<1x8x1x1xf32>
// CHECK-NEXT: %[[DX:.*]] = qtrain.global_avgpool_grad %[[DQ]] : tensor<1x8x1x1xf32> -> tensor<1x8x5x5xf32>
// CHECK-NEXT: func.return %[[DX]] : tensor<1x8x5x5xf32>
// CHECK-NEXT: }
func.func @pool_path(%dy: tensor<1x8x1x1xf32>) -> tensor<1x8x5x5xf32> {
  %dq = qtrain.dequantize_grad %dy {scale = 0.0235294118 : f64} : tensor<1x8x1x1xf32> -> tensor<1x8x1x1xf32>
  %dx = qtrain.global_avgpool_grad %dq : tensor<1x8x1x1xf32> -> tensor<1x8x5x5xf32>
  func.return %dx : tensor<1x8x5x5xf32>
}

// Through a clamp mask, then a residual add (two results) and a conv's requantization.
// CHECK-LABEL: func.func @clamp_add_requant(
// CHECK-SAME:  %[[DY:.*]]: tensor<1x2x4x4xf32>, %[[MASK:.*]]: tensor<1x2x4x4xi1>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
// CHECK-NEXT: %[[G:.*]] = qtrain.clamp_grad %[[DY]], %[[MASK]] : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xi1>) -> tensor<1x2x4x4xf32>
// CHECK-NEXT: %[[DA:.*]], %[[DB:.*]] = qtrain.add_grad %[[G]] {lhs_factor = 5.000000e-01 : f32, rhs_factor = 1.42857134 : f32} : (tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>)
// CHECK-NEXT: %[[ACC:.*]] = qtrain.requant_grad %[[DA]] {multipliers = array<f32: 2.500000e-01, 0.0186334457>} : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
// CHECK-NEXT: func.return %[[ACC]], %[[DB]] : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
// CHECK-NEXT: }
func.func @clamp_add_requant(%dy: tensor<1x2x4x4xf32>, %mask: tensor<1x2x4x4xi1>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %g = qtrain.clamp_grad %dy, %mask : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xi1>) -> tensor<1x2x4x4xf32>
  %da, %db = qtrain.add_grad %g {lhs_factor = 0.5 : f32, rhs_factor = 1.4285714 : f32} : (tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>)
  %acc = qtrain.requant_grad %da {multipliers = array<f32: 0.25, 0.0186334457>} : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  func.return %acc, %db : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}

// dequantize_grad and clamp_grad accept any rank; negative add factors are allowed.
// CHECK-LABEL: func.func @other_ranks(
// CHECK-SAME:  %[[A:.*]]: tensor<2x10xf32>, %[[M:.*]]: tensor<2x10xi1>) -> (tensor<2x10xf32>, tensor<2x10xf32>, tensor<2x10xf32>) {
// CHECK-NEXT: %[[DQ:.*]] = qtrain.dequantize_grad %[[A]] {scale = 2.000000e+00 : f64} : tensor<2x10xf32> -> tensor<2x10xf32>
// CHECK-NEXT: %[[G:.*]] = qtrain.clamp_grad %[[DQ]], %[[M]] : (tensor<2x10xf32>, tensor<2x10xi1>) -> tensor<2x10xf32>
// CHECK-NEXT: %[[DA:.*]], %[[DB:.*]] = qtrain.add_grad %[[G]] {lhs_factor = -1.000000e+00 : f32, rhs_factor = 0.000000e+00 : f32} : (tensor<2x10xf32>) -> (tensor<2x10xf32>, tensor<2x10xf32>)
// CHECK-NEXT: func.return %[[G]], %[[DA]], %[[DB]] : tensor<2x10xf32>, tensor<2x10xf32>, tensor<2x10xf32>
// CHECK-NEXT: }
func.func @other_ranks(%a: tensor<2x10xf32>, %m: tensor<2x10xi1>) -> (tensor<2x10xf32>, tensor<2x10xf32>, tensor<2x10xf32>) {
  %dq = qtrain.dequantize_grad %a {scale = 2.0 : f64} : tensor<2x10xf32> -> tensor<2x10xf32>
  %g = qtrain.clamp_grad %dq, %m : (tensor<2x10xf32>, tensor<2x10xi1>) -> tensor<2x10xf32>
  %da, %db = qtrain.add_grad %g {lhs_factor = -1.0 : f32, rhs_factor = 0.0 : f32} : (tensor<2x10xf32>) -> (tensor<2x10xf32>, tensor<2x10xf32>)
  func.return %g, %da, %db : tensor<2x10xf32>, tensor<2x10xf32>, tensor<2x10xf32>
}
