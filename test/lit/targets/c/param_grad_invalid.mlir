// RUN: not %tt-opt %s -t c 2>&1 | %filecheck %s

// The C program applies updates; a gradient sink (before qtrain-sgd) has no C form.

qtrain.param @b trainable = dense<[1, 2]> : tensor<2xi32>
mem.arena @arena size 16 align 4 space sram
func.func @train_step(%g: tensor<2xf32>) {
  %v = mem.view @arena[0] lifetime [0, 0] role "input" : !mem.buffer<8, 4, sram>
  mem.store %g, %v : tensor<2xf32>, !mem.buffer<8, 4, sram>
  %0 = mem.load %v : !mem.buffer<8, 4, sram> -> tensor<2xf32>
  qtrain.param_grad @b, %0 : tensor<2xf32>
  func.return
}

// CHECK: tt-opt: error: c target: @train_step: qtrain.param_grad @b is not supported: the C program applies updates, it does not return gradients (run qtrain-sgd, or qtrain-training)
// CHECK-NOT: Traceback
