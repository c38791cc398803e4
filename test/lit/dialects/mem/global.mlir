// RUN: %tt-opt %s | %tt-opt | %filecheck %s
// RUN: %tt-opt %s --print-op-generic | %tt-opt | %filecheck %s

// Frozen int8 weights, int32 biases and fp32 data, kept in flash.
// CHECK: mem.global @conv0.weight align 4 space flash = dense<{{\[\[\[\[}}1, -2]]], {{\[\[\[}}3, 4]]]]> : tensor<2x1x1x2xi8>
// CHECK-NEXT: mem.global @conv0.bias align 8 space flash = dense<[12, -3]> : tensor<2xi32>
// CHECK-NEXT: mem.global @head.weight align 1 space flash = dense<5.000000e-01> : tensor<2x2xf32>
mem.global @conv0.weight align 4 space flash = dense<[[[[1, -2]]], [[[3, 4]]]]> : tensor<2x1x1x2xi8>
mem.global @conv0.bias align 8 space flash = dense<[12, -3]> : tensor<2xi32>
mem.global @head.weight align 1 space flash = dense<0.5> : tensor<2x2xf32>

// CHECK-LABEL: func.func @f
func.func @f() {
  func.return
}
