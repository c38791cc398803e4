// RUN: %tt-opt %s --split-input-file --verify-diagnostics | %filecheck %s

// The scale must be positive ...
func.func @negative_scale(%x: tensor<4x!qtrain.qi8<-0.5, 0>>) {
  func.return
}
// CHECK: {{^}}qi8 scale must be finite and positive, got -0.5{{$}}

// -----

func.func @zero_scale(%x: tensor<4x!qtrain.qi8<0.0, 0>>) {
  func.return
}
// CHECK: {{^}}qi8 scale must be finite and positive, got 0.0{{$}}

// -----

func.func @negative_zero_scale(%x: tensor<4x!qtrain.qi8<-0.0, 0>>) {
  func.return
}
// CHECK: {{^}}qi8 scale must be finite and positive, got -0.0{{$}}

// -----

func.func @negative_integer_scale(%x: tensor<4x!qtrain.qi8<-1, 0>>) {
  func.return
}
// CHECK: {{^}}qi8 scale must be finite and positive, got -1.0{{$}}

// -----

// ... and finite: a literal beyond the f64 range parses as inf.
func.func @infinite_scale(%x: tensor<4x!qtrain.qi8<1.0e+400, 0>>) {
  func.return
}
// CHECK: {{^}}qi8 scale must be finite and positive, got inf{{$}}

// -----

// The zero point must be an int8 value.
func.func @zero_point_too_large(%x: tensor<4x!qtrain.qi8<0.5, 128>>) {
  func.return
}
// CHECK: {{^}}qi8 zero point must be in [-128, 127], got 128{{$}}

// -----

func.func @zero_point_too_small(%x: tensor<4x!qtrain.qi8<0.5, -129>>) {
  func.return
}
// CHECK: {{^}}qi8 zero point must be in [-128, 127], got -129{{$}}

// -----

// A uint8-style zero point is not an int8 one.
func.func @uint8_zero_point(%x: tensor<4x!qtrain.qi8<0.0235294118, 255>>) {
  func.return
}
// CHECK: {{^}}qi8 zero point must be in [-128, 127], got 255{{$}}

// -----

// The type is checked wherever it appears, e.g. in an op's result type.
func.func @in_result(%x: tensor<1x8x5x5x!qtrain.qi8<0.1, -128>>) {
  %y = qtrain.global_avgpool %x : tensor<1x8x5x5x!qtrain.qi8<0.1, -128>> -> tensor<1x8x1x1x!qtrain.qi8<0.1, -300>>
  func.return
}
// CHECK: {{^}}qi8 zero point must be in [-128, 127], got -300{{$}}
