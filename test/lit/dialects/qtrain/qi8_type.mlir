// RUN: %tt-opt %s | %tt-opt | %filecheck %s
// RUN: %tt-opt %s --print-op-generic | %tt-opt | %filecheck %s

// The quantization parameters print back exactly: the scale is an f64 printed in
// its shortest round-trip form (Python repr), made a valid MLIR float literal by a
// `.0` before any exponent (`1.0e-05`, never `1e-05`).

// CHECK-LABEL: func.func @scales(
// CHECK-SAME:  %[[A:.*]]: tensor<4x!qtrain.qi8<0.0235294118, -128>>, %[[B:.*]]: tensor<4x!qtrain.qi8<0.023529411764705882, -128>>, %[[C:.*]]: tensor<4x!qtrain.qi8<0.1, 0>>, %[[D:.*]]: tensor<4x!qtrain.qi8<0.30000000000000004, 0>>, %[[E:.*]]: tensor<4x!qtrain.qi8<0.0078125, 0>>) {
// CHECK-NEXT: func.return
// CHECK-NEXT: }
func.func @scales(%a: tensor<4x!qtrain.qi8<0.0235294118, -128>>, %b: tensor<4x!qtrain.qi8<0.023529411764705882, -128>>, %c: tensor<4x!qtrain.qi8<0.1, 0>>, %d: tensor<4x!qtrain.qi8<0.30000000000000004, 0>>, %e: tensor<4x!qtrain.qi8<0.0078125, 0>>) {
  func.return
}

// Scales that need an exponent, written with or without one.
// CHECK-LABEL: func.func @exponents(
// CHECK-SAME:  %[[A:.*]]: tensor<4x!qtrain.qi8<1.0e-05, 0>>, %[[B:.*]]: tensor<4x!qtrain.qi8<1.0e-06, 0>>, %[[C:.*]]: tensor<4x!qtrain.qi8<2.5e-07, 0>>, %[[D:.*]]: tensor<4x!qtrain.qi8<1.5e+20, 0>>, %[[E:.*]]: tensor<4x!qtrain.qi8<1.0e+16, 0>>) {
// CHECK-NEXT: func.return
// CHECK-NEXT: }
func.func @exponents(%a: tensor<4x!qtrain.qi8<1.0e-05, 0>>, %b: tensor<4x!qtrain.qi8<0.000001, 0>>, %c: tensor<4x!qtrain.qi8<2.5E-7, 0>>, %d: tensor<4x!qtrain.qi8<1.5e+20, 0>>, %e: tensor<4x!qtrain.qi8<10000000000000000.0, 0>>) {
  func.return
}

// Extremes of the f64 range; an integer literal is accepted as a scale.
// CHECK-LABEL: func.func @extreme_scales(
// CHECK-SAME:  %[[A:.*]]: tensor<4x!qtrain.qi8<5.0e-324, 0>>, %[[B:.*]]: tensor<4x!qtrain.qi8<1.7976931348623157e+308, 0>>, %[[C:.*]]: tensor<4x!qtrain.qi8<1.0, 0>>, %[[D:.*]]: tensor<4x!qtrain.qi8<256.0, 0>>, %[[E:.*]]: tensor<4x!qtrain.qi8<123456789.0, 0>>) {
// CHECK-NEXT: func.return
// CHECK-NEXT: }
func.func @extreme_scales(%a: tensor<4x!qtrain.qi8<5.0e-324, 0>>, %b: tensor<4x!qtrain.qi8<1.7976931348623157e+308, 0>>, %c: tensor<4x!qtrain.qi8<1, 0>>, %d: tensor<4x!qtrain.qi8<256, 0>>, %e: tensor<4x!qtrain.qi8<123456789.0, 0>>) {
  func.return
}

// Zero points: the whole int8 range, negative ones included.
// CHECK-LABEL: func.func @zero_points(
// CHECK-SAME:  %[[A:.*]]: tensor<4x!qtrain.qi8<0.5, -128>>, %[[B:.*]]: tensor<4x!qtrain.qi8<0.5, -1>>, %[[C:.*]]: tensor<4x!qtrain.qi8<0.5, 0>>, %[[D:.*]]: tensor<4x!qtrain.qi8<0.5, 127>>, %[[E:.*]]: tensor<4x!qtrain.qi8<0.5, -37>>) {
// CHECK-NEXT: func.return
// CHECK-NEXT: }
func.func @zero_points(%a: tensor<4x!qtrain.qi8<0.5, -128>>, %b: tensor<4x!qtrain.qi8<0.5, -1>>, %c: tensor<4x!qtrain.qi8<0.5, 0>>, %d: tensor<4x!qtrain.qi8<0.5, 127>>, %e: tensor<4x!qtrain.qi8<0.5, -37>>) {
  func.return
}

// The type in other positions: a rank-4 activation, a rank-0 tensor, a bare
// element type and an unranked tensor (the ops themselves need ranked tensors).
// CHECK-LABEL: func.func @positions(
// CHECK-SAME:  %[[A:.*]]: tensor<1x16x64x64x!qtrain.qi8<0.0235294118, -128>>, %[[B:.*]]: tensor<!qtrain.qi8<0.1, 3>>, %[[C:.*]]: !qtrain.qi8<0.1, 3>, %[[D:.*]]: tensor<*x!qtrain.qi8<0.1, 3>>) -> (tensor<1x16x64x64x!qtrain.qi8<0.0235294118, -128>>, tensor<!qtrain.qi8<0.1, 3>>) {
// CHECK-NEXT: func.return %[[A]], %[[B]] : tensor<1x16x64x64x!qtrain.qi8<0.0235294118, -128>>, tensor<!qtrain.qi8<0.1, 3>>
// CHECK-NEXT: }
func.func @positions(%a: tensor<1x16x64x64x!qtrain.qi8<0.0235294118, -128>>, %b: tensor<!qtrain.qi8<0.1, 3>>, %c: !qtrain.qi8<0.1, 3>, %d: tensor<*x!qtrain.qi8<0.1, 3>>) -> (tensor<1x16x64x64x!qtrain.qi8<0.0235294118, -128>>, tensor<!qtrain.qi8<0.1, 3>>) {
  func.return %a, %b : tensor<1x16x64x64x!qtrain.qi8<0.0235294118, -128>>, tensor<!qtrain.qi8<0.1, 3>>
}
