// RUN: not %tt-opt %s -t c 2>&1 | %filecheck %s

// A buffer that was never planned (mem.alloc, before mem-plan) has no arena offset.

mem.arena @arena size 16 align 4 space sram
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = mem.alloc lifetime [0, 0] role "input" : !mem.buffer<16, 4, sram>
  mem.store %x, %a : tensor<4xf32>, !mem.buffer<16, 4, sram>
  %0 = mem.load %a : !mem.buffer<16, 4, sram> -> tensor<4xf32>
  func.return %0 : tensor<4xf32>
}

// CHECK: tt-opt: error: c target: @main: mem.alloc: unplanned buffer (run mem-plan or qtrain-memory first)
