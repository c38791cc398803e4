// RUN: %tt-opt %s --split-input-file --verify-diagnostics | %filecheck %s

// The input is an int8 activation ...
func.func @f(%x: tensor<1x8xf32>) {
  %y = qtrain.dequantize %x : tensor<1x8xf32> -> tensor<1x8xf32>
  func.return
}
// CHECK: {{^}}qtrain.dequantize: input must be a tensor of !qtrain.qi8, got tensor<1x8xf32>{{$}}

// -----

func.func @f(%x: tensor<1x8xi8>) {
  %y = qtrain.dequantize %x : tensor<1x8xi8> -> tensor<1x8xf32>
  func.return
}
// CHECK: {{^}}qtrain.dequantize: input must be a tensor of !qtrain.qi8, got tensor<1x8xi8>{{$}}

// -----

// ... the result is f32 ...
func.func @f(%x: tensor<1x8x!qtrain.qi8<0.1, -128>>) {
  %y = qtrain.dequantize %x : tensor<1x8x!qtrain.qi8<0.1, -128>> -> tensor<1x8xf16>
  func.return
}
// CHECK: {{^}}qtrain.dequantize: result must be a tensor of f32, got tensor<1x8xf16>{{$}}

// -----

func.func @f(%x: tensor<1x8x!qtrain.qi8<0.1, -128>>) {
  %y = qtrain.dequantize %x : tensor<1x8x!qtrain.qi8<0.1, -128>> -> tensor<1x8x!qtrain.qi8<0.1, -128>>
  func.return
}
// CHECK: {{^}}qtrain.dequantize: result must be a tensor of f32, got tensor<1x8x!qtrain.qi8<0.1, -128>>{{$}}

// -----

// ... of the same shape.
func.func @f(%x: tensor<1x8x!qtrain.qi8<0.1, -128>>) {
  %y = qtrain.dequantize %x : tensor<1x8x!qtrain.qi8<0.1, -128>> -> tensor<8xf32>
  func.return
}
// CHECK: {{^}}qtrain.dequantize: input and result must have the same shape{{$}}

// -----

func.func @f(%x: tensor<1x8x1x1x!qtrain.qi8<0.1, -128>>) {
  %y = qtrain.dequantize %x : tensor<1x8x1x1x!qtrain.qi8<0.1, -128>> -> tensor<1x8xf32>
  func.return
}
// CHECK: {{^}}qtrain.dequantize: input and result must have the same shape{{$}}

// -----

// "must be a tensor" for a non-tensor cannot be reached: the IRDL operand
// constraint (TensorType, ranked only) rejects it first.
func.func @f(%x: tensor<*x!qtrain.qi8<0.1, -128>>) {
  %y = qtrain.dequantize %x : tensor<*x!qtrain.qi8<0.1, -128>> -> tensor<1x8xf32>
  func.return
}
// CHECK: {{^}}tensor<*x!qtrain.qi8<0.1, -128>> should be of base attribute tensor{{$}}
