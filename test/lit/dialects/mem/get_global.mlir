// RUN: %tt-opt %s | %tt-opt | %filecheck %s
// RUN: %tt-opt %s --print-op-generic | %tt-opt | %filecheck %s

// CHECK: mem.global @conv0.bias align 8 space flash = dense<[12, -3]> : tensor<2xi32>
mem.global @conv0.bias align 8 space flash = dense<[12, -3]> : tensor<2xi32>

// The buffer is the global's raw bytes: 2 x i32 = 8 bytes.
// CHECK-LABEL: func.func @read
func.func @read() -> !mem.buffer<8, 8, flash> {
  // CHECK-NEXT: %[[B:.*]] = mem.get_global @conv0.bias : !mem.buffer<8, 8, flash>
  // CHECK-NEXT: func.return %[[B]] : !mem.buffer<8, 8, flash>
  %b = mem.get_global @conv0.bias : !mem.buffer<8, 8, flash>
  func.return %b : !mem.buffer<8, 8, flash>
}
