// RUN: %tt-opt %s -p 'convert-qtrain-to-mem{function=f shift-in-place=true},convert-qtrain-to-mem{function=g shift-in-place=true}' | %filecheck %s
// RUN: %tt-opt %s -p 'convert-qtrain-to-mem{function=f shift-in-place=true},mem-plan{function=f}' | %filecheck %s --check-prefix=PLAN

// A depthwise conv whose input dies at it writes its output one channel below the input,
// in the same buffer: output channel c then overwrites only input channels < c, which
// the kernel has finished reading (it handles channels in ascending order).
// Steps: 0 conv2d (1x1, 2 -> 3 channels of 4x4), 1 depthwise 3x3 stride 1 (3 channels
// of 4x4 -> 4x4), 2 depthwise 3x3 stride 2 (-> 3 channels of 2x2).
// - %m (3 x 16 B = 48 B) is born in a 48-byte buffer at offset 0.
// - %d1 (channels of 16 B) goes 16 B below %m: the buffer grows by 16 at the front, %m
//   moves to offset 16, %d1 is at 0; the buffer is 64 B.
// - %d2 (channels of 4 B) goes one channel (4 B) below %d1 at offset 0: the buffer grows by
//   4, %m is at 20, %d1 at 4, %d2 at 0; 68 B in all, instead of 48 + 48 + 12 = 108 B.
// The plan: the input (32 B, step 0) and this buffer (steps 0-3, returned) = 100 B.

qtrain.param @e.w = dense<1> : tensor<3x2x1x1xi8>
qtrain.param @e.b = dense<[1, 2, 3]> : tensor<3xi32>
qtrain.param @d.w = dense<1> : tensor<3x1x3x3xi8>
qtrain.param @d.b = dense<[0, 1, 2]> : tensor<3xi32>

// CHECK-LABEL: func.func @f
// CHECK-NEXT: %[[X:.*]] = mem.alloc lifetime [0, 0] role "input" : !mem.buffer<32, 4, sram>
// CHECK-NEXT: %[[B:.*]] = mem.alloc lifetime [0, 3] role "activation" : !mem.buffer<68, 4, sram>
// CHECK-NOT:  mem.alloc
// CHECK:      %m = qtrain.conv2d
// CHECK-NEXT: mem.store %m, %[[B]][20]
// CHECK-NEXT: %dw = qtrain.get_param
// CHECK-NEXT: %db = qtrain.get_param
// CHECK-NEXT: %[[L1:.*]] = mem.load %[[B]][20] : !mem.buffer<68, 4, sram> -> tensor<1x3x4x4x!qtrain.qi8<0.05, -128>>
// CHECK-NEXT: %d1 = qtrain.conv2d %[[L1]]
// CHECK-NEXT: mem.store %d1, %[[B]][4]
// CHECK-NEXT: %[[L2:.*]] = mem.load %[[B]][4] : !mem.buffer<68, 4, sram> -> tensor<1x3x4x4x!qtrain.qi8<0.1, -128>>
// CHECK-NEXT: %d2 = qtrain.conv2d %[[L2]]
// CHECK-NEXT: mem.store %d2, %[[B]] : tensor<1x3x2x2x!qtrain.qi8<0.1, -128>>, !mem.buffer<68, 4, sram>
// CHECK-NEXT: %[[R:.*]] = mem.load %[[B]] : !mem.buffer<68, 4, sram> -> tensor<1x3x2x2x!qtrain.qi8<0.1, -128>>
// CHECK-NEXT: func.return %[[R]]

// PLAN: mem.arena @arena size 100 align 4 space sram
func.func @f(%x: tensor<1x2x4x4x!qtrain.qi8<0.1, 0>>) -> tensor<1x3x2x2x!qtrain.qi8<0.1, -128>> {
  %w = qtrain.get_param @e.w : tensor<3x2x1x1xi8>
  %b = qtrain.get_param @e.b : tensor<3xi32>
  %m = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.1, 0.1, 0.1>} : (tensor<1x2x4x4x!qtrain.qi8<0.1, 0>>, tensor<3x2x1x1xi8>, tensor<3xi32>) -> tensor<1x3x4x4x!qtrain.qi8<0.05, -128>>
  %dw = qtrain.get_param @d.w : tensor<3x1x3x3xi8>
  %db = qtrain.get_param @d.b : tensor<3xi32>
  %d1 = qtrain.conv2d %m, %dw, %db {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 3 : i64, w_scales = array<f32: 0.2, 0.2, 0.2>} : (tensor<1x3x4x4x!qtrain.qi8<0.05, -128>>, tensor<3x1x3x3xi8>, tensor<3xi32>) -> tensor<1x3x4x4x!qtrain.qi8<0.1, -128>>
  %d2 = qtrain.conv2d %d1, %dw, %db {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 3 : i64, w_scales = array<f32: 0.2, 0.2, 0.2>} : (tensor<1x3x4x4x!qtrain.qi8<0.1, -128>>, tensor<3x1x3x3xi8>, tensor<3xi32>) -> tensor<1x3x2x2x!qtrain.qi8<0.1, -128>>
  func.return %d2 : tensor<1x3x2x2x!qtrain.qi8<0.1, -128>>
}

// The depthwise conv's input is still read after it (returned): no shift, one buffer each.
// CHECK-LABEL: func.func @g
// CHECK-NEXT: mem.alloc lifetime [0, 0] role "input" : !mem.buffer<32, 4, sram>
// CHECK-NEXT: mem.alloc lifetime [0, 2] role "activation" : !mem.buffer<48, 4, sram>
// CHECK-NEXT: mem.alloc lifetime [1, 2] role "activation" : !mem.buffer<48, 4, sram>
// CHECK-NOT:  mem.alloc
func.func @g(%x: tensor<1x2x4x4x!qtrain.qi8<0.1, 0>>) -> (tensor<1x3x4x4x!qtrain.qi8<0.1, -128>>, tensor<1x3x4x4x!qtrain.qi8<0.05, -128>>) {
  %w = qtrain.get_param @e.w : tensor<3x2x1x1xi8>
  %b = qtrain.get_param @e.b : tensor<3xi32>
  %m = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.1, 0.1, 0.1>} : (tensor<1x2x4x4x!qtrain.qi8<0.1, 0>>, tensor<3x2x1x1xi8>, tensor<3xi32>) -> tensor<1x3x4x4x!qtrain.qi8<0.05, -128>>
  %dw = qtrain.get_param @d.w : tensor<3x1x3x3xi8>
  %db = qtrain.get_param @d.b : tensor<3xi32>
  %d1 = qtrain.conv2d %m, %dw, %db {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 3 : i64, w_scales = array<f32: 0.2, 0.2, 0.2>} : (tensor<1x3x4x4x!qtrain.qi8<0.05, -128>>, tensor<3x1x3x3xi8>, tensor<3xi32>) -> tensor<1x3x4x4x!qtrain.qi8<0.1, -128>>
  func.return %d1, %m : tensor<1x3x4x4x!qtrain.qi8<0.1, -128>>, tensor<1x3x4x4x!qtrain.qi8<0.05, -128>>
}
