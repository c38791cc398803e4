// RUN: %tt-opt %s --split-input-file --verify-diagnostics | %filecheck %s

// Verifier messages of the optional clamp-mask result of conv2d and add.
// Each case is checked right after the split marker that tt-opt prints before it, so a
// case that verified (or failed twice) would shift every later match and fail the test.

// conv2d: the mask has the result's shape and i1 elements.
func.func @f(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) {
  %y, %m = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> (tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>, tensor<1x2x4x4xi8>)
  func.return
}
// CHECK: {{^}}qtrain.conv2d: mask must be tensor<1x2x4x4xi1> (the result's shape, i1), got tensor<1x2x4x4xi8>{{$}}

// -----

func.func @f(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) {
  %y, %m = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> (tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>, tensor<1x2x8x8xi1>)
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d: mask must be tensor<1x2x4x4xi1> (the result's shape, i1), got tensor<1x2x8x8xi1>{{$}}

// -----

func.func @f(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) {
  %y, %m = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> (tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>, tensor<1x2x4x4x!qtrain.qi8<0.1, 0>>)
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d: mask must be tensor<1x2x4x4xi1> (the result's shape, i1), got tensor<1x2x4x4x!qtrain.qi8<0.1, 0>>{{$}}

// -----

// add: the same rule.
func.func @f(%a: tensor<1x8x4x4x!qtrain.qi8<0.1, 3>>, %b: tensor<1x8x4x4x!qtrain.qi8<0.05, -2>>) {
  %y, %m = qtrain.add %a, %b : (tensor<1x8x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x8x4x4x!qtrain.qi8<0.05, -2>>) -> (tensor<1x8x4x4x!qtrain.qi8<0.12, 0>>, tensor<1x8x4x4xi8>)
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.add: mask must be tensor<1x8x4x4xi1> (the result's shape, i1), got tensor<1x8x4x4xi8>{{$}}

// -----

func.func @f(%a: tensor<1x8x4x4x!qtrain.qi8<0.1, 3>>, %b: tensor<1x8x4x4x!qtrain.qi8<0.05, -2>>) {
  %y, %m = qtrain.add %a, %b : (tensor<1x8x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x8x4x4x!qtrain.qi8<0.05, -2>>) -> (tensor<1x8x4x4x!qtrain.qi8<0.12, 0>>, tensor<1x8x4xi1>)
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.add: mask must be tensor<1x8x4x4xi1> (the result's shape, i1), got tensor<1x8x4xi1>{{$}}

// -----

func.func @f(%a: tensor<1x8x4x4x!qtrain.qi8<0.1, 3>>, %b: tensor<1x8x4x4x!qtrain.qi8<0.05, -2>>) {
  %y, %m = qtrain.add %a, %b : (tensor<1x8x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x8x4x4x!qtrain.qi8<0.05, -2>>) -> (tensor<1x8x4x4x!qtrain.qi8<0.12, 0>>, tensor<1x8x4x4xf32>)
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.add: mask must be tensor<1x8x4x4xi1> (the result's shape, i1), got tensor<1x8x4x4xf32>{{$}}

// -----

// A mask feeding clamp_grad must match the gradient it selects.
func.func @f(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>, %dy: tensor<1x2x5x5xf32>) {
  %y, %m = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> (tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>, tensor<1x2x4x4xi1>)
  %d = qtrain.clamp_grad %dy, %m : (tensor<1x2x5x5xf32>, tensor<1x2x4x4xi1>) -> tensor<1x2x5x5xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.clamp_grad: mask must be tensor<1x2x5x5xi1>, got tensor<1x2x4x4xi1>{{$}}
