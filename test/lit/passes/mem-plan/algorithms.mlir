// RUN: %tt-opt %s -p 'convert-qtrain-to-mem{function=f},mem-plan{function=f algorithm=greedy-by-size}' | %filecheck %s --check-prefixes=CHECK,SIZE
// RUN: %tt-opt %s -p 'convert-qtrain-to-mem{function=f},mem-plan{function=f algorithm=greedy-by-conflicts}' | %filecheck %s --check-prefixes=CHECK,CONFLICTS
// RUN: %tt-opt %s -p 'convert-qtrain-to-mem{function=f},mem-plan{function=f algorithm=optimal}' | %filecheck %s --check-prefixes=CHECK,OPTIMAL

// Buffers (see convert-qtrain-to-mem/forward.mlir), sizes padded to the 4-byte alignment:
//   x 8 B steps 0-0, y 8 B steps 0-2, p 4 B steps 2-3, d 8 B steps 3-5.
// Conflicts (a shared step): x-y, y-p, p-d. Lower bound: 16 B (x + y at step 0).
//
// greedy-by-size places the largest first, ties by first step: x at 0; y conflicts x, so
// after it at 8; d conflicts neither x nor y (placed) and goes to 0; p conflicts y [8, 16)
// and d [0, 8): no gap, so 16. Arena 20.
// greedy-by-conflicts orders by the bytes a buffer conflicts with: p (y + d = 16),
// y (x + p = 12), x (8), d (4): p at 0, y after p at 4, x conflicts y [4, 12) and the gap
// [0, 4) is too small, so 12; d conflicts p [0, 4) and goes to 4. Arena 20.
// CP-SAT finds 16 = the lower bound: x 0, y 8, p 0 (x is dead by step 2), d 4.

// The arena comes right before the function.
// SIZE:           mem.arena @arena size 20 align 4 space sram
// CONFLICTS:      mem.arena @arena size 20 align 4 space sram
// OPTIMAL:        mem.arena @arena size 16 align 4 space sram
// CHECK-LABEL: func.func @f
// SIZE-NEXT:      mem.view @arena[0] lifetime [0, 0] role "input" : !mem.buffer<8, 4, sram>
// SIZE-NEXT:      mem.view @arena[8] lifetime [0, 2] role "activation" : !mem.buffer<8, 4, sram>
// SIZE-NEXT:      mem.view @arena[16] lifetime [2, 3] role "activation" : !mem.buffer<2, 4, sram>
// SIZE-NEXT:      mem.view @arena[0] lifetime [3, 5] role "activation" : !mem.buffer<8, 4, sram>
// CONFLICTS-NEXT: mem.view @arena[12] lifetime [0, 0] role "input" : !mem.buffer<8, 4, sram>
// CONFLICTS-NEXT: mem.view @arena[4] lifetime [0, 2] role "activation" : !mem.buffer<8, 4, sram>
// CONFLICTS-NEXT: mem.view @arena[0] lifetime [2, 3] role "activation" : !mem.buffer<2, 4, sram>
// CONFLICTS-NEXT: mem.view @arena[4] lifetime [3, 5] role "activation" : !mem.buffer<8, 4, sram>
// OPTIMAL-NEXT:   mem.view @arena[0] lifetime [0, 0] role "input" : !mem.buffer<8, 4, sram>
// OPTIMAL-NEXT:   mem.view @arena[8] lifetime [0, 2] role "activation" : !mem.buffer<8, 4, sram>
// OPTIMAL-NEXT:   mem.view @arena[0] lifetime [2, 3] role "activation" : !mem.buffer<2, 4, sram>
// OPTIMAL-NEXT:   mem.view @arena[4] lifetime [3, 5] role "activation" : !mem.buffer<8, 4, sram>
// CHECK-NOT:      mem.alloc

qtrain.param @c.w = dense<[[[[3]], [[1]]], [[[-2]], [[1]]]]> : tensor<2x2x1x1xi8>
qtrain.param @c.b = dense<[1, 2]> : tensor<2xi32>
func.func @f(%x: tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>) -> tensor<1x2xf32> {
  %w = qtrain.get_param @c.w : tensor<2x2x1x1xi8>
  %b = qtrain.get_param @c.b : tensor<2xi32>
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.25, 0.25>} : (tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>, tensor<2x2x1x1xi8>, tensor<2xi32>) -> tensor<1x2x2x2x!qtrain.qi8<0.125, -128>>
  %z = qtrain.add %y, %y : (tensor<1x2x2x2x!qtrain.qi8<0.125, -128>>, tensor<1x2x2x2x!qtrain.qi8<0.125, -128>>) -> tensor<1x2x2x2x!qtrain.qi8<0.25, -128>>
  %p = qtrain.global_avgpool %z : tensor<1x2x2x2x!qtrain.qi8<0.25, -128>> -> tensor<1x2x1x1x!qtrain.qi8<0.25, -128>>
  %d = qtrain.dequantize %p : tensor<1x2x1x1x!qtrain.qi8<0.25, -128>> -> tensor<1x2x1x1xf32>
  %f = qtrain.flatten %d : tensor<1x2x1x1xf32> -> tensor<1x2xf32>
  func.return %f : tensor<1x2xf32>
}
