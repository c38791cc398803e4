// RUN: %tt-opt %s | %tt-opt | %filecheck %s
// RUN: %tt-opt %s --print-op-generic | %tt-opt | %filecheck %s

// Requantized add with three different quantizations (the docstring example).
// CHECK-LABEL: func.func @add(
// CHECK-SAME:  %[[A:.*]]: tensor<1x8x4x4x!qtrain.qi8<0.1, 3>>, %[[B:.*]]: tensor<1x8x4x4x!qtrain.qi8<0.05, -2>>) -> tensor<1x8x4x4x!qtrain.qi8<0.12, 0>> {
// CHECK-NEXT: %[[Y:.*]] = qtrain.add %[[A]], %[[B]] : (tensor<1x8x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x8x4x4x!qtrain.qi8<0.05, -2>>) -> tensor<1x8x4x4x!qtrain.qi8<0.12, 0>>
// CHECK-NEXT: func.return %[[Y]] : tensor<1x8x4x4x!qtrain.qi8<0.12, 0>>
// CHECK-NEXT: }
func.func @add(%a: tensor<1x8x4x4x!qtrain.qi8<0.1, 3>>, %b: tensor<1x8x4x4x!qtrain.qi8<0.05, -2>>) -> tensor<1x8x4x4x!qtrain.qi8<0.12, 0>> {
  %y = qtrain.add %a, %b : (tensor<1x8x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x8x4x4x!qtrain.qi8<0.05, -2>>) -> tensor<1x8x4x4x!qtrain.qi8<0.12, 0>>
  func.return %y : tensor<1x8x4x4x!qtrain.qi8<0.12, 0>>
}

// Both operands the same value and the same quantization in and out.
// CHECK-LABEL: func.func @add_self(
// CHECK-SAME:  %[[A:.*]]: tensor<2x3x5x7x!qtrain.qi8<0.0235294118, -128>>) -> tensor<2x3x5x7x!qtrain.qi8<0.0235294118, -128>> {
// CHECK-NEXT: %[[Y:.*]] = qtrain.add %[[A]], %[[A]] : (tensor<2x3x5x7x!qtrain.qi8<0.0235294118, -128>>, tensor<2x3x5x7x!qtrain.qi8<0.0235294118, -128>>) -> tensor<2x3x5x7x!qtrain.qi8<0.0235294118, -128>>
// CHECK-NEXT: func.return %[[Y]] : tensor<2x3x5x7x!qtrain.qi8<0.0235294118, -128>>
// CHECK-NEXT: }
func.func @add_self(%a: tensor<2x3x5x7x!qtrain.qi8<0.0235294118, -128>>) -> tensor<2x3x5x7x!qtrain.qi8<0.0235294118, -128>> {
  %y = qtrain.add %a, %a : (tensor<2x3x5x7x!qtrain.qi8<0.0235294118, -128>>, tensor<2x3x5x7x!qtrain.qi8<0.0235294118, -128>>) -> tensor<2x3x5x7x!qtrain.qi8<0.0235294118, -128>>
  func.return %y : tensor<2x3x5x7x!qtrain.qi8<0.0235294118, -128>>
}

// Any rank is accepted, as long as the three shapes agree.
// CHECK-LABEL: func.func @add_rank2(
// CHECK-SAME:  %[[A:.*]]: tensor<1x10x!qtrain.qi8<1.0e-05, 127>>, %[[B:.*]]: tensor<1x10x!qtrain.qi8<2.0e-05, -128>>) -> tensor<1x10x!qtrain.qi8<3.0e-05, -1>> {
// CHECK-NEXT: %[[Y:.*]] = qtrain.add %[[A]], %[[B]] : (tensor<1x10x!qtrain.qi8<1.0e-05, 127>>, tensor<1x10x!qtrain.qi8<2.0e-05, -128>>) -> tensor<1x10x!qtrain.qi8<3.0e-05, -1>>
// CHECK-NEXT: func.return %[[Y]] : tensor<1x10x!qtrain.qi8<3.0e-05, -1>>
// CHECK-NEXT: }
func.func @add_rank2(%a: tensor<1x10x!qtrain.qi8<1.0e-05, 127>>, %b: tensor<1x10x!qtrain.qi8<2.0e-05, -128>>) -> tensor<1x10x!qtrain.qi8<3.0e-05, -1>> {
  %y = qtrain.add %a, %b : (tensor<1x10x!qtrain.qi8<1.0e-05, 127>>, tensor<1x10x!qtrain.qi8<2.0e-05, -128>>) -> tensor<1x10x!qtrain.qi8<3.0e-05, -1>>
  func.return %y : tensor<1x10x!qtrain.qi8<3.0e-05, -1>>
}

// Training form: the second result is the clamp mask (result shape, i1).
// CHECK-LABEL: func.func @add_with_mask(
// CHECK-SAME:  %[[A:.*]]: tensor<1x8x4x4x!qtrain.qi8<0.1, 3>>, %[[B:.*]]: tensor<1x8x4x4x!qtrain.qi8<0.05, -2>>) -> (tensor<1x8x4x4x!qtrain.qi8<0.12, 0>>, tensor<1x8x4x4xi1>) {
// CHECK-NEXT: %[[Y:.*]], %[[MASK:.*]] = qtrain.add %[[A]], %[[B]] : (tensor<1x8x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x8x4x4x!qtrain.qi8<0.05, -2>>) -> (tensor<1x8x4x4x!qtrain.qi8<0.12, 0>>, tensor<1x8x4x4xi1>)
// CHECK-NEXT: func.return %[[Y]], %[[MASK]] : tensor<1x8x4x4x!qtrain.qi8<0.12, 0>>, tensor<1x8x4x4xi1>
// CHECK-NEXT: }
func.func @add_with_mask(%a: tensor<1x8x4x4x!qtrain.qi8<0.1, 3>>, %b: tensor<1x8x4x4x!qtrain.qi8<0.05, -2>>) -> (tensor<1x8x4x4x!qtrain.qi8<0.12, 0>>, tensor<1x8x4x4xi1>) {
  %y, %mask = qtrain.add %a, %b : (tensor<1x8x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x8x4x4x!qtrain.qi8<0.05, -2>>) -> (tensor<1x8x4x4x!qtrain.qi8<0.12, 0>>, tensor<1x8x4x4xi1>)
  func.return %y, %mask : tensor<1x8x4x4x!qtrain.qi8<0.12, 0>>, tensor<1x8x4x4xi1>
}

// A residual block: pointwise conv, then the add of its result and the block input.
// CHECK-LABEL: func.func @residual(
// CHECK-SAME:  %[[X:.*]]: tensor<1x4x6x6x!qtrain.qi8<0.1, -5>>, %[[W:.*]]: tensor<4x4x1x1xi8>, %[[B:.*]]: tensor<4xi32>) -> tensor<1x4x6x6x!qtrain.qi8<0.15, -10>> {
// CHECK-NEXT: %[[C:.*]] = qtrain.conv2d %[[X]], %[[W]], %[[B]] {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 2.500000e-01, 2.500000e-01, 2.500000e-01, 2.500000e-01>} : (tensor<1x4x6x6x!qtrain.qi8<0.1, -5>>, tensor<4x4x1x1xi8>, tensor<4xi32>) -> tensor<1x4x6x6x!qtrain.qi8<0.08, 2>>
// CHECK-NEXT: %[[Y:.*]] = qtrain.add %[[C]], %[[X]] : (tensor<1x4x6x6x!qtrain.qi8<0.08, 2>>, tensor<1x4x6x6x!qtrain.qi8<0.1, -5>>) -> tensor<1x4x6x6x!qtrain.qi8<0.15, -10>>
// CHECK-NEXT: func.return %[[Y]] : tensor<1x4x6x6x!qtrain.qi8<0.15, -10>>
// CHECK-NEXT: }
func.func @residual(%x: tensor<1x4x6x6x!qtrain.qi8<0.1, -5>>, %w: tensor<4x4x1x1xi8>, %b: tensor<4xi32>) -> tensor<1x4x6x6x!qtrain.qi8<0.15, -10>> {
  %c = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.25, 0.25, 0.25, 0.25>} : (tensor<1x4x6x6x!qtrain.qi8<0.1, -5>>, tensor<4x4x1x1xi8>, tensor<4xi32>) -> tensor<1x4x6x6x!qtrain.qi8<0.08, 2>>
  %y = qtrain.add %c, %x : (tensor<1x4x6x6x!qtrain.qi8<0.08, 2>>, tensor<1x4x6x6x!qtrain.qi8<0.1, -5>>) -> tensor<1x4x6x6x!qtrain.qi8<0.15, -10>>
  func.return %y : tensor<1x4x6x6x!qtrain.qi8<0.15, -10>>
}
