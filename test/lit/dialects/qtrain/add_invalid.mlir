// RUN: %tt-opt %s --split-input-file --verify-diagnostics | %filecheck %s

// Operands and result are int8 activations.
func.func @add(%a: tensor<1x8x4x4xf32>, %b: tensor<1x8x4x4x!qtrain.qi8<0.05, -2>>) {
  %y = qtrain.add %a, %b : (tensor<1x8x4x4xf32>, tensor<1x8x4x4x!qtrain.qi8<0.05, -2>>) -> tensor<1x8x4x4x!qtrain.qi8<0.12, 0>>
  func.return
}
// CHECK: {{^}}qtrain.add: lhs must be a tensor of !qtrain.qi8, got tensor<1x8x4x4xf32>{{$}}

// -----

func.func @add(%a: tensor<1x8x4x4x!qtrain.qi8<0.1, 3>>, %b: tensor<1x8x4x4xi8>) {
  %y = qtrain.add %a, %b : (tensor<1x8x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x8x4x4xi8>) -> tensor<1x8x4x4x!qtrain.qi8<0.12, 0>>
  func.return
}
// CHECK: {{^}}qtrain.add: rhs must be a tensor of !qtrain.qi8, got tensor<1x8x4x4xi8>{{$}}

// -----

func.func @add(%a: tensor<1x8x4x4x!qtrain.qi8<0.1, 3>>, %b: tensor<1x8x4x4x!qtrain.qi8<0.05, -2>>) {
  %y = qtrain.add %a, %b : (tensor<1x8x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x8x4x4x!qtrain.qi8<0.05, -2>>) -> tensor<1x8x4x4xf32>
  func.return
}
// CHECK: {{^}}qtrain.add: result must be a tensor of !qtrain.qi8, got tensor<1x8x4x4xf32>{{$}}

// -----

// "must be a tensor of !qtrain.qi8" for a non-tensor cannot be reached: the IRDL
// operand constraint (TensorType, ranked only) rejects it first.
func.func @add(%a: tensor<*x!qtrain.qi8<0.1, 3>>, %b: tensor<1x8x4x4x!qtrain.qi8<0.05, -2>>) {
  %y = qtrain.add %a, %b : (tensor<*x!qtrain.qi8<0.1, 3>>, tensor<1x8x4x4x!qtrain.qi8<0.05, -2>>) -> tensor<1x8x4x4x!qtrain.qi8<0.12, 0>>
  func.return
}
// CHECK: {{^}}tensor<*x!qtrain.qi8<0.1, 3>> should be of base attribute tensor{{$}}

// -----

// No broadcasting: all three shapes are equal.
func.func @add(%a: tensor<1x8x4x4x!qtrain.qi8<0.1, 3>>, %b: tensor<1x8x1x1x!qtrain.qi8<0.05, -2>>) {
  %y = qtrain.add %a, %b : (tensor<1x8x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x8x1x1x!qtrain.qi8<0.05, -2>>) -> tensor<1x8x4x4x!qtrain.qi8<0.12, 0>>
  func.return
}
// CHECK: {{^}}qtrain.add: operands and result must have the same shape, got 1x8x4x4, 1x8x1x1, 1x8x4x4{{$}}

// -----

func.func @add(%a: tensor<1x8x4x4x!qtrain.qi8<0.1, 3>>, %b: tensor<1x8x4x4x!qtrain.qi8<0.05, -2>>) {
  %y = qtrain.add %a, %b : (tensor<1x8x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x8x4x4x!qtrain.qi8<0.05, -2>>) -> tensor<1x8x2x2x!qtrain.qi8<0.12, 0>>
  func.return
}
// CHECK: {{^}}qtrain.add: operands and result must have the same shape, got 1x8x4x4, 1x8x4x4, 1x8x2x2{{$}}

// -----

func.func @add(%a: tensor<8x4x4x!qtrain.qi8<0.1, 3>>, %b: tensor<8x4x4x!qtrain.qi8<0.05, -2>>) {
  %y = qtrain.add %a, %b : (tensor<8x4x4x!qtrain.qi8<0.1, 3>>, tensor<8x4x4x!qtrain.qi8<0.05, -2>>) -> tensor<1x8x4x4x!qtrain.qi8<0.12, 0>>
  func.return
}
// CHECK: {{^}}qtrain.add: operands and result must have the same shape, got 8x4x4, 8x4x4, 1x8x4x4{{$}}

// -----

// The mask has the result shape and i1 elements.
func.func @add(%a: tensor<1x8x4x4x!qtrain.qi8<0.1, 3>>, %b: tensor<1x8x4x4x!qtrain.qi8<0.05, -2>>) {
  %y, %m = qtrain.add %a, %b : (tensor<1x8x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x8x4x4x!qtrain.qi8<0.05, -2>>) -> (tensor<1x8x4x4x!qtrain.qi8<0.12, 0>>, tensor<1x8x4x4xi8>)
  func.return
}
// CHECK: {{^}}qtrain.add: mask must be tensor<1x8x4x4xi1> (the result's shape, i1), got tensor<1x8x4x4xi8>{{$}}

// -----

func.func @add(%a: tensor<1x8x4x4x!qtrain.qi8<0.1, 3>>, %b: tensor<1x8x4x4x!qtrain.qi8<0.05, -2>>) {
  %y, %m = qtrain.add %a, %b : (tensor<1x8x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x8x4x4x!qtrain.qi8<0.05, -2>>) -> (tensor<1x8x4x4x!qtrain.qi8<0.12, 0>>, tensor<1x8xi1>)
  func.return
}
// CHECK: {{^}}qtrain.add: mask must be tensor<1x8x4x4xi1> (the result's shape, i1), got tensor<1x8xi1>{{$}}
