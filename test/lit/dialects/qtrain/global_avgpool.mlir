// RUN: %tt-opt %s | %tt-opt | %filecheck %s
// RUN: %tt-opt %s --print-op-generic | %tt-opt | %filecheck %s

// Global average pooling keeps scale and zero point; H and W collapse to 1.
// CHECK-LABEL: func.func @pool_5x5(
// CHECK-SAME:  %[[X:.*]]: tensor<1x8x5x5x!qtrain.qi8<0.1, -128>>) -> tensor<1x8x1x1x!qtrain.qi8<0.1, -128>> {
// CHECK-NEXT: %[[Y:.*]] = qtrain.global_avgpool %[[X]] : tensor<1x8x5x5x!qtrain.qi8<0.1, -128>> -> tensor<1x8x1x1x!qtrain.qi8<0.1, -128>>
// CHECK-NEXT: func.return %[[Y]] : tensor<1x8x1x1x!qtrain.qi8<0.1, -128>>
// CHECK-NEXT: }
func.func @pool_5x5(%x: tensor<1x8x5x5x!qtrain.qi8<0.1, -128>>) -> tensor<1x8x1x1x!qtrain.qi8<0.1, -128>> {
  %y = qtrain.global_avgpool %x : tensor<1x8x5x5x!qtrain.qi8<0.1, -128>> -> tensor<1x8x1x1x!qtrain.qi8<0.1, -128>>
  func.return %y : tensor<1x8x1x1x!qtrain.qi8<0.1, -128>>
}

// Non-square odd spatial size, batch 2, a scale with an exponent.
// CHECK-LABEL: func.func @pool_batch2_3x7(
// CHECK-SAME:  %[[X:.*]]: tensor<2x16x3x7x!qtrain.qi8<1.0e-05, 17>>) -> tensor<2x16x1x1x!qtrain.qi8<1.0e-05, 17>> {
// CHECK-NEXT: %[[Y:.*]] = qtrain.global_avgpool %[[X]] : tensor<2x16x3x7x!qtrain.qi8<1.0e-05, 17>> -> tensor<2x16x1x1x!qtrain.qi8<1.0e-05, 17>>
// CHECK-NEXT: func.return %[[Y]] : tensor<2x16x1x1x!qtrain.qi8<1.0e-05, 17>>
// CHECK-NEXT: }
func.func @pool_batch2_3x7(%x: tensor<2x16x3x7x!qtrain.qi8<1.0e-05, 17>>) -> tensor<2x16x1x1x!qtrain.qi8<1.0e-05, 17>> {
  %y = qtrain.global_avgpool %x : tensor<2x16x3x7x!qtrain.qi8<1.0e-05, 17>> -> tensor<2x16x1x1x!qtrain.qi8<1.0e-05, 17>>
  func.return %y : tensor<2x16x1x1x!qtrain.qi8<1.0e-05, 17>>
}

// An input that is already 1x1 (pooling is the identity).
// CHECK-LABEL: func.func @pool_1x1(
// CHECK-SAME:  %[[X:.*]]: tensor<1x3x1x1x!qtrain.qi8<0.0235294118, -128>>) -> tensor<1x3x1x1x!qtrain.qi8<0.0235294118, -128>> {
// CHECK-NEXT: %[[Y:.*]] = qtrain.global_avgpool %[[X]] : tensor<1x3x1x1x!qtrain.qi8<0.0235294118, -128>> -> tensor<1x3x1x1x!qtrain.qi8<0.0235294118, -128>>
// CHECK-NEXT: func.return %[[Y]] : tensor<1x3x1x1x!qtrain.qi8<0.0235294118, -128>>
// CHECK-NEXT: }
func.func @pool_1x1(%x: tensor<1x3x1x1x!qtrain.qi8<0.0235294118, -128>>) -> tensor<1x3x1x1x!qtrain.qi8<0.0235294118, -128>> {
  %y = qtrain.global_avgpool %x : tensor<1x3x1x1x!qtrain.qi8<0.0235294118, -128>> -> tensor<1x3x1x1x!qtrain.qi8<0.0235294118, -128>>
  func.return %y : tensor<1x3x1x1x!qtrain.qi8<0.0235294118, -128>>
}

// The usual tail of the feature extractor: depthwise conv, then pooling.
// CHECK-LABEL: func.func @after_conv(
// CHECK-SAME:  %[[X:.*]]: tensor<1x4x7x7x!qtrain.qi8<0.1, 0>>, %[[W:.*]]: tensor<4x1x3x3xi8>, %[[B:.*]]: tensor<4xi32>) -> tensor<1x4x1x1x!qtrain.qi8<0.0235294118, -128>> {
// CHECK-NEXT: %[[C:.*]] = qtrain.conv2d %[[X]], %[[W]], %[[B]] {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 4 : i64, w_scales = array<f32: 1.000000e-02, 2.000000e-02, 3.000000e-02, 4.000000e-02>} : (tensor<1x4x7x7x!qtrain.qi8<0.1, 0>>, tensor<4x1x3x3xi8>, tensor<4xi32>) -> tensor<1x4x7x7x!qtrain.qi8<0.0235294118, -128>>
// CHECK-NEXT: %[[Y:.*]] = qtrain.global_avgpool %[[C]] : tensor<1x4x7x7x!qtrain.qi8<0.0235294118, -128>> -> tensor<1x4x1x1x!qtrain.qi8<0.0235294118, -128>>
// CHECK-NEXT: func.return %[[Y]] : tensor<1x4x1x1x!qtrain.qi8<0.0235294118, -128>>
// CHECK-NEXT: }
func.func @after_conv(%x: tensor<1x4x7x7x!qtrain.qi8<0.1, 0>>, %w: tensor<4x1x3x3xi8>, %b: tensor<4xi32>) -> tensor<1x4x1x1x!qtrain.qi8<0.0235294118, -128>> {
  %c = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 4 : i64, w_scales = array<f32: 0.01, 0.02, 0.03, 0.04>} : (tensor<1x4x7x7x!qtrain.qi8<0.1, 0>>, tensor<4x1x3x3xi8>, tensor<4xi32>) -> tensor<1x4x7x7x!qtrain.qi8<0.0235294118, -128>>
  %y = qtrain.global_avgpool %c : tensor<1x4x7x7x!qtrain.qi8<0.0235294118, -128>> -> tensor<1x4x1x1x!qtrain.qi8<0.0235294118, -128>>
  func.return %y : tensor<1x4x1x1x!qtrain.qi8<0.0235294118, -128>>
}
