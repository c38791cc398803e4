// RUN: %tt-opt %s --split-input-file --verify-diagnostics | %filecheck %s

// Every verifier message of conv2d_grad_input, conv2d_grad_weight and conv2d_grad_bias.
// Each case is checked right after the split marker that tt-opt prints before it, so a
// case that verified (or failed twice) would shift every later match and fail the test.

// conv2d_grad_input: geometry (stride, pad, groups).
func.func @f(%g: tensor<1x2x4x4xf32>, %w: tensor<2x3x3x3xi8>) {
  %dx = qtrain.conv2d_grad_input %g, %w {stride = array<i32: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<2x3x3x3xi8>) -> tensor<1x3x4x4xf32>
  func.return
}
// CHECK: {{^}}qtrain.conv2d_grad_input: stride must be array<i64: sh, sw> with values >= 1{{$}}

// -----

func.func @f(%g: tensor<1x2x4x4xf32>, %w: tensor<2x3x3x3xi8>) {
  %dx = qtrain.conv2d_grad_input %g, %w {stride = array<i64: 1, 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<2x3x3x3xi8>) -> tensor<1x3x4x4xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_input: stride must be array<i64: sh, sw> with values >= 1{{$}}

// -----

func.func @f(%g: tensor<1x2x4x4xf32>, %w: tensor<2x3x3x3xi8>) {
  %dx = qtrain.conv2d_grad_input %g, %w {stride = array<i64: 0, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<2x3x3x3xi8>) -> tensor<1x3x4x4xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_input: stride must be array<i64: sh, sw> with values >= 1{{$}}

// -----

func.func @f(%g: tensor<1x2x4x4xf32>, %w: tensor<2x3x3x3xi8>) {
  %dx = qtrain.conv2d_grad_input %g, %w {stride = array<i64: 1, 1>, pad = array<i32: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<2x3x3x3xi8>) -> tensor<1x3x4x4xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_input: pad must be array<i64: top, left, bottom, right> with values >= 0{{$}}

// -----

func.func @f(%g: tensor<1x2x4x4xf32>, %w: tensor<2x3x3x3xi8>) {
  %dx = qtrain.conv2d_grad_input %g, %w {stride = array<i64: 1, 1>, pad = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<2x3x3x3xi8>) -> tensor<1x3x4x4xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_input: pad must be array<i64: top, left, bottom, right> with values >= 0{{$}}

// -----

func.func @f(%g: tensor<1x2x4x4xf32>, %w: tensor<2x3x3x3xi8>) {
  %dx = qtrain.conv2d_grad_input %g, %w {stride = array<i64: 1, 1>, pad = array<i64: 1, -1, 1, 1>, groups = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<2x3x3x3xi8>) -> tensor<1x3x4x4xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_input: pad must be array<i64: top, left, bottom, right> with values >= 0{{$}}

// -----

func.func @f(%g: tensor<1x2x4x4xf32>, %w: tensor<2x3x3x3xi8>) {
  %dx = qtrain.conv2d_grad_input %g, %w {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 0 : i64} : (tensor<1x2x4x4xf32>, tensor<2x3x3x3xi8>) -> tensor<1x3x4x4xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_input: groups must be >= 1, got 0{{$}}

// -----

func.func @f(%g: tensor<1x2x4x4xf32>, %w: tensor<2x3x3x3xi8>) {
  %dx = qtrain.conv2d_grad_input %g, %w {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = -2 : i64} : (tensor<1x2x4x4xf32>, tensor<2x3x3x3xi8>) -> tensor<1x3x4x4xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_input: groups must be >= 1, got -2{{$}}

// -----

// conv2d_grad_input: operand and result types.
func.func @f(%g: tensor<1x2x4x4xf64>, %w: tensor<2x3x3x3xi8>) {
  %dx = qtrain.conv2d_grad_input %g, %w {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x2x4x4xf64>, tensor<2x3x3x3xi8>) -> tensor<1x3x4x4xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_input: grad_output must be a tensor of f32, got tensor<1x2x4x4xf64>{{$}}

// -----

func.func @f(%g: tensor<2x4x4xf32>, %w: tensor<2x3x3x3xi8>) {
  %dx = qtrain.conv2d_grad_input %g, %w {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<2x4x4xf32>, tensor<2x3x3x3xi8>) -> tensor<1x3x4x4xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_input: grad_output must have rank 4, got rank 3{{$}}

// -----

func.func @f(%g: tensor<1x2x?x4xf32>, %w: tensor<2x3x3x3xi8>) {
  %dx = qtrain.conv2d_grad_input %g, %w {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x2x?x4xf32>, tensor<2x3x3x3xi8>) -> tensor<1x3x4x4xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_input: grad_output must have a static shape, got tensor<1x2x?x4xf32>{{$}}

// -----

func.func @f(%g: tensor<1x2x4x4xf32>, %w: tensor<2x3x3x3xf32>) {
  %dx = qtrain.conv2d_grad_input %g, %w {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<2x3x3x3xf32>) -> tensor<1x3x4x4xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_input: weight must have element type i8, got f32{{$}}

// -----

func.func @f(%g: tensor<1x2x4x4xf32>, %w: tensor<2x3x3x3x!qtrain.qi8<0.1, 0>>) {
  %dx = qtrain.conv2d_grad_input %g, %w {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<2x3x3x3x!qtrain.qi8<0.1, 0>>) -> tensor<1x3x4x4xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_input: weight must have element type i8, got !qtrain.qi8<0.1, 0>{{$}}

// -----

func.func @f(%g: tensor<1x2x4x4xf32>, %w: tensor<2x27xi8>) {
  %dx = qtrain.conv2d_grad_input %g, %w {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<2x27xi8>) -> tensor<1x3x4x4xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_input: weight must have rank 4, got rank 2{{$}}

// -----

func.func @f(%g: tensor<1x2x4x4xf32>, %w: tensor<2x3x?x3xi8>) {
  %dx = qtrain.conv2d_grad_input %g, %w {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<2x3x?x3xi8>) -> tensor<1x3x4x4xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_input: weight must have a static shape, got tensor<2x3x?x3xi8>{{$}}

// -----

func.func @f(%g: tensor<1x2x4x4xf32>, %w: tensor<2x0x3x3xi8>) {
  %dx = qtrain.conv2d_grad_input %g, %w {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<2x0x3x3xi8>) -> tensor<1x3x4x4xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_input: weight must not be empty, got tensor<2x0x3x3xi8>{{$}}

// -----

func.func @f(%g: tensor<1x2x4x4xf32>, %w: tensor<2x3x3x3xi8>) {
  %dx = qtrain.conv2d_grad_input %g, %w {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<2x3x3x3xi8>) -> tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_input: result must be a tensor of f32, got tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>{{$}}

// -----

func.func @f(%g: tensor<1x2x4x4xf32>, %w: tensor<2x3x3x3xi8>) {
  %dx = qtrain.conv2d_grad_input %g, %w {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<2x3x3x3xi8>) -> tensor<3x4x4xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_input: result must have rank 4, got rank 3{{$}}

// -----

// conv2d_grad_input: channels, batch and spatial sizes.
func.func @f(%g: tensor<1x2x4x4xf32>, %w: tensor<3x3x3x3xi8>) {
  %dx = qtrain.conv2d_grad_input %g, %w {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<3x3x3x3xi8>) -> tensor<1x3x4x4xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_input: weight 3x3x3x3 with groups 1 does not map 2 output channels to 3 input channels{{$}}

// -----

func.func @f(%g: tensor<1x2x4x4xf32>, %w: tensor<2x3x3x3xi8>) {
  %dx = qtrain.conv2d_grad_input %g, %w {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<2x3x3x3xi8>) -> tensor<1x4x4x4xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_input: weight 2x3x3x3 with groups 1 does not map 2 output channels to 4 input channels{{$}}

// -----

func.func @f(%g: tensor<1x3x4x4xf32>, %w: tensor<3x1x3x3xi8>) {
  %dx = qtrain.conv2d_grad_input %g, %w {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 2 : i64} : (tensor<1x3x4x4xf32>, tensor<3x1x3x3xi8>) -> tensor<1x2x4x4xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_input: weight 3x1x3x3 with groups 2 does not map 3 output channels to 2 input channels{{$}}

// -----

func.func @f(%g: tensor<2x2x4x4xf32>, %w: tensor<2x3x3x3xi8>) {
  %dx = qtrain.conv2d_grad_input %g, %w {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<2x2x4x4xf32>, tensor<2x3x3x3xi8>) -> tensor<1x3x4x4xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_input: batch sizes differ (1 and 2){{$}}

// -----

func.func @f(%g: tensor<1x2x4x4xf32>, %w: tensor<2x3x3x3xi8>) {
  %dx = qtrain.conv2d_grad_input %g, %w {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<2x3x3x3xi8>) -> tensor<1x3x5x5xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_input: gradient spatial size 4x4 does not match the convolution's output 5x5{{$}}

// -----

func.func @f(%g: tensor<1x2x3x3xf32>, %w: tensor<2x3x3x3xi8>) {
  %dx = qtrain.conv2d_grad_input %g, %w {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x2x3x3xf32>, tensor<2x3x3x3xi8>) -> tensor<1x3x8x8xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_input: gradient spatial size 3x3 does not match the convolution's output 4x4{{$}}

// -----

// Asymmetric padding [1, 0, 2, 1], stride 2 on 7x7: (7 + 3 - 3) / 2 + 1 = 4 by (7 + 1 - 3) / 2 + 1 = 3.
func.func @f(%g: tensor<1x2x4x4xf32>, %w: tensor<2x3x3x3xi8>) {
  %dx = qtrain.conv2d_grad_input %g, %w {stride = array<i64: 2, 2>, pad = array<i64: 1, 0, 2, 1>, groups = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<2x3x3x3xi8>) -> tensor<1x3x7x7xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_input: gradient spatial size 4x4 does not match the convolution's output 4x3{{$}}

// -----

// conv2d_grad_weight: geometry.
func.func @f(%x: tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, %g: tensor<1x2x4x4xf32>) {
  %dw = qtrain.conv2d_grad_weight %x, %g {stride = array<i64: 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x2x4x4xf32>) -> tensor<2x3x3x3xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_weight: stride must be array<i64: sh, sw> with values >= 1{{$}}

// -----

func.func @f(%x: tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, %g: tensor<1x2x4x4xf32>) {
  %dw = qtrain.conv2d_grad_weight %x, %g {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, -1>, groups = 1 : i64} : (tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x2x4x4xf32>) -> tensor<2x3x3x3xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_weight: pad must be array<i64: top, left, bottom, right> with values >= 0{{$}}

// -----

func.func @f(%x: tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, %g: tensor<1x2x4x4xf32>) {
  %dw = qtrain.conv2d_grad_weight %x, %g {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 0 : i64} : (tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x2x4x4xf32>) -> tensor<2x3x3x3xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_weight: groups must be >= 1, got 0{{$}}

// -----

// conv2d_grad_weight: operand and result types (the input is int8 with its quantization).
func.func @f(%x: tensor<1x3x4x4xi8>, %g: tensor<1x2x4x4xf32>) {
  %dw = qtrain.conv2d_grad_weight %x, %g {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x3x4x4xi8>, tensor<1x2x4x4xf32>) -> tensor<2x3x3x3xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_weight: input must have element type !qtrain.qi8, got i8{{$}}

// -----

func.func @f(%x: tensor<3x4x4x!qtrain.qi8<0.1, 3>>, %g: tensor<1x2x4x4xf32>) {
  %dw = qtrain.conv2d_grad_weight %x, %g {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<3x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x2x4x4xf32>) -> tensor<2x3x3x3xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_weight: input must have rank 4, got rank 3{{$}}

// -----

func.func @f(%x: tensor<1x3x?x4x!qtrain.qi8<0.1, 3>>, %g: tensor<1x2x4x4xf32>) {
  %dw = qtrain.conv2d_grad_weight %x, %g {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x3x?x4x!qtrain.qi8<0.1, 3>>, tensor<1x2x4x4xf32>) -> tensor<2x3x3x3xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_weight: input must have a static shape, got tensor<1x3x?x4x!qtrain.qi8<0.1, 3>>{{$}}

// -----

func.func @f(%x: tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, %g: tensor<1x2x4x4xi32>) {
  %dw = qtrain.conv2d_grad_weight %x, %g {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x2x4x4xi32>) -> tensor<2x3x3x3xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_weight: grad_output must be a tensor of f32, got tensor<1x2x4x4xi32>{{$}}

// -----

func.func @f(%x: tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, %g: tensor<2x16xf32>) {
  %dw = qtrain.conv2d_grad_weight %x, %g {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, tensor<2x16xf32>) -> tensor<2x3x3x3xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_weight: grad_output must have rank 4, got rank 2{{$}}

// -----

func.func @f(%x: tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, %g: tensor<1x2x4x4xf32>) {
  %dw = qtrain.conv2d_grad_weight %x, %g {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x2x4x4xf32>) -> tensor<2x3x3x3xi8>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_weight: result must be a tensor of f32, got tensor<2x3x3x3xi8>{{$}}

// -----

func.func @f(%x: tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, %g: tensor<1x2x4x4xf32>) {
  %dw = qtrain.conv2d_grad_weight %x, %g {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x2x4x4xf32>) -> tensor<2x27xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_weight: result must have rank 4, got rank 2{{$}}

// -----

func.func @f(%x: tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, %g: tensor<1x2x4x4xf32>) {
  %dw = qtrain.conv2d_grad_weight %x, %g {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x2x4x4xf32>) -> tensor<2x0x3x3xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_weight: result must not be empty, got tensor<2x0x3x3xf32>{{$}}

// -----

// conv2d_grad_weight: batch, trainable kinds, leading-channel slices, spatial sizes.
func.func @f(%x: tensor<2x3x4x4x!qtrain.qi8<0.1, 3>>, %g: tensor<1x2x4x4xf32>) {
  %dw = qtrain.conv2d_grad_weight %x, %g {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<2x3x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x2x4x4xf32>) -> tensor<2x3x3x3xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_weight: batch sizes differ (2 and 1){{$}}

// -----

// Grouped (neither regular nor depthwise): weights are not trained.
func.func @f(%x: tensor<1x4x4x4x!qtrain.qi8<0.1, 3>>, %g: tensor<1x4x4x4xf32>) {
  %dw = qtrain.conv2d_grad_weight %x, %g {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 2 : i64} : (tensor<1x4x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x4x4x4xf32>) -> tensor<4x2x3x3xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_weight: only regular (groups = 1) and depthwise convolutions train weights{{$}}

// -----

// Regular: the full output-channel count, and at most the input channels.
func.func @f(%x: tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, %g: tensor<1x2x4x4xf32>) {
  %dw = qtrain.conv2d_grad_weight %x, %g {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x2x4x4xf32>) -> tensor<3x3x3x3xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_weight: weight gradient 3x3x3x3 is not a leading-channel slice of the conv's weights (input 3 channels, output 2 channels, groups 1){{$}}

// -----

func.func @f(%x: tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, %g: tensor<1x2x4x4xf32>) {
  %dw = qtrain.conv2d_grad_weight %x, %g {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x2x4x4xf32>) -> tensor<1x3x3x3xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_weight: weight gradient 1x3x3x3 is not a leading-channel slice of the conv's weights (input 3 channels, output 2 channels, groups 1){{$}}

// -----

func.func @f(%x: tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, %g: tensor<1x2x4x4xf32>) {
  %dw = qtrain.conv2d_grad_weight %x, %g {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x2x4x4xf32>) -> tensor<2x4x3x3xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_weight: weight gradient 2x4x3x3 is not a leading-channel slice of the conv's weights (input 3 channels, output 2 channels, groups 1){{$}}

// -----

// Depthwise: at most min(input, output) channels, one input channel per filter.
func.func @f(%x: tensor<1x8x9x9x!qtrain.qi8<0.1, -128>>, %g: tensor<1x8x5x5xf32>) {
  %dw = qtrain.conv2d_grad_weight %x, %g {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 8 : i64} : (tensor<1x8x9x9x!qtrain.qi8<0.1, -128>>, tensor<1x8x5x5xf32>) -> tensor<9x1x3x3xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_weight: weight gradient 9x1x3x3 is not a leading-channel slice of the conv's weights (input 8 channels, output 8 channels, groups 8){{$}}

// -----

func.func @f(%x: tensor<1x8x9x9x!qtrain.qi8<0.1, -128>>, %g: tensor<1x8x5x5xf32>) {
  %dw = qtrain.conv2d_grad_weight %x, %g {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 8 : i64} : (tensor<1x8x9x9x!qtrain.qi8<0.1, -128>>, tensor<1x8x5x5xf32>) -> tensor<3x2x3x3xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_weight: weight gradient 3x2x3x3 is not a leading-channel slice of the conv's weights (input 8 channels, output 8 channels, groups 8){{$}}

// -----

// A saved slice of 3 channels bounds a depthwise gradient to 3 channels.
func.func @f(%x: tensor<1x3x9x9x!qtrain.qi8<0.1, -128>>, %g: tensor<1x8x5x5xf32>) {
  %dw = qtrain.conv2d_grad_weight %x, %g {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 8 : i64} : (tensor<1x3x9x9x!qtrain.qi8<0.1, -128>>, tensor<1x8x5x5xf32>) -> tensor<4x1x3x3xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_weight: weight gradient 4x1x3x3 is not a leading-channel slice of the conv's weights (input 3 channels, output 8 channels, groups 8){{$}}

// -----

func.func @f(%x: tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, %g: tensor<1x2x4x4xf32>) {
  %dw = qtrain.conv2d_grad_weight %x, %g {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x2x4x4xf32>) -> tensor<2x3x5x5xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_weight: gradient spatial size 4x4 does not match the convolution's output 2x2{{$}}

// -----

func.func @f(%x: tensor<1x8x9x9x!qtrain.qi8<0.1, -128>>, %g: tensor<1x8x4x4xf32>) {
  %dw = qtrain.conv2d_grad_weight %x, %g {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 8 : i64} : (tensor<1x8x9x9x!qtrain.qi8<0.1, -128>>, tensor<1x8x4x4xf32>) -> tensor<8x1x3x3xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_weight: gradient spatial size 4x4 does not match the convolution's output 5x5{{$}}

// -----

// conv2d_grad_bias: one f32 value per channel of a rank-4 f32 gradient.
func.func @f(%a: tensor<1x2x4x4xi32>) {
  %r = qtrain.conv2d_grad_bias %a : tensor<1x2x4x4xi32> -> tensor<2xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_bias: grad_output must be a tensor of f32, got tensor<1x2x4x4xi32>{{$}}

// -----

func.func @f(%a: tensor<2x16xf32>) {
  %r = qtrain.conv2d_grad_bias %a : tensor<2x16xf32> -> tensor<2xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_bias: grad_output must have rank 4, got rank 2{{$}}

// -----

func.func @f(%a: tensor<?x2x4x4xf32>) {
  %r = qtrain.conv2d_grad_bias %a : tensor<?x2x4x4xf32> -> tensor<2xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_bias: grad_output must have a static shape, got tensor<?x2x4x4xf32>{{$}}

// -----

func.func @f(%a: tensor<1x2x4x4xf32>) {
  %r = qtrain.conv2d_grad_bias %a : tensor<1x2x4x4xf32> -> tensor<3xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_bias: result must have shape 2, got 3{{$}}

// -----

func.func @f(%a: tensor<1x2x4x4xf32>) {
  %r = qtrain.conv2d_grad_bias %a : tensor<1x2x4x4xf32> -> tensor<1x2xf32>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_bias: result must have shape 2, got 1x2{{$}}

// -----

func.func @f(%a: tensor<1x2x4x4xf32>) {
  %r = qtrain.conv2d_grad_bias %a : tensor<1x2x4x4xf32> -> tensor<2xf64>
  func.return
}
// CHECK: {{^// -{5}$}}
// CHECK-NEXT: {{^}}qtrain.conv2d_grad_bias: result must be a tensor of f32, got tensor<2xf64>{{$}}
