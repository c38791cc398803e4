// RUN: %tt-opt %s | %tt-opt | %filecheck %s
// RUN: %tt-opt %s --print-op-generic | %tt-opt | %filecheck %s

// CHECK-LABEL: func.func @alloc
func.func @alloc() -> !mem.buffer<1024, 16, sram> {
  // CHECK-NEXT: %[[A:.*]] = mem.alloc lifetime [0, 3] : !mem.buffer<1024, 16, sram>
  // CHECK-NEXT: %[[B:.*]] = mem.alloc lifetime [2, 2] : !mem.buffer<3, 1, sram>
  // CHECK-NEXT: func.return %[[A]] : !mem.buffer<1024, 16, sram>
  %a = mem.alloc lifetime [0, 3] : !mem.buffer<1024, 16, sram>
  %b = mem.alloc lifetime [2, 2] : !mem.buffer<3, 1, sram>
  func.return %a : !mem.buffer<1024, 16, sram>
}

// Two identical allocs are two buffers: neither is folded into the other.
// CHECK-LABEL: func.func @distinct
func.func @distinct() -> (!mem.buffer<64, 4, sram>, !mem.buffer<64, 4, sram>) {
  // CHECK-NEXT: %[[A:.*]] = mem.alloc lifetime [0, 1] : !mem.buffer<64, 4, sram>
  // CHECK-NEXT: %[[B:.*]] = mem.alloc lifetime [0, 1] : !mem.buffer<64, 4, sram>
  // CHECK-NEXT: func.return %[[A]], %[[B]] : !mem.buffer<64, 4, sram>, !mem.buffer<64, 4, sram>
  %a = mem.alloc lifetime [0, 1] : !mem.buffer<64, 4, sram>
  %b = mem.alloc lifetime [0, 1] : !mem.buffer<64, 4, sram>
  func.return %a, %b : !mem.buffer<64, 4, sram>, !mem.buffer<64, 4, sram>
}
