// RUN: %tt-opt %s | %tt-opt | %filecheck %s
// RUN: %tt-opt %s --print-op-generic | %tt-opt | %filecheck %s

// `!mem.buffer<SIZE, ALIGN, SPACE>`: SIZE bytes aligned to ALIGN bytes in SPACE.

// CHECK-LABEL: func.func @sram
// CHECK-SAME: (%[[X:.*]]: !mem.buffer<1024, 16, sram>) -> !mem.buffer<1024, 16, sram>
// CHECK-NEXT: func.return %[[X]] : !mem.buffer<1024, 16, sram>
func.func @sram(%x: !mem.buffer<1024, 16, sram>) -> !mem.buffer<1024, 16, sram> {
  func.return %x : !mem.buffer<1024, 16, sram>
}

// The smallest buffer: one byte, no alignment requirement, in flash.
// CHECK-LABEL: func.func @flash
// CHECK-SAME: (%[[X:.*]]: !mem.buffer<1, 1, flash>)
func.func @flash(%x: !mem.buffer<1, 1, flash>) {
  func.return
}

// Any power of two is an alignment; sizes need not be multiples of it.
// CHECK-LABEL: func.func @odd_size
// CHECK-SAME: (%[[X:.*]]: !mem.buffer<3, 4096, sram>)
func.func @odd_size(%x: !mem.buffer<3, 4096, sram>) {
  func.return
}
