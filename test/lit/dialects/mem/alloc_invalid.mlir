// RUN: %tt-opt %s --split-input-file --verify-diagnostics | %filecheck %s

// The lifetime is ordered: first <= last.
func.func @f() {
  %a = mem.alloc lifetime [3, 1] : !mem.buffer<64, 4, sram>
  func.return
}
// CHECK: {{^}}mem.alloc: lifetime [3, 1] is not ordered (first must be <= last){{$}}

// -----

// Schedule steps start at 0.
func.func @f() {
  %a = mem.alloc lifetime [-1, 2] : !mem.buffer<64, 4, sram>
  func.return
}
// CHECK: {{^}}mem.alloc: lifetime must start at a step >= 0, got [-1, 2]{{$}}

// -----

// The lifetime is exactly two steps.
func.func @f() {
  %a = mem.alloc lifetime [3] : !mem.buffer<64, 4, sram>
  func.return
}
// CHECK: {{^}}mem.alloc: lifetime must be [first, last], got 1 values{{$}}

// -----

func.func @f() {
  %a = mem.alloc lifetime [0, 1, 2] : !mem.buffer<64, 4, sram>
  func.return
}
// CHECK: {{^}}mem.alloc: lifetime must be [first, last], got 3 values{{$}}

// -----

// A run-time buffer cannot live in flash.
func.func @f() {
  %a = mem.alloc lifetime [0, 1] : !mem.buffer<64, 4, flash>
  func.return
}
// CHECK: {{^}}mem.alloc: a run-time buffer needs writable memory, got space flash (constants in flash are mem.global){{$}}

// -----

// The result is a buffer (the IRDL result constraint).
func.func @f() {
  %a = "mem.alloc"() <{lifetime = array<i64: 0, 1>}> : () -> tensor<4xi8>
  func.return
}
// CHECK: {{^}}tensor<4xi8> should be of base attribute mem.buffer{{$}}

// -----

// The lifetime is an array of i64 (the IRDL property constraint).
func.func @f() {
  %a = "mem.alloc"() <{lifetime = array<i32: 0, 1>}> : () -> !mem.buffer<64, 4, sram>
  func.return
}
// CHECK: {{^}}Expected attribute i64 but got i32{{$}}
