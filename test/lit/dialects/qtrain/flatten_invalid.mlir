// RUN: %tt-opt %s --split-input-file --verify-diagnostics | %filecheck %s

// The input has a batch dimension and at least one more.
func.func @f(%x: tensor<8xf32>) {
  %y = qtrain.flatten %x : tensor<8xf32> -> tensor<1x8xf32>
  func.return
}
// CHECK: {{^}}qtrain.flatten: input must have rank >= 2, got rank 1{{$}}

// -----

func.func @f(%x: tensor<f32>) {
  %y = qtrain.flatten %x : tensor<f32> -> tensor<1x1xf32>
  func.return
}
// CHECK: {{^}}qtrain.flatten: input must have rank >= 2, got rank 0{{$}}

// -----

// The result is N x (C*H*W).
func.func @f(%x: tensor<1x8x2x2xf32>) {
  %y = qtrain.flatten %x : tensor<1x8x2x2xf32> -> tensor<1x16x1xf32>
  func.return
}
// CHECK: {{^}}qtrain.flatten: result shape must be 1x32, got 1x16x1{{$}}

// -----

func.func @f(%x: tensor<1x8x2x2xf32>) {
  %y = qtrain.flatten %x : tensor<1x8x2x2xf32> -> tensor<1x8xf32>
  func.return
}
// CHECK: {{^}}qtrain.flatten: result shape must be 1x32, got 1x8{{$}}

// -----

func.func @f(%x: tensor<2x3x5x7xf32>) {
  %y = qtrain.flatten %x : tensor<2x3x5x7xf32> -> tensor<1x210xf32>
  func.return
}
// CHECK: {{^}}qtrain.flatten: result shape must be 2x105, got 1x210{{$}}

// -----

func.func @f(%x: tensor<2x3x5x7xf32>) {
  %y = qtrain.flatten %x : tensor<2x3x5x7xf32> -> tensor<210xf32>
  func.return
}
// CHECK: {{^}}qtrain.flatten: result shape must be 2x105, got 210{{$}}

// -----

// The element type is kept, quantization included.
func.func @f(%x: tensor<1x8x1x1xf32>) {
  %y = qtrain.flatten %x : tensor<1x8x1x1xf32> -> tensor<1x8xf16>
  func.return
}
// CHECK: {{^}}qtrain.flatten: input and result must have the same element type{{$}}

// -----

func.func @f(%x: tensor<1x8x1x1x!qtrain.qi8<0.1, -128>>) {
  %y = qtrain.flatten %x : tensor<1x8x1x1x!qtrain.qi8<0.1, -128>> -> tensor<1x8xf32>
  func.return
}
// CHECK: {{^}}qtrain.flatten: input and result must have the same element type{{$}}

// -----

func.func @f(%x: tensor<1x8x1x1x!qtrain.qi8<0.1, -128>>) {
  %y = qtrain.flatten %x : tensor<1x8x1x1x!qtrain.qi8<0.1, -128>> -> tensor<1x8x!qtrain.qi8<0.1, 0>>
  func.return
}
// CHECK: {{^}}qtrain.flatten: input and result must have the same element type{{$}}

// -----

// An unranked tensor is rejected by the IRDL operand constraint.
func.func @f(%x: tensor<*xf32>) {
  %y = qtrain.flatten %x : tensor<*xf32> -> tensor<1x8xf32>
  func.return
}
// CHECK: {{^}}tensor<*xf32> should be of base attribute tensor{{$}}
