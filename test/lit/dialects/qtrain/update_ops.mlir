// RUN: %tt-opt %s | %tt-opt | %filecheck %s
// RUN: %tt-opt %s --print-op-generic | %tt-opt | %filecheck %s

// The update-side ops: accumulate, param_grad, scale_channels, sgd_update and
// slice_channels. The symbol ops refer to these module-level parameters.

// CHECK: qtrain.param @conv0.weight trainable = dense<1> : tensor<4x3x1x1xi8>
// CHECK-NEXT: qtrain.param @conv0.bias trainable = dense<[12, -3, 4, 5]> : tensor<4xi32>
// CHECK-NEXT: qtrain.param @head.weight trainable = dense<5.000000e-01> : tensor<10x16xf32>
// CHECK-NEXT: qtrain.param @frozen.bias = dense<[1, 2]> : tensor<2xi32>
qtrain.param @conv0.weight trainable = dense<1> : tensor<4x3x1x1xi8>
qtrain.param @conv0.bias trainable = dense<[12, -3, 4, 5]> : tensor<4xi32>
qtrain.param @head.weight trainable = dense<0.5> : tensor<10x16xf32>
qtrain.param @frozen.bias = dense<[1, 2]> : tensor<2xi32>

// Two gradients of one value summed.
// CHECK-LABEL: func.func @accumulate(
// CHECK-SAME:  %[[A:.*]]: tensor<1x8x4x4xf32>, %[[B:.*]]: tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
// CHECK-NEXT: %[[G:.*]] = qtrain.accumulate %[[A]], %[[B]] : tensor<1x8x4x4xf32>
// CHECK-NEXT: func.return %[[G]] : tensor<1x8x4x4xf32>
// CHECK-NEXT: }
func.func @accumulate(%a: tensor<1x8x4x4xf32>, %b: tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
  %g = qtrain.accumulate %a, %b : tensor<1x8x4x4xf32>
  func.return %g : tensor<1x8x4x4xf32>
}

// A scalar (rank-0) gradient, e.g. of the loss, and a chain of accumulations.
// CHECK-LABEL: func.func @accumulate_scalar(
// CHECK-SAME:  %[[A:.*]]: tensor<f32>, %[[B:.*]]: tensor<f32>) -> tensor<f32> {
// CHECK-NEXT: %[[G0:.*]] = qtrain.accumulate %[[A]], %[[B]] : tensor<f32>
// CHECK-NEXT: %[[G1:.*]] = qtrain.accumulate %[[G0]], %[[A]] : tensor<f32>
// CHECK-NEXT: func.return %[[G1]] : tensor<f32>
// CHECK-NEXT: }
func.func @accumulate_scalar(%a: tensor<f32>, %b: tensor<f32>) -> tensor<f32> {
  %g0 = qtrain.accumulate %a, %b : tensor<f32>
  %g1 = qtrain.accumulate %g0, %a : tensor<f32>
  func.return %g1 : tensor<f32>
}

// Gradients of a whole parameter, of a leading slice (2 of 4 output channels),
// and of a non-trainable parameter (param_grad does not require `trainable`).
// CHECK-LABEL: func.func @param_grad(
// CHECK-SAME:  %[[DW:.*]]: tensor<2x3x1x1xf32>, %[[DB:.*]]: tensor<4xf32>, %[[DH:.*]]: tensor<10x16xf32>, %[[DF:.*]]: tensor<2xf32>) {
// CHECK-NEXT: qtrain.param_grad @conv0.weight, %[[DW]] : tensor<2x3x1x1xf32>
// CHECK-NEXT: qtrain.param_grad @conv0.bias, %[[DB]] : tensor<4xf32>
// CHECK-NEXT: qtrain.param_grad @head.weight, %[[DH]] : tensor<10x16xf32>
// CHECK-NEXT: qtrain.param_grad @frozen.bias, %[[DF]] : tensor<2xf32>
// CHECK-NEXT: func.return
// CHECK-NEXT: }
func.func @param_grad(%dw: tensor<2x3x1x1xf32>, %db: tensor<4xf32>, %dh: tensor<10x16xf32>, %df: tensor<2xf32>) {
  qtrain.param_grad @conv0.weight, %dw : tensor<2x3x1x1xf32>
  qtrain.param_grad @conv0.bias, %db : tensor<4xf32>
  qtrain.param_grad @head.weight, %dh : tensor<10x16xf32>
  qtrain.param_grad @frozen.bias, %df : tensor<2xf32>
  func.return
}

// Per-channel scaling of a weight gradient and of a bias gradient.
// CHECK-LABEL: func.func @scale_channels(
// CHECK-SAME:  %[[DW:.*]]: tensor<2x3x1x1xf32>, %[[DB:.*]]: tensor<4xf32>) -> (tensor<2x3x1x1xf32>, tensor<4xf32>) {
// CHECK-NEXT: %[[SW:.*]] = qtrain.scale_channels %[[DW]] {factors = array<f32: 4.000000e+00, 5.000000e-01>} : tensor<2x3x1x1xf32>
// CHECK-NEXT: %[[SB:.*]] = qtrain.scale_channels %[[DB]] {factors = array<f32: 1.000000e+00, 2.500000e-01, -3.000000e+00, 0.000000e+00>} : tensor<4xf32>
// CHECK-NEXT: func.return %[[SW]], %[[SB]] : tensor<2x3x1x1xf32>, tensor<4xf32>
// CHECK-NEXT: }
func.func @scale_channels(%dw: tensor<2x3x1x1xf32>, %db: tensor<4xf32>) -> (tensor<2x3x1x1xf32>, tensor<4xf32>) {
  %sw = qtrain.scale_channels %dw {factors = array<f32: 4.0, 0.5>} : tensor<2x3x1x1xf32>
  %sb = qtrain.scale_channels %db {factors = array<f32: 1.0, 0.25, -3.0, 0.0>} : tensor<4xf32>
  func.return %sw, %sb : tensor<2x3x1x1xf32>, tensor<4xf32>
}

// SGD on int8 weights (leading slice), int32 biases and fp32 head weights; lr 0 is allowed.
// CHECK-LABEL: func.func @sgd_update(
// CHECK-SAME:  %[[DW:.*]]: tensor<2x3x1x1xf32>, %[[DB:.*]]: tensor<4xf32>, %[[DH:.*]]: tensor<10x16xf32>) {
// CHECK-NEXT: qtrain.sgd_update @conv0.weight, %[[DW]] {lr = 1.000000e-02 : f32} : tensor<2x3x1x1xf32>
// CHECK-NEXT: qtrain.sgd_update @conv0.bias, %[[DB]] {lr = 4.000000e-04 : f32} : tensor<4xf32>
// CHECK-NEXT: qtrain.sgd_update @head.weight, %[[DH]] {lr = 0.000000e+00 : f32} : tensor<10x16xf32>
// CHECK-NEXT: func.return
// CHECK-NEXT: }
func.func @sgd_update(%dw: tensor<2x3x1x1xf32>, %db: tensor<4xf32>, %dh: tensor<10x16xf32>) {
  qtrain.sgd_update @conv0.weight, %dw {lr = 0.01 : f32} : tensor<2x3x1x1xf32>
  qtrain.sgd_update @conv0.bias, %db {lr = 4.0e-04 : f32} : tensor<4xf32>
  qtrain.sgd_update @head.weight, %dh {lr = 0.0 : f32} : tensor<10x16xf32>
  func.return
}

// The full pipeline of a partial-channel bias update: accumulate, scale, record, step.
// CHECK-LABEL: func.func @update_chain(
// CHECK-SAME:  %[[A:.*]]: tensor<4xf32>, %[[B:.*]]: tensor<4xf32>) {
// CHECK-NEXT: %[[G:.*]] = qtrain.accumulate %[[A]], %[[B]] : tensor<4xf32>
// CHECK-NEXT: %[[S:.*]] = qtrain.scale_channels %[[G]] {factors = array<f32: 1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00>} : tensor<4xf32>
// CHECK-NEXT: qtrain.param_grad @conv0.bias, %[[S]] : tensor<4xf32>
// CHECK-NEXT: qtrain.sgd_update @conv0.bias, %[[S]] {lr = 5.000000e-01 : f32} : tensor<4xf32>
// CHECK-NEXT: func.return
// CHECK-NEXT: }
func.func @update_chain(%a: tensor<4xf32>, %b: tensor<4xf32>) {
  %g = qtrain.accumulate %a, %b : tensor<4xf32>
  %s = qtrain.scale_channels %g {factors = array<f32: 1.0, 2.0, 3.0, 4.0>} : tensor<4xf32>
  qtrain.param_grad @conv0.bias, %s : tensor<4xf32>
  qtrain.sgd_update @conv0.bias, %s {lr = 0.5 : f32} : tensor<4xf32>
  func.return
}

// Leading channels of an int8 activation: a proper slice, a single channel, and all channels.
// CHECK-LABEL: func.func @slice_channels(
// CHECK-SAME:  %[[X:.*]]: tensor<1x96x8x8x!qtrain.qi8<0.1, -128>>) -> (tensor<1x12x8x8x!qtrain.qi8<0.1, -128>>, tensor<1x1x8x8x!qtrain.qi8<0.1, -128>>, tensor<1x96x8x8x!qtrain.qi8<0.1, -128>>) {
// CHECK-NEXT: %[[S:.*]] = qtrain.slice_channels %[[X]] : tensor<1x96x8x8x!qtrain.qi8<0.1, -128>> -> tensor<1x12x8x8x!qtrain.qi8<0.1, -128>>
// CHECK-NEXT: %[[S1:.*]] = qtrain.slice_channels %[[X]] : tensor<1x96x8x8x!qtrain.qi8<0.1, -128>> -> tensor<1x1x8x8x!qtrain.qi8<0.1, -128>>
// CHECK-NEXT: %[[SA:.*]] = qtrain.slice_channels %[[X]] : tensor<1x96x8x8x!qtrain.qi8<0.1, -128>> -> tensor<1x96x8x8x!qtrain.qi8<0.1, -128>>
// CHECK-NEXT: func.return %[[S]], %[[S1]], %[[SA]] : tensor<1x12x8x8x!qtrain.qi8<0.1, -128>>, tensor<1x1x8x8x!qtrain.qi8<0.1, -128>>, tensor<1x96x8x8x!qtrain.qi8<0.1, -128>>
// CHECK-NEXT: }
func.func @slice_channels(%x: tensor<1x96x8x8x!qtrain.qi8<0.1, -128>>) -> (tensor<1x12x8x8x!qtrain.qi8<0.1, -128>>, tensor<1x1x8x8x!qtrain.qi8<0.1, -128>>, tensor<1x96x8x8x!qtrain.qi8<0.1, -128>>) {
  %s = qtrain.slice_channels %x : tensor<1x96x8x8x!qtrain.qi8<0.1, -128>> -> tensor<1x12x8x8x!qtrain.qi8<0.1, -128>>
  %s1 = qtrain.slice_channels %x : tensor<1x96x8x8x!qtrain.qi8<0.1, -128>> -> tensor<1x1x8x8x!qtrain.qi8<0.1, -128>>
  %sa = qtrain.slice_channels %x : tensor<1x96x8x8x!qtrain.qi8<0.1, -128>> -> tensor<1x96x8x8x!qtrain.qi8<0.1, -128>>
  func.return %s, %s1, %sa : tensor<1x12x8x8x!qtrain.qi8<0.1, -128>>, tensor<1x1x8x8x!qtrain.qi8<0.1, -128>>, tensor<1x96x8x8x!qtrain.qi8<0.1, -128>>
}
