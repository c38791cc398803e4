// Without qtrain-sparse-update no parameter is marked trainable: a gradient of a frozen
// parameter cannot become an in-place update. The first sink (the head weight's) fails.
// RUN: not %tt-opt %s -p 'qtrain-append-loss,qtrain-autodiff,qtrain-sgd{lr=0.5 lr-bias=0.25}' 2>&1 | %filecheck %s --check-prefix=FROZEN
// Here only the head weight is trainable (marked by hand, not by qtrain-sparse-update): the
// head bias's sink fails.
// RUN: not %tt-opt %s -p 'qtrain-append-loss{function=marked train_function=train_marked},qtrain-autodiff{function=train_marked},qtrain-sgd{function=train_marked}' 2>&1 | %filecheck %s --check-prefix=BIAS
// RUN: not %tt-opt %s -p 'qtrain-append-loss,qtrain-autodiff,qtrain-sparse-update{scheme=head-only},qtrain-sgd{lr=-0.5}' 2>&1 | %filecheck %s --check-prefix=NEGATIVE
// RUN: not %tt-opt %s -p 'qtrain-append-loss,qtrain-autodiff,qtrain-sparse-update{scheme=head-only},qtrain-sgd{lr-bias=-0.25}' 2>&1 | %filecheck %s --check-prefix=NEGATIVE

// tt-opt prints the error on stderr, no module, and exits 1.
// FROZEN:       qtrain-sgd: @fc.w has a gradient but is not marked trainable
// FROZEN-NOT:   builtin.module
// BIAS:         qtrain-sgd: @m.b has a gradient but is not marked trainable
// BIAS-NOT:     builtin.module
// NEGATIVE:     qtrain-sgd: learning rates must be >= 0
// NEGATIVE-NOT: builtin.module

qtrain.param @fc.w = dense<0.5> : tensor<3x4xf32>
qtrain.param @fc.b = dense<[0.1, 0.2, 0.3]> : tensor<3xf32>
qtrain.param @m.w trainable = dense<0.5> : tensor<3x4xf32>
qtrain.param @m.b = dense<[0.1, 0.2, 0.3]> : tensor<3xf32>
func.func @main(%f: tensor<1x4xf32>) -> tensor<1x3xf32> {
  %fw = qtrain.get_param @fc.w : tensor<3x4xf32>
  %fb = qtrain.get_param @fc.b : tensor<3xf32>
  %l = qtrain.linear %f, %fw, %fb : (tensor<1x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<1x3xf32>
  func.return %l : tensor<1x3xf32>
}
func.func @marked(%f: tensor<1x4xf32>) -> tensor<1x3xf32> {
  %mw = qtrain.get_param @m.w : tensor<3x4xf32>
  %mb = qtrain.get_param @m.b : tensor<3xf32>
  %l = qtrain.linear %f, %mw, %mb : (tensor<1x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<1x3xf32>
  func.return %l : tensor<1x3xf32>
}
