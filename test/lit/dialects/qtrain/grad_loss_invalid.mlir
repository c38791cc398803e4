// RUN: %tt-opt %s --split-input-file --verify-diagnostics | %filecheck %s

// Every verifier message of qtrain.softmax_cross_entropy and qtrain.softmax_cross_entropy_grad.
// Each case is checked right after the split marker that tt-opt prints before it, so a
// case that verified (or failed twice) would shift every later match and fail the test.

// softmax_cross_entropy: logits are an f32 matrix.
func.func @f(%l: tensor<2x10xi32>, %t: tensor<2xi32>) {
  %r = qtrain.softmax_cross_entropy %l, %t : (tensor<2x10xi32>, tensor<2xi32>) -> tensor<f32>
  func.return
}
// CHECK: {{^}}qtrain.softmax_cross_entropy: logits must be a tensor of f32, got tensor<2x10xi32>{{$}}

// -----

func.func @f(%l: tensor<?x10xf32>, %t: tensor<2xi32>) {
  %r = qtrain.softmax_cross_entropy %l, %t : (tensor<?x10xf32>, tensor<2xi32>) -> tensor<f32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.softmax_cross_entropy: logits must have a static shape, got tensor<?x10xf32>{{$}}

// -----

func.func @f(%l: tensor<2x0xf32>, %t: tensor<2xi32>) {
  %r = qtrain.softmax_cross_entropy %l, %t : (tensor<2x0xf32>, tensor<2xi32>) -> tensor<f32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.softmax_cross_entropy: logits must not be empty, got tensor<2x0xf32>{{$}}

// -----

func.func @f(%l: tensor<2x10x1xf32>, %t: tensor<2xi32>) {
  %r = qtrain.softmax_cross_entropy %l, %t : (tensor<2x10x1xf32>, tensor<2xi32>) -> tensor<f32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.softmax_cross_entropy: logits must have rank 2, got rank 3{{$}}

// -----

// Labels: a static, non-empty i32 vector with one entry per row.
func.func @f(%l: tensor<2x10xf32>, %t: tensor<2x1xi32>) {
  %r = qtrain.softmax_cross_entropy %l, %t : (tensor<2x10xf32>, tensor<2x1xi32>) -> tensor<f32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.softmax_cross_entropy: label must have rank 1, got rank 2{{$}}

// -----

func.func @f(%l: tensor<2x10xf32>, %t: tensor<?xi32>) {
  %r = qtrain.softmax_cross_entropy %l, %t : (tensor<2x10xf32>, tensor<?xi32>) -> tensor<f32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.softmax_cross_entropy: label must have a static shape, got tensor<?xi32>{{$}}

// -----

func.func @f(%l: tensor<2x10xf32>, %t: tensor<0xi32>) {
  %r = qtrain.softmax_cross_entropy %l, %t : (tensor<2x10xf32>, tensor<0xi32>) -> tensor<f32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.softmax_cross_entropy: label must not be empty, got tensor<0xi32>{{$}}

// -----

func.func @f(%l: tensor<2x10xf32>, %t: tensor<2xi64>) {
  %r = qtrain.softmax_cross_entropy %l, %t : (tensor<2x10xf32>, tensor<2xi64>) -> tensor<f32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.softmax_cross_entropy: label must have element type i32, got i64{{$}}

// -----

func.func @f(%l: tensor<2x10xf32>, %t: tensor<3xi32>) {
  %r = qtrain.softmax_cross_entropy %l, %t : (tensor<2x10xf32>, tensor<3xi32>) -> tensor<f32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.softmax_cross_entropy: one label per row of logits expected, got 3 labels for 2 rows{{$}}

// -----

// The loss is a rank-0 f32 tensor (the expected shape prints as the empty string).
func.func @f(%l: tensor<2x10xf32>, %t: tensor<2xi32>) {
  %r = qtrain.softmax_cross_entropy %l, %t : (tensor<2x10xf32>, tensor<2xi32>) -> tensor<1xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.softmax_cross_entropy: loss must have shape , got 1{{$}}

// -----

func.func @f(%l: tensor<2x10xf32>, %t: tensor<2xi32>) {
  %r = qtrain.softmax_cross_entropy %l, %t : (tensor<2x10xf32>, tensor<2xi32>) -> tensor<f64>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.softmax_cross_entropy: loss must be a tensor of f32, got tensor<f64>{{$}}

// -----

// softmax_cross_entropy_grad: the same operand checks, and a result shaped like the logits.
func.func @f(%l: tensor<2x10xf16>, %t: tensor<2xi32>) {
  %r = qtrain.softmax_cross_entropy_grad %l, %t : (tensor<2x10xf16>, tensor<2xi32>) -> tensor<2x10xf16>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.softmax_cross_entropy_grad: logits must be a tensor of f32, got tensor<2x10xf16>{{$}}

// -----

func.func @f(%l: tensor<10xf32>, %t: tensor<2xi32>) {
  %r = qtrain.softmax_cross_entropy_grad %l, %t : (tensor<10xf32>, tensor<2xi32>) -> tensor<10xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.softmax_cross_entropy_grad: logits must have rank 2, got rank 1{{$}}

// -----

func.func @f(%l: tensor<2x?xf32>, %t: tensor<2xi32>) {
  %r = qtrain.softmax_cross_entropy_grad %l, %t : (tensor<2x?xf32>, tensor<2xi32>) -> tensor<2x?xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.softmax_cross_entropy_grad: logits must have a static shape, got tensor<2x?xf32>{{$}}

// -----

func.func @f(%l: tensor<2x10xf32>, %t: tensor<2xf32>) {
  %r = qtrain.softmax_cross_entropy_grad %l, %t : (tensor<2x10xf32>, tensor<2xf32>) -> tensor<2x10xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.softmax_cross_entropy_grad: label must have element type i32, got f32{{$}}

// -----

func.func @f(%l: tensor<2x10xf32>, %t: tensor<1xi32>) {
  %r = qtrain.softmax_cross_entropy_grad %l, %t : (tensor<2x10xf32>, tensor<1xi32>) -> tensor<2x10xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.softmax_cross_entropy_grad: one label per row of logits expected{{$}}

// -----

func.func @f(%l: tensor<2x10xf32>, %t: tensor<2x2xi32>) {
  %r = qtrain.softmax_cross_entropy_grad %l, %t : (tensor<2x10xf32>, tensor<2x2xi32>) -> tensor<2x10xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.softmax_cross_entropy_grad: label must have rank 1, got rank 2{{$}}

// -----

func.func @f(%l: tensor<2x10xf32>, %t: tensor<2xi32>) {
  %r = qtrain.softmax_cross_entropy_grad %l, %t : (tensor<2x10xf32>, tensor<2xi32>) -> tensor<2x9xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.softmax_cross_entropy_grad: result must have shape 2x10, got 2x9{{$}}

// -----

func.func @f(%l: tensor<2x10xf32>, %t: tensor<2xi32>) {
  %r = qtrain.softmax_cross_entropy_grad %l, %t : (tensor<2x10xf32>, tensor<2xi32>) -> tensor<2x10xf64>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.softmax_cross_entropy_grad: result must be a tensor of f32, got tensor<2x10xf64>{{$}}

// -----

func.func @f(%l: tensor<2x10xf32>, %t: tensor<2xi32>) {
  %r = qtrain.softmax_cross_entropy_grad %l, %t : (tensor<2x10xf32>, tensor<2xi32>) -> tensor<2x?xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.softmax_cross_entropy_grad: result must have a static shape, got tensor<2x?xf32>{{$}}
