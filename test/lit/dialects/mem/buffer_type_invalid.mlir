// RUN: %tt-opt %s --split-input-file --verify-diagnostics | %filecheck %s

// A buffer holds at least one byte.
func.func @f(%x: !mem.buffer<0, 4, sram>) {
  func.return
}
// CHECK: {{^}}!mem.buffer: size must be > 0 bytes, got 0{{$}}

// -----

func.func @f(%x: !mem.buffer<-4, 4, sram>) {
  func.return
}
// CHECK: {{^}}!mem.buffer: size must be > 0 bytes, got -4{{$}}

// -----

// The alignment is a power of two ...
func.func @f(%x: !mem.buffer<16, 12, sram>) {
  func.return
}
// CHECK: {{^}}!mem.buffer: alignment must be a power of two, got 12{{$}}

// -----

// ... and at least 1.
func.func @f(%x: !mem.buffer<16, 0, sram>) {
  func.return
}
// CHECK: {{^}}!mem.buffer: alignment must be a power of two, got 0{{$}}

// -----

func.func @f(%x: !mem.buffer<16, -4, flash>) {
  func.return
}
// CHECK: {{^}}!mem.buffer: alignment must be a power of two, got -4{{$}}
