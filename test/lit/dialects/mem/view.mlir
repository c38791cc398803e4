// RUN: %tt-opt %s | %tt-opt | %filecheck %s
// RUN: %tt-opt %s --print-op-generic | %tt-opt | %filecheck %s

// CHECK: mem.arena @arena size 4096 align 16 space sram
mem.arena @arena size 4096 align 16 space sram

// CHECK-LABEL: func.func @views
func.func @views() -> (!mem.buffer<1024, 16, sram>, !mem.buffer<3, 1, sram>) {
  // A planned buffer with the lifetime of the alloc it replaces ...
  // CHECK-NEXT: %[[A:.*]] = mem.view @arena[1024] lifetime [0, 3] : !mem.buffer<1024, 16, sram>
  %a = mem.view @arena[1024] lifetime [0, 3] : !mem.buffer<1024, 16, sram>
  // ... and without one; the last byte of the arena, at an odd offset.
  // CHECK-NEXT: %[[B:.*]] = mem.view @arena[4093] : !mem.buffer<3, 1, sram>
  %b = mem.view @arena[4093] : !mem.buffer<3, 1, sram>
  // A view of the whole arena, at its full alignment.
  // CHECK-NEXT: %[[C:.*]] = mem.view @arena[0] lifetime [4, 4] : !mem.buffer<4096, 16, sram>
  %c = mem.view @arena[0] lifetime [4, 4] : !mem.buffer<4096, 16, sram>
  // CHECK-NEXT: func.return %[[A]], %[[B]] : !mem.buffer<1024, 16, sram>, !mem.buffer<3, 1, sram>
  func.return %a, %b : !mem.buffer<1024, 16, sram>, !mem.buffer<3, 1, sram>
}
