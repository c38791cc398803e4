// RUN: %tt-opt %s --split-input-file --verify-diagnostics | %filecheck %s

// Every verifier message of the head's gradient ops: linear_grad_input,
// linear_grad_weight, sum_batch and reshape.
// Each case is checked right after the split marker that tt-opt prints before it, so a
// case that verified (or failed twice) would shift every later match and fail the test.

// linear_grad_input: dx = dy @ W.
func.func @f(%a: tensor<1x10xf64>, %b: tensor<10x8xf32>) {
  %r = qtrain.linear_grad_input %a, %b : (tensor<1x10xf64>, tensor<10x8xf32>) -> tensor<1x8xf32>
  func.return
}
// CHECK: {{^}}qtrain.linear_grad_input: grad_output must be a tensor of f32, got tensor<1x10xf64>{{$}}

// -----

func.func @f(%a: tensor<1x10x1xf32>, %b: tensor<10x8xf32>) {
  %r = qtrain.linear_grad_input %a, %b : (tensor<1x10x1xf32>, tensor<10x8xf32>) -> tensor<1x8xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.linear_grad_input: grad_output must have rank 2, got rank 3{{$}}

// -----

func.func @f(%a: tensor<?x10xf32>, %b: tensor<10x8xf32>) {
  %r = qtrain.linear_grad_input %a, %b : (tensor<?x10xf32>, tensor<10x8xf32>) -> tensor<1x8xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.linear_grad_input: grad_output must have a static shape, got tensor<?x10xf32>{{$}}

// -----

func.func @f(%a: tensor<1x10xf32>, %b: tensor<10x8xi8>) {
  %r = qtrain.linear_grad_input %a, %b : (tensor<1x10xf32>, tensor<10x8xi8>) -> tensor<1x8xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.linear_grad_input: weight must be a tensor of f32, got tensor<10x8xi8>{{$}}

// -----

func.func @f(%a: tensor<1x10xf32>, %b: tensor<80xf32>) {
  %r = qtrain.linear_grad_input %a, %b : (tensor<1x10xf32>, tensor<80xf32>) -> tensor<1x8xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.linear_grad_input: weight must have rank 2, got rank 1{{$}}

// -----

func.func @f(%a: tensor<1x10xf32>, %b: tensor<10x0xf32>) {
  %r = qtrain.linear_grad_input %a, %b : (tensor<1x10xf32>, tensor<10x0xf32>) -> tensor<1x8xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.linear_grad_input: weight must not be empty, got tensor<10x0xf32>{{$}}

// -----

func.func @f(%a: tensor<1x10xf32>, %b: tensor<9x8xf32>) {
  %r = qtrain.linear_grad_input %a, %b : (tensor<1x10xf32>, tensor<9x8xf32>) -> tensor<1x8xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.linear_grad_input: weight has 9 outputs, grad_output has 10{{$}}

// -----

func.func @f(%a: tensor<1x10xf32>, %b: tensor<10x8xf32>) {
  %r = qtrain.linear_grad_input %a, %b : (tensor<1x10xf32>, tensor<10x8xf32>) -> tensor<1x9xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.linear_grad_input: result must have shape 1x8, got 1x9{{$}}

// -----

func.func @f(%a: tensor<1x10xf32>, %b: tensor<10x8xf32>) {
  %r = qtrain.linear_grad_input %a, %b : (tensor<1x10xf32>, tensor<10x8xf32>) -> tensor<1x8xi32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.linear_grad_input: result must be a tensor of f32, got tensor<1x8xi32>{{$}}

// -----

// linear_grad_weight: dW = dy^T @ x.
func.func @f(%a: tensor<?x10xf32>, %b: tensor<1x8xf32>) {
  %r = qtrain.linear_grad_weight %a, %b : (tensor<?x10xf32>, tensor<1x8xf32>) -> tensor<10x8xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.linear_grad_weight: grad_output must have a static shape, got tensor<?x10xf32>{{$}}

// -----

func.func @f(%a: tensor<10xf32>, %b: tensor<1x8xf32>) {
  %r = qtrain.linear_grad_weight %a, %b : (tensor<10xf32>, tensor<1x8xf32>) -> tensor<10x8xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.linear_grad_weight: grad_output must have rank 2, got rank 1{{$}}

// -----

func.func @f(%a: tensor<1x10xi32>, %b: tensor<1x8xf32>) {
  %r = qtrain.linear_grad_weight %a, %b : (tensor<1x10xi32>, tensor<1x8xf32>) -> tensor<10x8xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.linear_grad_weight: grad_output must be a tensor of f32, got tensor<1x10xi32>{{$}}

// -----

func.func @f(%a: tensor<1x10xf32>, %b: tensor<1x8xi32>) {
  %r = qtrain.linear_grad_weight %a, %b : (tensor<1x10xf32>, tensor<1x8xi32>) -> tensor<10x8xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.linear_grad_weight: input must be a tensor of f32, got tensor<1x8xi32>{{$}}

// -----

func.func @f(%a: tensor<1x10xf32>, %b: tensor<1x8x1x1xf32>) {
  %r = qtrain.linear_grad_weight %a, %b : (tensor<1x10xf32>, tensor<1x8x1x1xf32>) -> tensor<10x8xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.linear_grad_weight: input must have rank 2, got rank 4{{$}}

// -----

func.func @f(%a: tensor<2x10xf32>, %b: tensor<3x8xf32>) {
  %r = qtrain.linear_grad_weight %a, %b : (tensor<2x10xf32>, tensor<3x8xf32>) -> tensor<10x8xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.linear_grad_weight: input has 3 rows, grad_output has 2{{$}}

// -----

func.func @f(%a: tensor<1x10xf32>, %b: tensor<1x8xf32>) {
  %r = qtrain.linear_grad_weight %a, %b : (tensor<1x10xf32>, tensor<1x8xf32>) -> tensor<8x10xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.linear_grad_weight: result must have shape 10x8, got 8x10{{$}}

// -----

func.func @f(%a: tensor<1x10xf32>, %b: tensor<1x8xf32>) {
  %r = qtrain.linear_grad_weight %a, %b : (tensor<1x10xf32>, tensor<1x8xf32>) -> tensor<10x8xf64>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.linear_grad_weight: result must be a tensor of f32, got tensor<10x8xf64>{{$}}

// -----

// sum_batch: reduces the leading axis of an f32 tensor of rank >= 1.
func.func @f(%a: tensor<3x10xi32>) {
  %r = qtrain.sum_batch %a : tensor<3x10xi32> -> tensor<10xi32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.sum_batch: input must be a tensor of f32, got tensor<3x10xi32>{{$}}

// -----

func.func @f(%a: tensor<f32>) {
  %r = qtrain.sum_batch %a : tensor<f32> -> tensor<f32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.sum_batch: input must have rank >= 1{{$}}

// -----

func.func @f(%a: tensor<0x10xf32>) {
  %r = qtrain.sum_batch %a : tensor<0x10xf32> -> tensor<10xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.sum_batch: input must not be empty, got tensor<0x10xf32>{{$}}

// -----

func.func @f(%a: tensor<3x10xf32>) {
  %r = qtrain.sum_batch %a : tensor<3x10xf32> -> tensor<3xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.sum_batch: result must have shape 10, got 3{{$}}

// -----

func.func @f(%a: tensor<3xf32>) {
  %r = qtrain.sum_batch %a : tensor<3xf32> -> tensor<1xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.sum_batch: result must have shape , got 1{{$}}

// -----

func.func @f(%a: tensor<3x10xf32>) {
  %r = qtrain.sum_batch %a : tensor<3x10xf32> -> tensor<10xf16>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.sum_batch: result must be a tensor of f32, got tensor<10xf16>{{$}}

// -----

// reshape: f32 in and out, same number of elements.
func.func @f(%a: tensor<1x8x!qtrain.qi8<0.1, 0>>) {
  %r = qtrain.reshape %a : tensor<1x8x!qtrain.qi8<0.1, 0>> -> tensor<1x8x1x1xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.reshape: input must be a tensor of f32, got tensor<1x8x!qtrain.qi8<0.1, 0>>{{$}}

// -----

func.func @f(%a: tensor<1x8xf32>) {
  %r = qtrain.reshape %a : tensor<1x8xf32> -> tensor<8xi8>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.reshape: result must be a tensor of f32, got tensor<8xi8>{{$}}

// -----

func.func @f(%a: tensor<1x8xf32>) {
  %r = qtrain.reshape %a : tensor<1x8xf32> -> tensor<1x9x1x1xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.reshape: 1x8 and 1x9x1x1 have different element counts{{$}}

// -----

func.func @f(%a: tensor<1x8xf32>) {
  %r = qtrain.reshape %a : tensor<1x8xf32> -> tensor<?xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.reshape: result must have a static shape, got tensor<?xf32>{{$}}

// -----

func.func @f(%a: tensor<0x8xf32>) {
  %r = qtrain.reshape %a : tensor<0x8xf32> -> tensor<0xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.reshape: input must not be empty, got tensor<0x8xf32>{{$}}
