// RUN: %tt-opt %s -p 'mem-plan{function=f},mem-plan{function=g}' | %filecheck %s

// Two functions planned one after the other share one arena, sized for the larger: @f
// needs 64 B, @g 96 B (two 48-byte buffers live together); the alignment is the largest.

// CHECK:      mem.arena @arena size 96 align 16 space sram
// CHECK-LABEL: func.func @f
// CHECK-NEXT:  mem.view @arena[0] lifetime [0, 1] : !mem.buffer<64, 4, sram>
// CHECK-LABEL: func.func @g
// CHECK-NEXT:  mem.view @arena[0] lifetime [0, 1] : !mem.buffer<48, 16, sram>
// CHECK-NEXT:  mem.view @arena[48] lifetime [1, 2] : !mem.buffer<48, 16, sram>

func.func @f() {
  %a = mem.alloc lifetime [0, 1] : !mem.buffer<64, 4, sram>
  func.return
}
func.func @g() {
  %a = mem.alloc lifetime [0, 1] : !mem.buffer<48, 16, sram>
  %b = mem.alloc lifetime [1, 2] : !mem.buffer<48, 16, sram>
  func.return
}
