// RUN: %tt-opt %s --split-input-file --parsing-diagnostics | %filecheck %s

// The zero point is required.
func.func @missing_zero_point(%x: tensor<4x!qtrain.qi8<0.5>>) {
  func.return
}
// CHECK: func.func @missing_zero_point(%x: tensor<4x!qtrain.qi8<0.5>>) {
// CHECK-NEXT: ^
// CHECK-NEXT: {{^ *}}Expected ','{{$}}

// -----

// So is the scale.
func.func @missing_scale(%x: tensor<4x!qtrain.qi8<, 0>>) {
  func.return
}
// CHECK: func.func @missing_scale(%x: tensor<4x!qtrain.qi8<, 0>>) {
// CHECK-NEXT: ^
// CHECK-NEXT: {{^ *}}integer or float literal expected{{$}}

// -----

func.func @no_parameters(%x: tensor<4x!qtrain.qi8>) {
  func.return
}
// CHECK: func.func @no_parameters(%x: tensor<4x!qtrain.qi8>) {
// CHECK-NEXT: ^
// CHECK-NEXT: {{^ *}}'<' expected{{$}}

// -----

func.func @too_many_parameters(%x: tensor<4x!qtrain.qi8<0.5, 0, 1>>) {
  func.return
}
// CHECK: func.func @too_many_parameters(%x: tensor<4x!qtrain.qi8<0.5, 0, 1>>) {
// CHECK-NEXT: ^
// CHECK-NEXT: {{^ *}}'>' expected{{$}}

// -----

// The zero point is an integer literal: not a float, not a boolean.
func.func @float_zero_point(%x: tensor<4x!qtrain.qi8<0.5, 1.5>>) {
  func.return
}
// CHECK: func.func @float_zero_point(%x: tensor<4x!qtrain.qi8<0.5, 1.5>>) {
// CHECK-NEXT: ^^^
// CHECK-NEXT: {{^ *}}Expected integer literal (zero point){{$}}

// -----

func.func @bool_zero_point(%x: tensor<4x!qtrain.qi8<0.5, true>>) {
  func.return
}
// CHECK: func.func @bool_zero_point(%x: tensor<4x!qtrain.qi8<0.5, true>>) {
// CHECK-NEXT: ^^^^
// CHECK-NEXT: {{^ *}}Expected integer literal (zero point){{$}}

// -----

// An MLIR float literal needs a `.` before the exponent: `1e-05` does not lex
// as one number (which is why the printer writes `1.0e-05`).
func.func @exponent_without_dot(%x: tensor<4x!qtrain.qi8<1e-05, 0>>) {
  func.return
}
// CHECK: func.func @exponent_without_dot(%x: tensor<4x!qtrain.qi8<1e-05, 0>>) {
// CHECK-NEXT: ^
// CHECK-NEXT: {{^ *}}Expected ','{{$}}

// -----

// The scale is a number, not a string or a typed attribute.
func.func @string_scale(%x: tensor<4x!qtrain.qi8<"0.5", 0>>) {
  func.return
}
// CHECK: func.func @string_scale(%x: tensor<4x!qtrain.qi8<"0.5", 0>>) {
// CHECK-NEXT: ^^^^^
// CHECK-NEXT: {{^ *}}integer or float literal expected{{$}}

// -----

func.func @typed_scale(%x: tensor<4x!qtrain.qi8<0.5 : f32, 0>>) {
  func.return
}
// CHECK: func.func @typed_scale(%x: tensor<4x!qtrain.qi8<0.5 : f32, 0>>) {
// CHECK-NEXT: ^
// CHECK-NEXT: {{^ *}}Expected ','{{$}}
