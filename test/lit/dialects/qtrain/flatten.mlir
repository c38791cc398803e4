// RUN: %tt-opt %s | %tt-opt | %filecheck %s
// RUN: %tt-opt %s --print-op-generic | %tt-opt | %filecheck %s

// N x C x H x W -> N x (C*H*W) (the docstring example).
// CHECK-LABEL: func.func @flatten(
// CHECK-SAME:  %[[X:.*]]: tensor<1x8x1x1xf32>) -> tensor<1x8xf32> {
// CHECK-NEXT: %[[Y:.*]] = qtrain.flatten %[[X]] : tensor<1x8x1x1xf32> -> tensor<1x8xf32>
// CHECK-NEXT: func.return %[[Y]] : tensor<1x8xf32>
// CHECK-NEXT: }
func.func @flatten(%x: tensor<1x8x1x1xf32>) -> tensor<1x8xf32> {
  %y = qtrain.flatten %x : tensor<1x8x1x1xf32> -> tensor<1x8xf32>
  func.return %y : tensor<1x8xf32>
}

// Odd non-square spatial sizes and batch 2: 3 * 5 * 7 = 105.
// CHECK-LABEL: func.func @flatten_odd(
// CHECK-SAME:  %[[X:.*]]: tensor<2x3x5x7xf32>) -> tensor<2x105xf32> {
// CHECK-NEXT: %[[Y:.*]] = qtrain.flatten %[[X]] : tensor<2x3x5x7xf32> -> tensor<2x105xf32>
// CHECK-NEXT: func.return %[[Y]] : tensor<2x105xf32>
// CHECK-NEXT: }
func.func @flatten_odd(%x: tensor<2x3x5x7xf32>) -> tensor<2x105xf32> {
  %y = qtrain.flatten %x : tensor<2x3x5x7xf32> -> tensor<2x105xf32>
  func.return %y : tensor<2x105xf32>
}

// Rank 3 and rank 2 inputs (rank 2 is the identity reshape).
// CHECK-LABEL: func.func @flatten_ranks(
// CHECK-SAME:  %[[A:.*]]: tensor<4x6x9xf32>, %[[B:.*]]: tensor<3x11xf32>) -> (tensor<4x54xf32>, tensor<3x11xf32>) {
// CHECK-NEXT: %[[YA:.*]] = qtrain.flatten %[[A]] : tensor<4x6x9xf32> -> tensor<4x54xf32>
// CHECK-NEXT: %[[YB:.*]] = qtrain.flatten %[[B]] : tensor<3x11xf32> -> tensor<3x11xf32>
// CHECK-NEXT: func.return %[[YA]], %[[YB]] : tensor<4x54xf32>, tensor<3x11xf32>
// CHECK-NEXT: }
func.func @flatten_ranks(%a: tensor<4x6x9xf32>, %b: tensor<3x11xf32>) -> (tensor<4x54xf32>, tensor<3x11xf32>) {
  %ya = qtrain.flatten %a : tensor<4x6x9xf32> -> tensor<4x54xf32>
  %yb = qtrain.flatten %b : tensor<3x11xf32> -> tensor<3x11xf32>
  func.return %ya, %yb : tensor<4x54xf32>, tensor<3x11xf32>
}

// int8 activations flatten too; the quantization is carried over unchanged.
// CHECK-LABEL: func.func @flatten_qi8(
// CHECK-SAME:  %[[X:.*]]: tensor<1x16x2x2x!qtrain.qi8<0.0235294118, -128>>) -> tensor<1x64x!qtrain.qi8<0.0235294118, -128>> {
// CHECK-NEXT: %[[Y:.*]] = qtrain.flatten %[[X]] : tensor<1x16x2x2x!qtrain.qi8<0.0235294118, -128>> -> tensor<1x64x!qtrain.qi8<0.0235294118, -128>>
// CHECK-NEXT: func.return %[[Y]] : tensor<1x64x!qtrain.qi8<0.0235294118, -128>>
// CHECK-NEXT: }
func.func @flatten_qi8(%x: tensor<1x16x2x2x!qtrain.qi8<0.0235294118, -128>>) -> tensor<1x64x!qtrain.qi8<0.0235294118, -128>> {
  %y = qtrain.flatten %x : tensor<1x16x2x2x!qtrain.qi8<0.0235294118, -128>> -> tensor<1x64x!qtrain.qi8<0.0235294118, -128>>
  func.return %y : tensor<1x64x!qtrain.qi8<0.0235294118, -128>>
}
