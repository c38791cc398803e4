// RUN: %tt-opt %s | %tt-opt | %filecheck %s
// RUN: %tt-opt %s --print-op-generic | %tt-opt | %filecheck %s

// Round trip of the convolution gradients: conv2d_grad_input (regular, strided with
// asymmetric padding, depthwise, grouped), conv2d_grad_weight (full, leading-channel
// partial, depthwise partial, from a saved slice) and conv2d_grad_bias.

// Regular 3x3 conv, stride 1, pad 1 (the docstring examples): input, weight and bias gradients.
// CHECK-LABEL: func.func @regular(
// CHECK-SAME:  %[[G:.*]]: tensor<1x2x4x4xf32>, %[[W:.*]]: tensor<2x3x3x3xi8>, %[[X:.*]]: tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>) -> (tensor<1x3x4x4xf32>, tensor<2x3x3x3xf32>, tensor<2xf32>) {
// CHECK-NEXT: %[[DX:.*]] = qtrain.conv2d_grad_input %[[G]], %[[W]] {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<2x3x3x3xi8>) -> tensor<1x3x4x4xf32>
// CHECK-NEXT: %[[DW:.*]] = qtrain.conv2d_grad_weight %[[X]], %[[G]] {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x2x4x4xf32>) -> tensor<2x3x3x3xf32>
// CHECK-NEXT: %[[DB:.*]] = qtrain.conv2d_grad_bias %[[G]] : tensor<1x2x4x4xf32> -> tensor<2xf32>
// CHECK-NEXT: func.return %[[DX]], %[[DW]], %[[DB]] : tensor<1x3x4x4xf32>, tensor<2x3x3x3xf32>, tensor<2xf32>
// CHECK-NEXT: }
func.func @regular(%g: tensor<1x2x4x4xf32>, %w: tensor<2x3x3x3xi8>, %x: tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>) -> (tensor<1x3x4x4xf32>, tensor<2x3x3x3xf32>, tensor<2xf32>) {
  %dx = qtrain.conv2d_grad_input %g, %w {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<2x3x3x3xi8>) -> tensor<1x3x4x4xf32>
  %dw = qtrain.conv2d_grad_weight %x, %g {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x2x4x4xf32>) -> tensor<2x3x3x3xf32>
  %db = qtrain.conv2d_grad_bias %g : tensor<1x2x4x4xf32> -> tensor<2xf32>
  func.return %dx, %dw, %db : tensor<1x3x4x4xf32>, tensor<2x3x3x3xf32>, tensor<2xf32>
}

// Stride 2 with asymmetric padding [1, 0, 2, 1] on an odd 7x7 input (output 4x3), and a
// partial weight gradient for the first 2 of 3 input channels.
// CHECK-LABEL: func.func @stride2_asym_partial(
// CHECK-SAME:  %[[G:.*]]: tensor<2x4x4x3xf32>, %[[W:.*]]: tensor<4x3x3x3xi8>, %[[X:.*]]: tensor<2x3x7x7x!qtrain.qi8<0.0078125, -128>>) -> (tensor<2x3x7x7xf32>, tensor<4x2x3x3xf32>) {
// CHECK-NEXT: %[[DX:.*]] = qtrain.conv2d_grad_input %[[G]], %[[W]] {stride = array<i64: 2, 2>, pad = array<i64: 1, 0, 2, 1>, groups = 1 : i64} : (tensor<2x4x4x3xf32>, tensor<4x3x3x3xi8>) -> tensor<2x3x7x7xf32>
// CHECK-NEXT: %[[DW:.*]] = qtrain.conv2d_grad_weight %[[X]], %[[G]] {stride = array<i64: 2, 2>, pad = array<i64: 1, 0, 2, 1>, groups = 1 : i64} : (tensor<2x3x7x7x!qtrain.qi8<0.0078125, -128>>, tensor<2x4x4x3xf32>) -> tensor<4x2x3x3xf32>
// CHECK-NEXT: func.return %[[DX]], %[[DW]] : tensor<2x3x7x7xf32>, tensor<4x2x3x3xf32>
// CHECK-NEXT: }
func.func @stride2_asym_partial(%g: tensor<2x4x4x3xf32>, %w: tensor<4x3x3x3xi8>, %x: tensor<2x3x7x7x!qtrain.qi8<0.0078125, -128>>) -> (tensor<2x3x7x7xf32>, tensor<4x2x3x3xf32>) {
  %dx = qtrain.conv2d_grad_input %g, %w {stride = array<i64: 2, 2>, pad = array<i64: 1, 0, 2, 1>, groups = 1 : i64} : (tensor<2x4x4x3xf32>, tensor<4x3x3x3xi8>) -> tensor<2x3x7x7xf32>
  %dw = qtrain.conv2d_grad_weight %x, %g {stride = array<i64: 2, 2>, pad = array<i64: 1, 0, 2, 1>, groups = 1 : i64} : (tensor<2x3x7x7x!qtrain.qi8<0.0078125, -128>>, tensor<2x4x4x3xf32>) -> tensor<4x2x3x3xf32>
  func.return %dx, %dw : tensor<2x3x7x7xf32>, tensor<4x2x3x3xf32>
}

// Depthwise 3x3, stride 2 on 9x9 (output 5x5): input gradient and the first 3 of 8 channels.
// CHECK-LABEL: func.func @depthwise(
// CHECK-SAME:  %[[G:.*]]: tensor<1x8x5x5xf32>, %[[W:.*]]: tensor<8x1x3x3xi8>, %[[X:.*]]: tensor<1x8x9x9x!qtrain.qi8<0.1, -128>>) -> (tensor<1x8x9x9xf32>, tensor<3x1x3x3xf32>) {
// CHECK-NEXT: %[[DX:.*]] = qtrain.conv2d_grad_input %[[G]], %[[W]] {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 8 : i64} : (tensor<1x8x5x5xf32>, tensor<8x1x3x3xi8>) -> tensor<1x8x9x9xf32>
// CHECK-NEXT: %[[DW:.*]] = qtrain.conv2d_grad_weight %[[X]], %[[G]] {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 8 : i64} : (tensor<1x8x9x9x!qtrain.qi8<0.1, -128>>, tensor<1x8x5x5xf32>) -> tensor<3x1x3x3xf32>
// CHECK-NEXT: func.return %[[DX]], %[[DW]] : tensor<1x8x9x9xf32>, tensor<3x1x3x3xf32>
// CHECK-NEXT: }
func.func @depthwise(%g: tensor<1x8x5x5xf32>, %w: tensor<8x1x3x3xi8>, %x: tensor<1x8x9x9x!qtrain.qi8<0.1, -128>>) -> (tensor<1x8x9x9xf32>, tensor<3x1x3x3xf32>) {
  %dx = qtrain.conv2d_grad_input %g, %w {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 8 : i64} : (tensor<1x8x5x5xf32>, tensor<8x1x3x3xi8>) -> tensor<1x8x9x9xf32>
  %dw = qtrain.conv2d_grad_weight %x, %g {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 8 : i64} : (tensor<1x8x9x9x!qtrain.qi8<0.1, -128>>, tensor<1x8x5x5xf32>) -> tensor<3x1x3x3xf32>
  func.return %dx, %dw : tensor<1x8x9x9xf32>, tensor<3x1x3x3xf32>
}

// Grouped conv (4 -> 6 channels, 2 groups): only the input gradient exists.
// CHECK-LABEL: func.func @grouped(
// CHECK-SAME:  %[[G:.*]]: tensor<1x6x6x6xf32>, %[[W:.*]]: tensor<6x2x3x3xi8>) -> tensor<1x4x6x6xf32> {
// CHECK-NEXT: %[[DX:.*]] = qtrain.conv2d_grad_input %[[G]], %[[W]] {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 2 : i64} : (tensor<1x6x6x6xf32>, tensor<6x2x3x3xi8>) -> tensor<1x4x6x6xf32>
// CHECK-NEXT: func.return %[[DX]] : tensor<1x4x6x6xf32>
// CHECK-NEXT: }
func.func @grouped(%g: tensor<1x6x6x6xf32>, %w: tensor<6x2x3x3xi8>) -> tensor<1x4x6x6xf32> {
  %dx = qtrain.conv2d_grad_input %g, %w {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 2 : i64} : (tensor<1x6x6x6xf32>, tensor<6x2x3x3xi8>) -> tensor<1x4x6x6xf32>
  func.return %dx : tensor<1x4x6x6xf32>
}

// Sparse update from a saved slice: the weight gradient reads the first 12 of 96 channels.
// CHECK-LABEL: func.func @from_slice(
// CHECK-SAME:  %[[X:.*]]: tensor<1x96x8x8x!qtrain.qi8<0.1, -128>>, %[[G:.*]]: tensor<1x16x8x8xf32>) -> tensor<16x12x1x1xf32> {
// CHECK-NEXT: %[[S:.*]] = qtrain.slice_channels %[[X]] : tensor<1x96x8x8x!qtrain.qi8<0.1, -128>> -> tensor<1x12x8x8x!qtrain.qi8<0.1, -128>>
// CHECK-NEXT: %[[DW:.*]] = qtrain.conv2d_grad_weight %[[S]], %[[G]] {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64} : (tensor<1x12x8x8x!qtrain.qi8<0.1, -128>>, tensor<1x16x8x8xf32>) -> tensor<16x12x1x1xf32>
// CHECK-NEXT: func.return %[[DW]] : tensor<16x12x1x1xf32>
// CHECK-NEXT: }
func.func @from_slice(%x: tensor<1x96x8x8x!qtrain.qi8<0.1, -128>>, %g: tensor<1x16x8x8xf32>) -> tensor<16x12x1x1xf32> {
  %s = qtrain.slice_channels %x : tensor<1x96x8x8x!qtrain.qi8<0.1, -128>> -> tensor<1x12x8x8x!qtrain.qi8<0.1, -128>>
  %dw = qtrain.conv2d_grad_weight %s, %g {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64} : (tensor<1x12x8x8x!qtrain.qi8<0.1, -128>>, tensor<1x16x8x8xf32>) -> tensor<16x12x1x1xf32>
  func.return %dw : tensor<16x12x1x1xf32>
}
