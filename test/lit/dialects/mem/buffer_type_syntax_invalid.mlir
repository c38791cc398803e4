// RUN: %tt-opt %s --split-input-file --parsing-diagnostics | %filecheck %s

// The space is required ...
func.func @f(%x: !mem.buffer<16, 4>) {
  func.return
}
// CHECK: func.func @f(%x: !mem.buffer<16, 4>) {
// CHECK-NEXT: ^
// CHECK-NEXT: {{^ *}}Expected ','{{$}}

// -----

// ... and one of the known spaces.
func.func @f(%x: !mem.buffer<16, 4, dram>) {
  func.return
}
// CHECK: func.func @f(%x: !mem.buffer<16, 4, dram>) {
// CHECK-NEXT: ^^^^
// CHECK-NEXT: {{^ *}}Expected `sram`, or `flash`.{{$}}

// -----

// Sizes and alignments are integer literals.
func.func @f(%x: !mem.buffer<1.5, 4, sram>) {
  func.return
}
// CHECK: func.func @f(%x: !mem.buffer<1.5, 4, sram>) {
// CHECK-NEXT: ^^^
// CHECK-NEXT: {{^ *}}Expected integer literal (buffer size in bytes){{$}}

// -----

func.func @f(%x: !mem.buffer<16, true, sram>) {
  func.return
}
// CHECK: func.func @f(%x: !mem.buffer<16, true, sram>) {
// CHECK-NEXT: ^^^^
// CHECK-NEXT: {{^ *}}Expected integer literal (buffer alignment in bytes){{$}}

// -----

func.func @f(%x: !mem.buffer) {
  func.return
}
// CHECK: func.func @f(%x: !mem.buffer) {
// CHECK-NEXT: ^
// CHECK-NEXT: {{^ *}}'<' expected{{$}}
