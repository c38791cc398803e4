// RUN: %tt-opt %s | %tt-opt | %filecheck %s
// RUN: %tt-opt %s --print-op-generic | %tt-opt | %filecheck %s

// Pointwise (1x1) convolution, 8 -> 4 channels, into a ReLU6-style output type.
// w_scales print as f32: `1.000000e-02` where that form is exact, otherwise nine
// significant digits (0.0186334457), so the f32 bits survive the round trip.
// CHECK-LABEL: func.func @pointwise(
// CHECK-SAME:  %[[X:.*]]: tensor<1x8x10x10x!qtrain.qi8<0.0235294118, -128>>, %[[W:.*]]: tensor<4x8x1x1xi8>, %[[B:.*]]: tensor<4xi32>) -> tensor<1x4x10x10x!qtrain.qi8<0.05, 3>> {
// CHECK-NEXT: %[[Y:.*]] = qtrain.conv2d %[[X]], %[[W]], %[[B]] {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 1.000000e-02, 5.000000e-01, 0.0186334457, 3.000000e-05>} : (tensor<1x8x10x10x!qtrain.qi8<0.0235294118, -128>>, tensor<4x8x1x1xi8>, tensor<4xi32>) -> tensor<1x4x10x10x!qtrain.qi8<0.05, 3>>
// CHECK-NEXT: func.return %[[Y]] : tensor<1x4x10x10x!qtrain.qi8<0.05, 3>>
// CHECK-NEXT: }
func.func @pointwise(%x: tensor<1x8x10x10x!qtrain.qi8<0.0235294118, -128>>, %w: tensor<4x8x1x1xi8>, %b: tensor<4xi32>) -> tensor<1x4x10x10x!qtrain.qi8<0.05, 3>> {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.5, 0.0186334457, 3.0e-05>} : (tensor<1x8x10x10x!qtrain.qi8<0.0235294118, -128>>, tensor<4x8x1x1xi8>, tensor<4xi32>) -> tensor<1x4x10x10x!qtrain.qi8<0.05, 3>>
  func.return %y : tensor<1x4x10x10x!qtrain.qi8<0.05, 3>>
}

// Depthwise 3x3, stride 2, pad 1 on an odd 9x9 input: groups = C_in = C_out = 8,
// weight O x (C_in / groups) x 3 x 3 = 8x1x3x3, output (9 + 2 - 3) / 2 + 1 = 5.
// CHECK-LABEL: func.func @depthwise_3x3_s2(
// CHECK-SAME:  %[[X:.*]]: tensor<1x8x9x9x!qtrain.qi8<0.1, -128>>, %[[W:.*]]: tensor<8x1x3x3xi8>, %[[B:.*]]: tensor<8xi32>) -> tensor<1x8x5x5x!qtrain.qi8<0.0235294118, -128>> {
// CHECK-NEXT: %[[Y:.*]] = qtrain.conv2d %[[X]], %[[W]], %[[B]] {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 8 : i64, w_scales = array<f32: 1.000000e-02, 2.000000e-02, 3.000000e-02, 4.000000e-02, 5.000000e-02, 6.000000e-02, 7.000000e-02, 8.000000e-02>} : (tensor<1x8x9x9x!qtrain.qi8<0.1, -128>>, tensor<8x1x3x3xi8>, tensor<8xi32>) -> tensor<1x8x5x5x!qtrain.qi8<0.0235294118, -128>>
// CHECK-NEXT: func.return %[[Y]] : tensor<1x8x5x5x!qtrain.qi8<0.0235294118, -128>>
// CHECK-NEXT: }
func.func @depthwise_3x3_s2(%x: tensor<1x8x9x9x!qtrain.qi8<0.1, -128>>, %w: tensor<8x1x3x3xi8>, %b: tensor<8xi32>) -> tensor<1x8x5x5x!qtrain.qi8<0.0235294118, -128>> {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 8 : i64, w_scales = array<f32: 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08>} : (tensor<1x8x9x9x!qtrain.qi8<0.1, -128>>, tensor<8x1x3x3xi8>, tensor<8xi32>) -> tensor<1x8x5x5x!qtrain.qi8<0.0235294118, -128>>
  func.return %y : tensor<1x8x5x5x!qtrain.qi8<0.0235294118, -128>>
}

// Grouped 3x3 convolution: 4 -> 6 channels in 2 groups (2 input channels per group).
// CHECK-LABEL: func.func @grouped(
// CHECK-SAME:  %[[X:.*]]: tensor<1x4x6x6x!qtrain.qi8<0.1, 0>>, %[[W:.*]]: tensor<6x2x3x3xi8>, %[[B:.*]]: tensor<6xi32>) -> tensor<1x6x6x6x!qtrain.qi8<0.2, -1>> {
// CHECK-NEXT: %[[Y:.*]] = qtrain.conv2d %[[X]], %[[W]], %[[B]] {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 2 : i64, w_scales = array<f32: 1.250000e-01, 2.500000e-01, 5.000000e-01, 1.000000e+00, 2.000000e+00, 4.000000e+00>} : (tensor<1x4x6x6x!qtrain.qi8<0.1, 0>>, tensor<6x2x3x3xi8>, tensor<6xi32>) -> tensor<1x6x6x6x!qtrain.qi8<0.2, -1>>
// CHECK-NEXT: func.return %[[Y]] : tensor<1x6x6x6x!qtrain.qi8<0.2, -1>>
// CHECK-NEXT: }
func.func @grouped(%x: tensor<1x4x6x6x!qtrain.qi8<0.1, 0>>, %w: tensor<6x2x3x3xi8>, %b: tensor<6xi32>) -> tensor<1x6x6x6x!qtrain.qi8<0.2, -1>> {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 2 : i64, w_scales = array<f32: 0.125, 0.25, 0.5, 1.0, 2.0, 4.0>} : (tensor<1x4x6x6x!qtrain.qi8<0.1, 0>>, tensor<6x2x3x3xi8>, tensor<6xi32>) -> tensor<1x6x6x6x!qtrain.qi8<0.2, -1>>
  func.return %y : tensor<1x6x6x6x!qtrain.qi8<0.2, -1>>
}

// Asymmetric padding [top, left, bottom, right] = [1, 0, 2, 1] with stride 2:
// H = (7 + 1 + 2 - 3) / 2 + 1 = 4, W = (7 + 0 + 1 - 3) / 2 + 1 = 3.
// CHECK-LABEL: func.func @asymmetric_pad(
// CHECK-SAME:  %[[X:.*]]: tensor<1x3x7x7x!qtrain.qi8<0.0078125, 0>>, %[[W:.*]]: tensor<2x3x3x3xi8>, %[[B:.*]]: tensor<2xi32>) -> tensor<1x2x4x3x!qtrain.qi8<0.0235294118, -128>> {
// CHECK-NEXT: %[[Y:.*]] = qtrain.conv2d %[[X]], %[[W]], %[[B]] {stride = array<i64: 2, 2>, pad = array<i64: 1, 0, 2, 1>, groups = 1 : i64, w_scales = array<f32: 1.000000e-02, 2.000000e-02>} : (tensor<1x3x7x7x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x3x!qtrain.qi8<0.0235294118, -128>>
// CHECK-NEXT: func.return %[[Y]] : tensor<1x2x4x3x!qtrain.qi8<0.0235294118, -128>>
// CHECK-NEXT: }
func.func @asymmetric_pad(%x: tensor<1x3x7x7x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) -> tensor<1x2x4x3x!qtrain.qi8<0.0235294118, -128>> {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 0, 2, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x7x7x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x3x!qtrain.qi8<0.0235294118, -128>>
  func.return %y : tensor<1x2x4x3x!qtrain.qi8<0.0235294118, -128>>
}

// 5x5 kernel, "same" padding on a non-square 11x13 input.
// CHECK-LABEL: func.func @kernel_5x5(
// CHECK-SAME:  %[[X:.*]]: tensor<1x2x11x13x!qtrain.qi8<0.1, 5>>, %[[W:.*]]: tensor<3x2x5x5xi8>, %[[B:.*]]: tensor<3xi32>) -> tensor<1x3x11x13x!qtrain.qi8<0.1, -7>> {
// CHECK-NEXT: %[[Y:.*]] = qtrain.conv2d %[[X]], %[[W]], %[[B]] {stride = array<i64: 1, 1>, pad = array<i64: 2, 2, 2, 2>, groups = 1 : i64, w_scales = array<f32: 1.000000e-03, 2.000000e-03, 3.000000e-03>} : (tensor<1x2x11x13x!qtrain.qi8<0.1, 5>>, tensor<3x2x5x5xi8>, tensor<3xi32>) -> tensor<1x3x11x13x!qtrain.qi8<0.1, -7>>
// CHECK-NEXT: func.return %[[Y]] : tensor<1x3x11x13x!qtrain.qi8<0.1, -7>>
// CHECK-NEXT: }
func.func @kernel_5x5(%x: tensor<1x2x11x13x!qtrain.qi8<0.1, 5>>, %w: tensor<3x2x5x5xi8>, %b: tensor<3xi32>) -> tensor<1x3x11x13x!qtrain.qi8<0.1, -7>> {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 2, 2, 2, 2>, groups = 1 : i64, w_scales = array<f32: 0.001, 0.002, 0.003>} : (tensor<1x2x11x13x!qtrain.qi8<0.1, 5>>, tensor<3x2x5x5xi8>, tensor<3xi32>) -> tensor<1x3x11x13x!qtrain.qi8<0.1, -7>>
  func.return %y : tensor<1x3x11x13x!qtrain.qi8<0.1, -7>>
}

// 7x7 stem kernel, stride 2, pad 3: (15 + 6 - 7) / 2 + 1 = 8.
// CHECK-LABEL: func.func @kernel_7x7(
// CHECK-SAME:  %[[X:.*]]: tensor<1x3x15x15x!qtrain.qi8<0.0078125, 0>>, %[[W:.*]]: tensor<4x3x7x7xi8>, %[[B:.*]]: tensor<4xi32>) -> tensor<1x4x8x8x!qtrain.qi8<0.0235294118, -128>> {
// CHECK-NEXT: %[[Y:.*]] = qtrain.conv2d %[[X]], %[[W]], %[[B]] {stride = array<i64: 2, 2>, pad = array<i64: 3, 3, 3, 3>, groups = 1 : i64, w_scales = array<f32: 1.000000e-02, 1.000000e-02, 1.000000e-02, 1.000000e-02>} : (tensor<1x3x15x15x!qtrain.qi8<0.0078125, 0>>, tensor<4x3x7x7xi8>, tensor<4xi32>) -> tensor<1x4x8x8x!qtrain.qi8<0.0235294118, -128>>
// CHECK-NEXT: func.return %[[Y]] : tensor<1x4x8x8x!qtrain.qi8<0.0235294118, -128>>
// CHECK-NEXT: }
func.func @kernel_7x7(%x: tensor<1x3x15x15x!qtrain.qi8<0.0078125, 0>>, %w: tensor<4x3x7x7xi8>, %b: tensor<4xi32>) -> tensor<1x4x8x8x!qtrain.qi8<0.0235294118, -128>> {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 3, 3, 3, 3>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.01, 0.01, 0.01>} : (tensor<1x3x15x15x!qtrain.qi8<0.0078125, 0>>, tensor<4x3x7x7xi8>, tensor<4xi32>) -> tensor<1x4x8x8x!qtrain.qi8<0.0235294118, -128>>
  func.return %y : tensor<1x4x8x8x!qtrain.qi8<0.0235294118, -128>>
}

// Batch 2, 3x1 kernel, unequal strides [2, 1] and padding only in H; no padding
// needed to cover the input exactly: H = (5 + 2 - 3) / 2 + 1 = 3, W = 7.
// CHECK-LABEL: func.func @rect_kernel_batch2(
// CHECK-SAME:  %[[X:.*]]: tensor<2x3x5x7x!qtrain.qi8<0.5, 127>>, %[[W:.*]]: tensor<2x3x3x1xi8>, %[[B:.*]]: tensor<2xi32>) -> tensor<2x2x3x7x!qtrain.qi8<0.25, -128>> {
// CHECK-NEXT: %[[Y:.*]] = qtrain.conv2d %[[X]], %[[W]], %[[B]] {stride = array<i64: 2, 1>, pad = array<i64: 1, 0, 1, 0>, groups = 1 : i64, w_scales = array<f32: 1.562500e-02, 3.125000e-02>} : (tensor<2x3x5x7x!qtrain.qi8<0.5, 127>>, tensor<2x3x3x1xi8>, tensor<2xi32>) -> tensor<2x2x3x7x!qtrain.qi8<0.25, -128>>
// CHECK-NEXT: func.return %[[Y]] : tensor<2x2x3x7x!qtrain.qi8<0.25, -128>>
// CHECK-NEXT: }
func.func @rect_kernel_batch2(%x: tensor<2x3x5x7x!qtrain.qi8<0.5, 127>>, %w: tensor<2x3x3x1xi8>, %b: tensor<2xi32>) -> tensor<2x2x3x7x!qtrain.qi8<0.25, -128>> {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 1>, pad = array<i64: 1, 0, 1, 0>, groups = 1 : i64, w_scales = array<f32: 0.015625, 0.03125>} : (tensor<2x3x5x7x!qtrain.qi8<0.5, 127>>, tensor<2x3x3x1xi8>, tensor<2xi32>) -> tensor<2x2x3x7x!qtrain.qi8<0.25, -128>>
  func.return %y : tensor<2x2x3x7x!qtrain.qi8<0.25, -128>>
}

// Kernel as large as the input (no padding): a 1x1 output; stride larger than the kernel.
// CHECK-LABEL: func.func @full_kernel_big_stride(
// CHECK-SAME:  %[[X:.*]]: tensor<1x2x3x3x!qtrain.qi8<0.1, 0>>, %[[W:.*]]: tensor<1x2x3x3xi8>, %[[B:.*]]: tensor<1xi32>, %[[X2:.*]]: tensor<1x1x5x5x!qtrain.qi8<0.1, 0>>, %[[W2:.*]]: tensor<1x1x1x1xi8>) -> (tensor<1x1x1x1x!qtrain.qi8<0.1, 0>>, tensor<1x1x2x2x!qtrain.qi8<0.1, 0>>) {
// CHECK-NEXT: %[[Y:.*]] = qtrain.conv2d %[[X]], %[[W]], %[[B]] {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 5.000000e-01>} : (tensor<1x2x3x3x!qtrain.qi8<0.1, 0>>, tensor<1x2x3x3xi8>, tensor<1xi32>) -> tensor<1x1x1x1x!qtrain.qi8<0.1, 0>>
// CHECK-NEXT: %[[Y2:.*]] = qtrain.conv2d %[[X2]], %[[W2]], %[[B]] {stride = array<i64: 3, 3>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 5.000000e-01>} : (tensor<1x1x5x5x!qtrain.qi8<0.1, 0>>, tensor<1x1x1x1xi8>, tensor<1xi32>) -> tensor<1x1x2x2x!qtrain.qi8<0.1, 0>>
// CHECK-NEXT: func.return %[[Y]], %[[Y2]] : tensor<1x1x1x1x!qtrain.qi8<0.1, 0>>, tensor<1x1x2x2x!qtrain.qi8<0.1, 0>>
// CHECK-NEXT: }
func.func @full_kernel_big_stride(%x: tensor<1x2x3x3x!qtrain.qi8<0.1, 0>>, %w: tensor<1x2x3x3xi8>, %b: tensor<1xi32>, %x2: tensor<1x1x5x5x!qtrain.qi8<0.1, 0>>, %w2: tensor<1x1x1x1xi8>) -> (tensor<1x1x1x1x!qtrain.qi8<0.1, 0>>, tensor<1x1x2x2x!qtrain.qi8<0.1, 0>>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.5>} : (tensor<1x2x3x3x!qtrain.qi8<0.1, 0>>, tensor<1x2x3x3xi8>, tensor<1xi32>) -> tensor<1x1x1x1x!qtrain.qi8<0.1, 0>>
  %y2 = qtrain.conv2d %x2, %w2, %b {stride = array<i64: 3, 3>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.5>} : (tensor<1x1x5x5x!qtrain.qi8<0.1, 0>>, tensor<1x1x1x1xi8>, tensor<1xi32>) -> tensor<1x1x2x2x!qtrain.qi8<0.1, 0>>
  func.return %y, %y2 : tensor<1x1x1x1x!qtrain.qi8<0.1, 0>>, tensor<1x1x2x2x!qtrain.qi8<0.1, 0>>
}

// Training form: the second result is the clamp mask (result shape, i1).
// CHECK-LABEL: func.func @with_mask(
// CHECK-SAME:  %[[X:.*]]: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %[[W:.*]]: tensor<2x3x3x3xi8>, %[[B:.*]]: tensor<2xi32>) -> (tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>, tensor<1x2x4x4xi1>) {
// CHECK-NEXT: %[[Y:.*]], %[[MASK:.*]] = qtrain.conv2d %[[X]], %[[W]], %[[B]] {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 1.000000e-02, 2.000000e-02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> (tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>, tensor<1x2x4x4xi1>)
// CHECK-NEXT: func.return %[[Y]], %[[MASK]] : tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>, tensor<1x2x4x4xi1>
// CHECK-NEXT: }
func.func @with_mask(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) -> (tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>, tensor<1x2x4x4xi1>) {
  %y, %mask = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> (tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>, tensor<1x2x4x4xi1>)
  func.return %y, %mask : tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>, tensor<1x2x4x4xi1>
}

// Weights and bias read from parameters, as the importer emits them.
// CHECK: qtrain.param @conv.weight = dense<{{\[\[\[\[}}1]], {{\[\[}}-2]]], {{\[\[\[}}127]], {{\[\[}}-128]]]]> : tensor<2x2x1x1xi8>
qtrain.param @conv.weight = dense<[[[[1]], [[-2]]], [[[127]], [[-128]]]]> : tensor<2x2x1x1xi8>
// CHECK: qtrain.param @conv.bias trainable = dense<[100, -100]> : tensor<2xi32>
qtrain.param @conv.bias trainable = dense<[100, -100]> : tensor<2xi32>

// CHECK-LABEL: func.func @from_params(
// CHECK-SAME:  %[[X:.*]]: tensor<1x2x4x4x!qtrain.qi8<0.1, 0>>) -> tensor<1x2x4x4x!qtrain.qi8<0.1, 0>> {
// CHECK-NEXT: %[[W:.*]] = qtrain.get_param @conv.weight : tensor<2x2x1x1xi8>
// CHECK-NEXT: %[[B:.*]] = qtrain.get_param @conv.bias : tensor<2xi32>
// CHECK-NEXT: %[[Y:.*]] = qtrain.conv2d %[[X]], %[[W]], %[[B]] {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 1.000000e-02, 2.000000e-02>} : (tensor<1x2x4x4x!qtrain.qi8<0.1, 0>>, tensor<2x2x1x1xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.1, 0>>
// CHECK-NEXT: func.return %[[Y]] : tensor<1x2x4x4x!qtrain.qi8<0.1, 0>>
// CHECK-NEXT: }
func.func @from_params(%x: tensor<1x2x4x4x!qtrain.qi8<0.1, 0>>) -> tensor<1x2x4x4x!qtrain.qi8<0.1, 0>> {
  %w = qtrain.get_param @conv.weight : tensor<2x2x1x1xi8>
  %b = qtrain.get_param @conv.bias : tensor<2xi32>
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x2x4x4x!qtrain.qi8<0.1, 0>>, tensor<2x2x1x1xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.1, 0>>
  func.return %y : tensor<1x2x4x4x!qtrain.qi8<0.1, 0>>
}

// The int32 accumulator bound: 65793 products of at most 255 * 128 per output
// (here 1x1x65793) still fit; one more is rejected (see conv2d_invalid.mlir).
// CHECK-LABEL: func.func @accumulator_bound(
// CHECK-SAME:  %[[X:.*]]: tensor<1x65793x1x1x!qtrain.qi8<0.1, 0>>, %[[W:.*]]: tensor<1x65793x1x1xi8>, %[[B:.*]]: tensor<1xi32>) -> tensor<1x1x1x1x!qtrain.qi8<0.1, 0>> {
// CHECK-NEXT: %[[Y:.*]] = qtrain.conv2d %[[X]], %[[W]], %[[B]] {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 1.000000e-05>} : (tensor<1x65793x1x1x!qtrain.qi8<0.1, 0>>, tensor<1x65793x1x1xi8>, tensor<1xi32>) -> tensor<1x1x1x1x!qtrain.qi8<0.1, 0>>
// CHECK-NEXT: func.return %[[Y]] : tensor<1x1x1x1x!qtrain.qi8<0.1, 0>>
// CHECK-NEXT: }
func.func @accumulator_bound(%x: tensor<1x65793x1x1x!qtrain.qi8<0.1, 0>>, %w: tensor<1x65793x1x1xi8>, %b: tensor<1xi32>) -> tensor<1x1x1x1x!qtrain.qi8<0.1, 0>> {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 1.0e-05>} : (tensor<1x65793x1x1x!qtrain.qi8<0.1, 0>>, tensor<1x65793x1x1xi8>, tensor<1xi32>) -> tensor<1x1x1x1x!qtrain.qi8<0.1, 0>>
  func.return %y : tensor<1x1x1x1x!qtrain.qi8<0.1, 0>>
}
