// RUN: %tt-opt %s --split-input-file --verify-diagnostics | %filecheck %s

// The offset is a byte index into the arena ...
mem.arena @arena size 1024 align 16 space sram
func.func @f() {
  %v = mem.view @arena[-16] : !mem.buffer<16, 16, sram>
  func.return
}
// CHECK: {{^}}mem.view: offset must be >= 0, got -16{{$}}

// -----

// ... a multiple of the buffer's alignment ...
mem.arena @arena size 1024 align 16 space sram
func.func @f() {
  %v = mem.view @arena[8] : !mem.buffer<16, 16, sram>
  func.return
}
// CHECK: {{^}}mem.view: offset 8 is not a multiple of the buffer's alignment 16{{$}}

// -----

// ... and the bytes lie inside the arena.
mem.arena @arena size 1024 align 16 space sram
func.func @f() {
  %v = mem.view @arena[1008] : !mem.buffer<32, 16, sram>
  func.return
}
// CHECK: {{^}}mem.view: bytes [1008, 1040) do not fit arena @arena of 1024 bytes{{$}}

// -----

mem.arena @arena size 1024 align 16 space sram
func.func @f() {
  %v = mem.view @arena[1024] : !mem.buffer<1, 1, sram>
  func.return
}
// CHECK: {{^}}mem.view: bytes [1024, 1025) do not fit arena @arena of 1024 bytes{{$}}

// -----

// The arena's base alignment bounds the alignment of its buffers.
mem.arena @arena size 1024 align 16 space sram
func.func @f() {
  %v = mem.view @arena[0] : !mem.buffer<64, 32, sram>
  func.return
}
// CHECK: {{^}}mem.view: buffer alignment 32 exceeds the alignment 16 of arena @arena{{$}}

// -----

// The buffer lives where its arena lives.
mem.arena @arena size 1024 align 16 space sram
func.func @f() {
  %v = mem.view @arena[0] : !mem.buffer<64, 16, flash>
  func.return
}
// CHECK: {{^}}mem.view: buffer space flash does not match the space sram of arena @arena{{$}}

// -----

// The lifetime follows the rules of mem.alloc.
mem.arena @arena size 1024 align 16 space sram
func.func @f() {
  %v = mem.view @arena[0] lifetime [5, 2] : !mem.buffer<64, 16, sram>
  func.return
}
// CHECK: {{^}}mem.view: lifetime [5, 2] is not ordered (first must be <= last){{$}}

// -----

mem.arena @arena size 1024 align 16 space sram
func.func @f() {
  %v = mem.view @arena[0] lifetime [-3, 2] : !mem.buffer<64, 16, sram>
  func.return
}
// CHECK: {{^}}mem.view: lifetime must start at a step >= 0, got [-3, 2]{{$}}

// -----

mem.arena @arena size 1024 align 16 space sram
func.func @f() {
  %v = mem.view @arena[0] lifetime [] : !mem.buffer<64, 16, sram>
  func.return
}
// CHECK: {{^}}mem.view: lifetime must be [first, last], got 0 values{{$}}

// -----

// The arena must exist ...
func.func @f() {
  %v = mem.view @missing[0] : !mem.buffer<64, 16, sram>
  func.return
}
// CHECK: {{^}}mem.view: no mem.arena named @missing{{$}}

// -----

// ... also as a nested reference ...
mem.arena @arena size 1024 align 16 space sram
func.func @f() {
  %v = mem.view @arena::@inner[0] : !mem.buffer<64, 16, sram>
  func.return
}
// CHECK: {{^}}mem.view: no mem.arena named @arena::@inner{{$}}

// -----

// ... and be a mem.arena.
mem.global @w align 4 space flash = dense<[1, 2, 3, 4]> : tensor<4xi8>
func.func @f() {
  %v = mem.view @w[0] : !mem.buffer<4, 4, sram>
  func.return
}
// CHECK: {{^}}mem.view: @w is a mem.global, not a mem.arena{{$}}

// -----

func.func @f() {
  %v = mem.view @f[0] : !mem.buffer<4, 4, sram>
  func.return
}
// CHECK: {{^}}mem.view: @f is a func.func, not a mem.arena{{$}}
