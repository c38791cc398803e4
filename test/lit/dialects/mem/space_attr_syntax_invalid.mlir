// RUN: %tt-opt %s --split-input-file --parsing-diagnostics | %filecheck %s

// Only the spaces of the Cortex-M7 target exist.
func.func @f() attributes {space = #mem.space<dram>} {
  func.return
}
// CHECK: func.func @f() attributes {space = #mem.space<dram>} {
// CHECK-NEXT: ^^^^
// CHECK-NEXT: {{^ *}}Expected `sram`, or `flash`.{{$}}

// -----

// The space is a keyword in angle brackets.
func.func @f() attributes {space = #mem.space} {
  func.return
}
// CHECK: func.func @f() attributes {space = #mem.space} {
// CHECK-NEXT: ^
// CHECK-NEXT: {{^ *}}'<' expected{{$}}
