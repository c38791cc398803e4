// RUN: %tt-opt %s | %tt-opt | %filecheck %s
// RUN: %tt-opt %s --print-op-generic | %tt-opt | %filecheck %s

// The memory space as a standalone attribute: `#mem.space<...>`.

// CHECK-LABEL: func.func @sram
// CHECK-SAME: attributes {space = #mem.space<sram>}
func.func @sram() attributes {space = #mem.space<sram>} {
  func.return
}

// CHECK-LABEL: func.func @flash
// CHECK-SAME: attributes {space = #mem.space<flash>}
func.func @flash() attributes {space = #mem.space<flash>} {
  func.return
}
