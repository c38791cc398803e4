// RUN: %tt-opt %s --split-input-file --verify-diagnostics | %filecheck %s

// The buffer must be exactly the tensor's storage size: 1x4x2x2 f32 is 64 bytes.
func.func @f(%b: !mem.buffer<16, 4, sram>) {
  %x = mem.load %b : !mem.buffer<16, 4, sram> -> tensor<1x4x2x2xf32>
  func.return
}
// CHECK: {{^}}mem.load: tensor<1x4x2x2xf32> takes 64 bytes but the buffer has 16{{$}}

// -----

// A mask of 9 bits takes 2 bytes, not 1.
func.func @f(%m: tensor<9xi1>, %b: !mem.buffer<1, 1, sram>) {
  mem.store %m, %b : tensor<9xi1>, !mem.buffer<1, 1, sram>
  func.return
}
// CHECK: {{^}}mem.store: tensor<9xi1> takes 2 bytes but the buffer has 1{{$}}

// -----

// Dynamic shapes have no storage size.
func.func @f(%b: !mem.buffer<16, 4, sram>) {
  %x = mem.load %b : !mem.buffer<16, 4, sram> -> tensor<?xi8>
  func.return
}
// CHECK: {{^}}mem.load: tensor<?xi8> has no storage size (static shape and known element needed){{$}}

// -----

// Nor do element types without a known width in memory.
func.func @f(%b: !mem.buffer<16, 4, sram>) {
  %x = mem.load %b : !mem.buffer<16, 4, sram> -> tensor<4xf64>
  func.return
}
// CHECK: {{^}}mem.load: tensor<4xf64> has no storage size (static shape and known element needed){{$}}

// -----

// Flash is read-only at run time.
func.func @f(%x: tensor<4xi8>) {
  %b = mem.get_global @c : !mem.buffer<4, 4, flash>
  mem.store %x, %b : tensor<4xi8>, !mem.buffer<4, 4, flash>
  func.return
}
mem.global @c align 4 space flash = dense<[1, 2, 3, 4]> : tensor<4xi8>
// CHECK: {{^}}mem.store: cannot write a buffer in flash (read-only at run time){{$}}

// -----

// Roles are a closed set.
func.func @f() {
  %a = mem.alloc lifetime [0, 1] role "weights" : !mem.buffer<64, 4, sram>
  func.return
}
// CHECK: {{^}}mem.alloc: unknown role "weights" (expected one of input, activation, saved, mask, gradient, scratch){{$}}

// -----

func.func @f() {
  %a = mem.view @arena[0] role "temp" : !mem.buffer<64, 4, sram>
  func.return
}
mem.arena @arena size 64 align 4 space sram
// CHECK: {{^}}mem.view: unknown role "temp" (expected one of input, activation, saved, mask, gradient, scratch){{$}}

// -----

// The load's operand is a buffer (the IRDL constraint).
func.func @f(%t: tensor<4xi8>) {
  %x = "mem.load"(%t) : (tensor<4xi8>) -> tensor<4xi8>
  func.return
}
// CHECK: {{^}}tensor<4xi8> should be of base attribute mem.buffer{{$}}

// -----

// At offset 12 a 16-byte tensor runs past the end of a 24-byte buffer.
func.func @f(%b: !mem.buffer<24, 4, sram>) {
  %x = mem.load %b[12] : !mem.buffer<24, 4, sram> -> tensor<16xi8>
  func.return
}
// CHECK: {{^}}mem.load: tensor<16xi8> takes 16 bytes at offset 12 but the buffer has 24{{$}}

// -----

func.func @f(%x: tensor<4xi8>, %b: !mem.buffer<24, 4, sram>) {
  "mem.store"(%x, %b) <{offset = -4 : i64}> : (tensor<4xi8>, !mem.buffer<24, 4, sram>) -> ()
  func.return
}
// CHECK: {{^}}mem.store: offset must be >= 0, got -4{{$}}
