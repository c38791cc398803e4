// RUN: %tt-opt %s | %tt-opt | %filecheck %s
// RUN: %tt-opt %s --print-op-generic | %tt-opt | %filecheck %s

// The whole SRAM of the Cortex-M7 (320 KB), 16-byte aligned.
// CHECK: mem.arena @arena size 327680 align 16 space sram
mem.arena @arena size 327680 align 16 space sram

// A second, small arena with byte alignment (sizes need not be multiples of it).
// CHECK-NEXT: mem.arena @scratch size 3 align 1 space sram
mem.arena @scratch size 3 align 1 space sram

// CHECK-LABEL: func.func @f
func.func @f() {
  func.return
}
