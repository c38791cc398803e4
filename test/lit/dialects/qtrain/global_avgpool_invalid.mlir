// RUN: %tt-opt %s --split-input-file --verify-diagnostics | %filecheck %s

// _check_tensor: rank-4 int8 input and result.
func.func @f(%x: tensor<8x5x5x!qtrain.qi8<0.1, -128>>) {
  %y = qtrain.global_avgpool %x : tensor<8x5x5x!qtrain.qi8<0.1, -128>> -> tensor<1x8x1x1x!qtrain.qi8<0.1, -128>>
  func.return
}
// CHECK: {{^}}qtrain.global_avgpool: input must have rank 4, got rank 3{{$}}

// -----

func.func @f(%x: tensor<1x8x5x5x!qtrain.qi8<0.1, -128>>) {
  %y = qtrain.global_avgpool %x : tensor<1x8x5x5x!qtrain.qi8<0.1, -128>> -> tensor<1x8x!qtrain.qi8<0.1, -128>>
  func.return
}
// CHECK: {{^}}qtrain.global_avgpool: result must have rank 4, got rank 2{{$}}

// -----

func.func @f(%x: tensor<1x8x5x5xf32>) {
  %y = qtrain.global_avgpool %x : tensor<1x8x5x5xf32> -> tensor<1x8x1x1x!qtrain.qi8<0.1, -128>>
  func.return
}
// CHECK: {{^}}qtrain.global_avgpool: input must have element type !qtrain.qi8, got f32{{$}}

// -----

func.func @f(%x: tensor<1x8x5x5x!qtrain.qi8<0.1, -128>>) {
  %y = qtrain.global_avgpool %x : tensor<1x8x5x5x!qtrain.qi8<0.1, -128>> -> tensor<1x8x1x1xi8>
  func.return
}
// CHECK: {{^}}qtrain.global_avgpool: result must have element type !qtrain.qi8, got i8{{$}}

// -----

// The result is N x C x 1 x 1.
func.func @f(%x: tensor<1x8x5x5x!qtrain.qi8<0.1, -128>>) {
  %y = qtrain.global_avgpool %x : tensor<1x8x5x5x!qtrain.qi8<0.1, -128>> -> tensor<1x8x5x5x!qtrain.qi8<0.1, -128>>
  func.return
}
// CHECK: {{^}}qtrain.global_avgpool: result shape must be 1x8x1x1, got 1x8x5x5{{$}}

// -----

func.func @f(%x: tensor<1x8x5x5x!qtrain.qi8<0.1, -128>>) {
  %y = qtrain.global_avgpool %x : tensor<1x8x5x5x!qtrain.qi8<0.1, -128>> -> tensor<1x4x1x1x!qtrain.qi8<0.1, -128>>
  func.return
}
// CHECK: {{^}}qtrain.global_avgpool: result shape must be 1x8x1x1, got 1x4x1x1{{$}}

// -----

func.func @f(%x: tensor<1x8x5x5x!qtrain.qi8<0.1, -128>>) {
  %y = qtrain.global_avgpool %x : tensor<1x8x5x5x!qtrain.qi8<0.1, -128>> -> tensor<2x8x1x1x!qtrain.qi8<0.1, -128>>
  func.return
}
// CHECK: {{^}}qtrain.global_avgpool: result shape must be 1x8x1x1, got 2x8x1x1{{$}}

// -----

// Pooling does not requantize: scale and zero point are kept.
func.func @f(%x: tensor<1x8x5x5x!qtrain.qi8<0.1, -128>>) {
  %y = qtrain.global_avgpool %x : tensor<1x8x5x5x!qtrain.qi8<0.1, -128>> -> tensor<1x8x1x1x!qtrain.qi8<0.2, -128>>
  func.return
}
// CHECK: {{^}}qtrain.global_avgpool: result quantization !qtrain.qi8<0.2, -128> must equal the input's !qtrain.qi8<0.1, -128> (average pooling does not requantize){{$}}

// -----

func.func @f(%x: tensor<1x8x5x5x!qtrain.qi8<0.1, -128>>) {
  %y = qtrain.global_avgpool %x : tensor<1x8x5x5x!qtrain.qi8<0.1, -128>> -> tensor<1x8x1x1x!qtrain.qi8<0.1, 0>>
  func.return
}
// CHECK: {{^}}qtrain.global_avgpool: result quantization !qtrain.qi8<0.1, 0> must equal the input's !qtrain.qi8<0.1, -128> (average pooling does not requantize){{$}}

// -----

// int32 sum of raw int8 values: |sum| <= 128 * pixels, so at most 2^31 / 128 - 1 pixels;
// 4096 x 4097 = 16,781,312 is over, 4096 x 4096 = 16,777,216 as well (2^24 * 128 = 2^31).
func.func @f(%x: tensor<1x1x4096x4097x!qtrain.qi8<0.1, -128>>) {
  %y = qtrain.global_avgpool %x : tensor<1x1x4096x4097x!qtrain.qi8<0.1, -128>> -> tensor<1x1x1x1x!qtrain.qi8<0.1, -128>>
  func.return
}
// CHECK: {{^}}qtrain.global_avgpool: a 4096x4097 plane could overflow the int32 sum (at most 16777215 pixels){{$}}
