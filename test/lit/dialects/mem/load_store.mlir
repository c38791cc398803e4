// RUN: %tt-opt %s | %tt-opt | %filecheck %s
// RUN: %tt-opt %s --print-op-generic | %tt-opt | %filecheck %s

// A tensor in a buffer: 1x4x2x2 int8 = 16 bytes, 1x4x2x2 f32 = 64 bytes, a 1x3x2x2 mask
// = 12 bits packed into 2 bytes, qi8 stores one byte per element.
// CHECK-LABEL: func.func @load_store
func.func @load_store(%x: tensor<1x4x2x2xi8>, %g: tensor<1x4x2x2xf32>, %m: tensor<1x3x2x2xi1>,
                      %q: tensor<2x3x!qtrain.qi8<0.5, -3>>) -> tensor<1x4x2x2xi8> {
  // CHECK-NEXT: %[[A:.*]] = mem.alloc lifetime [0, 1] role "activation" : !mem.buffer<16, 4, sram>
  // CHECK-NEXT: %[[G:.*]] = mem.alloc lifetime [0, 0] role "gradient" : !mem.buffer<64, 4, sram>
  // CHECK-NEXT: %[[M:.*]] = mem.alloc lifetime [0, 0] role "mask" : !mem.buffer<2, 1, sram>
  // CHECK-NEXT: %[[Q:.*]] = mem.view @arena[8] lifetime [0, 0] role "saved" : !mem.buffer<6, 4, sram>
  // CHECK-NEXT: mem.store %x, %[[A]] : tensor<1x4x2x2xi8>, !mem.buffer<16, 4, sram>
  // CHECK-NEXT: mem.store %g, %[[G]] : tensor<1x4x2x2xf32>, !mem.buffer<64, 4, sram>
  // CHECK-NEXT: mem.store %m, %[[M]] : tensor<1x3x2x2xi1>, !mem.buffer<2, 1, sram>
  // CHECK-NEXT: mem.store %q, %[[Q]] : tensor<2x3x!qtrain.qi8<0.5, -3>>, !mem.buffer<6, 4, sram>
  // CHECK-NEXT: %[[X:.*]] = mem.load %[[A]] : !mem.buffer<16, 4, sram> -> tensor<1x4x2x2xi8>
  // CHECK-NEXT: func.return %[[X]] : tensor<1x4x2x2xi8>
  %a = mem.alloc lifetime [0, 1] role "activation" : !mem.buffer<16, 4, sram>
  %gb = mem.alloc lifetime [0, 0] role "gradient" : !mem.buffer<64, 4, sram>
  %mb = mem.alloc lifetime [0, 0] role "mask" : !mem.buffer<2, 1, sram>
  %qb = mem.view @arena[8] lifetime [0, 0] role "saved" : !mem.buffer<6, 4, sram>
  mem.store %x, %a : tensor<1x4x2x2xi8>, !mem.buffer<16, 4, sram>
  mem.store %g, %gb : tensor<1x4x2x2xf32>, !mem.buffer<64, 4, sram>
  mem.store %m, %mb : tensor<1x3x2x2xi1>, !mem.buffer<2, 1, sram>
  mem.store %q, %qb : tensor<2x3x!qtrain.qi8<0.5, -3>>, !mem.buffer<6, 4, sram>
  %y = mem.load %a : !mem.buffer<16, 4, sram> -> tensor<1x4x2x2xi8>
  func.return %y : tensor<1x4x2x2xi8>
}
mem.arena @arena size 16 align 4 space sram

// A tensor may sit at an offset inside a larger buffer (a depthwise conv's output one
// channel below its input, in one buffer).
// CHECK-LABEL: func.func @offsets
// CHECK-NEXT: %[[B:.*]] = mem.alloc lifetime [0, 1] : !mem.buffer<24, 4, sram>
// CHECK-NEXT: mem.store %x, %[[B]][8] : tensor<2x8xi8>, !mem.buffer<24, 4, sram>
// CHECK-NEXT: %[[X:.*]] = mem.load %[[B]][8] : !mem.buffer<24, 4, sram> -> tensor<2x8xi8>
// CHECK-NEXT: mem.store %[[X]], %[[B]] : tensor<2x8xi8>, !mem.buffer<24, 4, sram>
// CHECK-NEXT: %[[Y:.*]] = mem.load %[[B]] : !mem.buffer<24, 4, sram> -> tensor<4xi8>
func.func @offsets(%x: tensor<2x8xi8>) -> tensor<4xi8> {
  %b = mem.alloc lifetime [0, 1] : !mem.buffer<24, 4, sram>
  mem.store %x, %b[8] : tensor<2x8xi8>, !mem.buffer<24, 4, sram>
  %y = mem.load %b[8] : !mem.buffer<24, 4, sram> -> tensor<2x8xi8>
  mem.store %y, %b : tensor<2x8xi8>, !mem.buffer<24, 4, sram>
  %z = mem.load %b : !mem.buffer<24, 4, sram> -> tensor<4xi8>
  func.return %z : tensor<4xi8>
}
