// RUN: %tt-opt %s --split-input-file --verify-diagnostics | %filecheck %s

// _check_tensor: ranks (2, 2, 1, 2) ...
func.func @f(%x: tensor<1x8x1x1xf32>, %w: tensor<10x8xf32>, %b: tensor<10xf32>) {
  %y = qtrain.linear %x, %w, %b : (tensor<1x8x1x1xf32>, tensor<10x8xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  func.return
}
// CHECK: {{^}}qtrain.linear: input must have rank 2, got rank 4{{$}}

// -----

func.func @f(%x: tensor<1x8xf32>, %w: tensor<80xf32>, %b: tensor<10xf32>) {
  %y = qtrain.linear %x, %w, %b : (tensor<1x8xf32>, tensor<80xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  func.return
}
// CHECK: {{^}}qtrain.linear: weight must have rank 2, got rank 1{{$}}

// -----

func.func @f(%x: tensor<1x8xf32>, %w: tensor<10x8xf32>, %b: tensor<1x10xf32>) {
  %y = qtrain.linear %x, %w, %b : (tensor<1x8xf32>, tensor<10x8xf32>, tensor<1x10xf32>) -> tensor<1x10xf32>
  func.return
}
// CHECK: {{^}}qtrain.linear: bias must have rank 1, got rank 2{{$}}

// -----

func.func @f(%x: tensor<1x8xf32>, %w: tensor<10x8xf32>, %b: tensor<10xf32>) {
  %y = qtrain.linear %x, %w, %b : (tensor<1x8xf32>, tensor<10x8xf32>, tensor<10xf32>) -> tensor<10xf32>
  func.return
}
// CHECK: {{^}}qtrain.linear: result must have rank 2, got rank 1{{$}}

// -----

// ... and f32 elements everywhere.
func.func @f(%x: tensor<1x8x!qtrain.qi8<0.1, -128>>, %w: tensor<10x8xf32>, %b: tensor<10xf32>) {
  %y = qtrain.linear %x, %w, %b : (tensor<1x8x!qtrain.qi8<0.1, -128>>, tensor<10x8xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  func.return
}
// CHECK: {{^}}qtrain.linear: input must have element type f32, got !qtrain.qi8<0.1, -128>{{$}}

// -----

func.func @f(%x: tensor<1x8xf32>, %w: tensor<10x8xi8>, %b: tensor<10xf32>) {
  %y = qtrain.linear %x, %w, %b : (tensor<1x8xf32>, tensor<10x8xi8>, tensor<10xf32>) -> tensor<1x10xf32>
  func.return
}
// CHECK: {{^}}qtrain.linear: weight must have element type f32, got i8{{$}}

// -----

func.func @f(%x: tensor<1x8xf32>, %w: tensor<10x8xf32>, %b: tensor<10xi32>) {
  %y = qtrain.linear %x, %w, %b : (tensor<1x8xf32>, tensor<10x8xf32>, tensor<10xi32>) -> tensor<1x10xf32>
  func.return
}
// CHECK: {{^}}qtrain.linear: bias must have element type f32, got i32{{$}}

// -----

func.func @f(%x: tensor<1x8xf32>, %w: tensor<10x8xf32>, %b: tensor<10xf32>) {
  %y = qtrain.linear %x, %w, %b : (tensor<1x8xf32>, tensor<10x8xf32>, tensor<10xf32>) -> tensor<1x10xf16>
  func.return
}
// CHECK: {{^}}qtrain.linear: result must have element type f32, got f16{{$}}

// -----

// The weight is out_features x in_features (y = x @ W^T + b).
func.func @f(%x: tensor<1x8xf32>, %w: tensor<8x10xf32>, %b: tensor<10xf32>) {
  %y = qtrain.linear %x, %w, %b : (tensor<1x8xf32>, tensor<8x10xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  func.return
}
// CHECK: {{^}}qtrain.linear: weight has 10 input features, input has 8{{$}}

// -----

func.func @f(%x: tensor<1x8xf32>, %w: tensor<10x7xf32>, %b: tensor<10xf32>) {
  %y = qtrain.linear %x, %w, %b : (tensor<1x8xf32>, tensor<10x7xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  func.return
}
// CHECK: {{^}}qtrain.linear: weight has 7 input features, input has 8{{$}}

// -----

// One bias per output feature.
func.func @f(%x: tensor<1x8xf32>, %w: tensor<10x8xf32>, %b: tensor<8xf32>) {
  %y = qtrain.linear %x, %w, %b : (tensor<1x8xf32>, tensor<10x8xf32>, tensor<8xf32>) -> tensor<1x10xf32>
  func.return
}
// CHECK: {{^}}qtrain.linear: bias has 8 elements, expected 10{{$}}

// -----

// The result is batch x out_features.
func.func @f(%x: tensor<1x8xf32>, %w: tensor<10x8xf32>, %b: tensor<10xf32>) {
  %y = qtrain.linear %x, %w, %b : (tensor<1x8xf32>, tensor<10x8xf32>, tensor<10xf32>) -> tensor<1x8xf32>
  func.return
}
// CHECK: {{^}}qtrain.linear: result shape must be 1x10, got 1x8{{$}}

// -----

func.func @f(%x: tensor<1x8xf32>, %w: tensor<10x8xf32>, %b: tensor<10xf32>) {
  %y = qtrain.linear %x, %w, %b : (tensor<1x8xf32>, tensor<10x8xf32>, tensor<10xf32>) -> tensor<2x10xf32>
  func.return
}
// CHECK: {{^}}qtrain.linear: result shape must be 1x10, got 2x10{{$}}

// -----

func.func @f(%x: tensor<1x8xf32>, %w: tensor<10x8xf32>, %b: tensor<10xf32>) {
  %y = qtrain.linear %x, %w, %b : (tensor<1x8xf32>, tensor<10x8xf32>, tensor<10xf32>) -> tensor<10x1xf32>
  func.return
}
// CHECK: {{^}}qtrain.linear: result shape must be 1x10, got 10x1{{$}}

// -----

// _check_tensor "must be a ranked tensor" cannot be reached: the IRDL operand
// constraint (TensorType, ranked only) rejects an unranked tensor first.
func.func @f(%x: tensor<*xf32>, %w: tensor<10x8xf32>, %b: tensor<10xf32>) {
  %y = qtrain.linear %x, %w, %b : (tensor<*xf32>, tensor<10x8xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  func.return
}
// CHECK: {{^}}tensor<*xf32> should be of base attribute tensor{{$}}
