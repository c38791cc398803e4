// RUN: %tt-opt %s --split-input-file --verify-diagnostics | %filecheck %s

// The symbol must exist ...
func.func @f() {
  %b = mem.get_global @missing : !mem.buffer<8, 8, flash>
  func.return
}
// CHECK: {{^}}mem.get_global: no mem.global named @missing{{$}}

// -----

// ... and be a mem.global.
mem.arena @arena size 1024 align 16 space sram
func.func @f() {
  %b = mem.get_global @arena : !mem.buffer<1024, 16, sram>
  func.return
}
// CHECK: {{^}}mem.get_global: @arena is a mem.arena, not a mem.global{{$}}

// -----

// The result type is exactly the global's buffer: size in bytes ...
mem.global @b align 8 space flash = dense<[12, -3]> : tensor<2xi32>
func.func @f() {
  %b = mem.get_global @b : !mem.buffer<2, 8, flash>
  func.return
}
// CHECK: {{^}}mem.get_global: result type !mem.buffer<2, 8, flash> does not match the buffer !mem.buffer<8, 8, flash> of @b{{$}}

// -----

// ... alignment ...
mem.global @b align 8 space flash = dense<[12, -3]> : tensor<2xi32>
func.func @f() {
  %b = mem.get_global @b : !mem.buffer<8, 4, flash>
  func.return
}
// CHECK: {{^}}mem.get_global: result type !mem.buffer<8, 4, flash> does not match the buffer !mem.buffer<8, 8, flash> of @b{{$}}

// -----

// ... and space.
mem.global @b align 8 space flash = dense<[12, -3]> : tensor<2xi32>
func.func @f() {
  %b = mem.get_global @b : !mem.buffer<8, 8, sram>
  func.return
}
// CHECK: {{^}}mem.get_global: result type !mem.buffer<8, 8, sram> does not match the buffer !mem.buffer<8, 8, flash> of @b{{$}}
