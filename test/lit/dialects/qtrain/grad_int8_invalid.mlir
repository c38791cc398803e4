// RUN: %tt-opt %s --split-input-file --verify-diagnostics | %filecheck %s

// Every verifier message of the elementwise gradient ops of the int8 part:
// dequantize_grad, global_avgpool_grad, clamp_grad, add_grad, requant_grad.
// Each case is checked right after the split marker that tt-opt prints before it, so a
// case that verified (or failed twice) would shift every later match and fail the test.

// dequantize_grad: f32 in and out, same shape, finite positive scale.
func.func @f(%a: tensor<1x8xi8>) {
  %r = qtrain.dequantize_grad %a {scale = 0.1 : f64} : tensor<1x8xi8> -> tensor<1x8xf32>
  func.return
}
// CHECK: {{^}}qtrain.dequantize_grad: grad_output must be a tensor of f32, got tensor<1x8xi8>{{$}}

// -----

func.func @f(%a: tensor<1x0xf32>) {
  %r = qtrain.dequantize_grad %a {scale = 0.1 : f64} : tensor<1x0xf32> -> tensor<1x0xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.dequantize_grad: grad_output must not be empty, got tensor<1x0xf32>{{$}}

// -----

func.func @f(%a: tensor<1x8xf32>) {
  %r = qtrain.dequantize_grad %a {scale = 0.1 : f64} : tensor<1x8xf32> -> tensor<8x1xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.dequantize_grad: result must have shape 1x8, got 8x1{{$}}

// -----

func.func @f(%a: tensor<1x8xf32>) {
  %r = qtrain.dequantize_grad %a {scale = 0.1 : f64} : tensor<1x8xf32> -> tensor<1x8xf16>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.dequantize_grad: result must be a tensor of f32, got tensor<1x8xf16>{{$}}

// -----

func.func @f(%a: tensor<1x8xf32>) {
  %r = qtrain.dequantize_grad %a {scale = 0.0 : f64} : tensor<1x8xf32> -> tensor<1x8xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.dequantize_grad: scale must be finite and positive, got 0.0{{$}}

// -----

func.func @f(%a: tensor<1x8xf32>) {
  %r = qtrain.dequantize_grad %a {scale = -0.1 : f64} : tensor<1x8xf32> -> tensor<1x8xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.dequantize_grad: scale must be finite and positive, got -0.1{{$}}

// -----

func.func @f(%a: tensor<1x8xf32>) {
  %r = qtrain.dequantize_grad %a {scale = 0x7FF0000000000000 : f64} : tensor<1x8xf32> -> tensor<1x8xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.dequantize_grad: scale must be finite and positive, got inf{{$}}

// -----

func.func @f(%a: tensor<1x8xf32>) {
  %r = qtrain.dequantize_grad %a {scale = 0x7FF8000000000000 : f64} : tensor<1x8xf32> -> tensor<1x8xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.dequantize_grad: scale must be finite and positive, got nan{{$}}

// -----

// global_avgpool_grad: an N x C x 1 x 1 f32 gradient spread over an N x C x H x W f32 result.
func.func @f(%a: tensor<1x8x1x1xf32>) {
  %r = qtrain.global_avgpool_grad %a : tensor<1x8x1x1xf32> -> tensor<1x8xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.global_avgpool_grad: result must have rank 4, got rank 2{{$}}

// -----

func.func @f(%a: tensor<1x8x1x1xf32>) {
  %r = qtrain.global_avgpool_grad %a : tensor<1x8x1x1xf32> -> tensor<1x8x5x5x!qtrain.qi8<0.1, -128>>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.global_avgpool_grad: result must be a tensor of f32, got tensor<1x8x5x5x!qtrain.qi8<0.1, -128>>{{$}}

// -----

func.func @f(%a: tensor<1x8x1x1xf32>) {
  %r = qtrain.global_avgpool_grad %a : tensor<1x8x1x1xf32> -> tensor<1x8x?x5xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.global_avgpool_grad: result must have a static shape, got tensor<1x8x?x5xf32>{{$}}

// -----

func.func @f(%a: tensor<1x8x2x2xf32>) {
  %r = qtrain.global_avgpool_grad %a : tensor<1x8x2x2xf32> -> tensor<1x8x5x5xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.global_avgpool_grad: grad_output must have shape 1x8x1x1, got 1x8x2x2{{$}}

// -----

func.func @f(%a: tensor<1x4x1x1xf32>) {
  %r = qtrain.global_avgpool_grad %a : tensor<1x4x1x1xf32> -> tensor<1x8x5x5xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.global_avgpool_grad: grad_output must have shape 1x8x1x1, got 1x4x1x1{{$}}

// -----

func.func @f(%a: tensor<1x8xf32>) {
  %r = qtrain.global_avgpool_grad %a : tensor<1x8xf32> -> tensor<1x8x5x5xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.global_avgpool_grad: grad_output must have shape 1x8x1x1, got 1x8{{$}}

// -----

func.func @f(%a: tensor<1x8x1x1xf64>) {
  %r = qtrain.global_avgpool_grad %a : tensor<1x8x1x1xf64> -> tensor<1x8x5x5xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.global_avgpool_grad: grad_output must be a tensor of f32, got tensor<1x8x1x1xf64>{{$}}

// -----

// clamp_grad: the mask is i1 of the gradient's shape.
func.func @f(%dy: tensor<1x2x4x4xi32>, %m: tensor<1x2x4x4xi1>) {
  %r = qtrain.clamp_grad %dy, %m : (tensor<1x2x4x4xi32>, tensor<1x2x4x4xi1>) -> tensor<1x2x4x4xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.clamp_grad: grad_output must be a tensor of f32, got tensor<1x2x4x4xi32>{{$}}

// -----

func.func @f(%dy: tensor<1x?x4x4xf32>, %m: tensor<1x2x4x4xi1>) {
  %r = qtrain.clamp_grad %dy, %m : (tensor<1x?x4x4xf32>, tensor<1x2x4x4xi1>) -> tensor<1x2x4x4xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.clamp_grad: grad_output must have a static shape, got tensor<1x?x4x4xf32>{{$}}

// -----

func.func @f(%dy: tensor<1x2x4x4xf32>, %m: tensor<1x2x4x4xi8>) {
  %r = qtrain.clamp_grad %dy, %m : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xi8>) -> tensor<1x2x4x4xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.clamp_grad: mask must be tensor<1x2x4x4xi1>, got tensor<1x2x4x4xi8>{{$}}

// -----

func.func @f(%dy: tensor<1x2x4x4xf32>, %m: tensor<1x2x2x2xi1>) {
  %r = qtrain.clamp_grad %dy, %m : (tensor<1x2x4x4xf32>, tensor<1x2x2x2xi1>) -> tensor<1x2x4x4xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.clamp_grad: mask must be tensor<1x2x4x4xi1>, got tensor<1x2x2x2xi1>{{$}}

// -----

func.func @f(%dy: tensor<1x2x4x4xf32>, %m: tensor<1x2x4x4xi1>) {
  %r = qtrain.clamp_grad %dy, %m : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xi1>) -> tensor<1x2x4x5xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.clamp_grad: result must have shape 1x2x4x4, got 1x2x4x5{{$}}

// -----

func.func @f(%dy: tensor<1x2x4x4xf32>, %m: tensor<1x2x4x4xi1>) {
  %r = qtrain.clamp_grad %dy, %m : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xi1>) -> tensor<1x2x4x4xf64>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.clamp_grad: result must be a tensor of f32, got tensor<1x2x4x4xf64>{{$}}

// -----

// add_grad: two f32 results of the gradient's shape, finite factors.
func.func @f(%dy: tensor<1x2x4x4xi8>) {
  %da, %db = qtrain.add_grad %dy {lhs_factor = 0.5 : f32, rhs_factor = 0.25 : f32} : (tensor<1x2x4x4xi8>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>)
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.add_grad: grad_output must be a tensor of f32, got tensor<1x2x4x4xi8>{{$}}

// -----

func.func @f(%dy: tensor<1x2x4x4xf32>) {
  %da, %db = qtrain.add_grad %dy {lhs_factor = 0.5 : f32, rhs_factor = 0.25 : f32} : (tensor<1x2x4x4xf32>) -> (tensor<1x2x4x5xf32>, tensor<1x2x4x4xf32>)
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.add_grad: lhs gradient must have shape 1x2x4x4, got 1x2x4x5{{$}}

// -----

func.func @f(%dy: tensor<1x2x4x4xf32>) {
  %da, %db = qtrain.add_grad %dy {lhs_factor = 0.5 : f32, rhs_factor = 0.25 : f32} : (tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf64>)
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.add_grad: rhs gradient must be a tensor of f32, got tensor<1x2x4x4xf64>{{$}}

// -----

func.func @f(%dy: tensor<1x2x4x4xf32>) {
  %da, %db = qtrain.add_grad %dy {lhs_factor = 0.5 : f32, rhs_factor = 0.25 : f32} : (tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<2x1x4x4xf32>)
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.add_grad: rhs gradient must have shape 1x2x4x4, got 2x1x4x4{{$}}

// -----

func.func @f(%dy: tensor<1x2x4x4xf32>) {
  %da, %db = qtrain.add_grad %dy {lhs_factor = 0x7F800000 : f32, rhs_factor = 0.25 : f32} : (tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>)
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.add_grad: lhs_factor must be finite, got inf{{$}}

// -----

func.func @f(%dy: tensor<1x2x4x4xf32>) {
  %da, %db = qtrain.add_grad %dy {lhs_factor = 0xFF800000 : f32, rhs_factor = 0.25 : f32} : (tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>)
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.add_grad: lhs_factor must be finite, got -inf{{$}}

// -----

func.func @f(%dy: tensor<1x2x4x4xf32>) {
  %da, %db = qtrain.add_grad %dy {lhs_factor = 0.5 : f32, rhs_factor = 0x7FC00000 : f32} : (tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>)
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.add_grad: rhs_factor must be finite, got nan{{$}}

// -----

// requant_grad: rank-4 f32, one f32 multiplier per channel.
func.func @f(%a: tensor<2x4xf32>) {
  %r = qtrain.requant_grad %a {multipliers = array<f32: 0.5, 0.25, 1.0, 2.0>} : tensor<2x4xf32> -> tensor<2x4xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.requant_grad: grad_output must have rank 4, got rank 2{{$}}

// -----

func.func @f(%a: tensor<1x2x4x4xi32>) {
  %r = qtrain.requant_grad %a {multipliers = array<f32: 0.5, 0.25>} : tensor<1x2x4x4xi32> -> tensor<1x2x4x4xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.requant_grad: grad_output must be a tensor of f32, got tensor<1x2x4x4xi32>{{$}}

// -----

func.func @f(%a: tensor<1x2x4x4xf32>) {
  %r = qtrain.requant_grad %a {multipliers = array<f32: 0.5, 0.25>} : tensor<1x2x4x4xf32> -> tensor<2x1x4x4xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.requant_grad: result must have shape 1x2x4x4, got 2x1x4x4{{$}}

// -----

func.func @f(%a: tensor<1x2x4x4xf32>) {
  %r = qtrain.requant_grad %a {multipliers = array<f32: 0.5, 0.25, 0.125>} : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.requant_grad: multipliers must be array<f32> with one value per channel (2), got 3{{$}}

// -----

func.func @f(%a: tensor<1x2x4x4xf32>) {
  %r = qtrain.requant_grad %a {multipliers = array<f64: 0.5, 0.25>} : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.requant_grad: multipliers must be array<f32> with one value per channel (2), got 2{{$}}

// -----

func.func @f(%a: tensor<1x2x4x4xf32>) {
  %r = qtrain.requant_grad %a {multipliers = array<i64: 1, 2>} : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.requant_grad: multipliers must be array<f32> with one value per channel (2), got 2{{$}}

// -----

// The "must be a ranked tensor" / non-tensor branches of _check_tensor and _f32 cannot be
// reached: the IRDL operand constraint (TensorType, ranked only) rejects an unranked tensor first.
func.func @f(%dy: tensor<*xf32>, %m: tensor<1x2x4x4xi1>) {
  %r = qtrain.clamp_grad %dy, %m : (tensor<*xf32>, tensor<1x2x4x4xi1>) -> tensor<1x2x4x4xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}tensor<*xf32> should be of base attribute tensor{{$}}
