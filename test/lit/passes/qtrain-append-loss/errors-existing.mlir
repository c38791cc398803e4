// RUN: not %tt-opt %s -p qtrain-append-loss 2>&1 | %filecheck %s
// A second run of the pass (here: the pipeline twice) finds the @train_step of the first.
// RUN: not %tt-opt %s -p qtrain-append-loss{train_function=other},qtrain-append-loss{train_function=other} 2>&1 | %filecheck %s --check-prefix=TWICE

// The module already has a @train_step: the pass refuses to create another one (nor to
// overwrite it). tt-opt prints the error on stderr, no module, and exits 1.
// CHECK:     qtrain-append-loss: @train_step already exists
// CHECK-NOT: builtin.module
// TWICE:     qtrain-append-loss: @other already exists
// TWICE-NOT: builtin.module

qtrain.param @fc.w = dense<0.5> : tensor<3x4xf32>
qtrain.param @fc.b = dense<[0.1, 0.2, 0.3]> : tensor<3xf32>
func.func @main(%f: tensor<1x4xf32>) -> tensor<1x3xf32> {
  %fw = qtrain.get_param @fc.w : tensor<3x4xf32>
  %fb = qtrain.get_param @fc.b : tensor<3xf32>
  %l = qtrain.linear %f, %fw, %fb : (tensor<1x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<1x3xf32>
  func.return %l : tensor<1x3xf32>
}
func.func @train_step(%f: tensor<1x4xf32>, %label: tensor<1xi32>) -> tensor<f32> {
  %fw = qtrain.get_param @fc.w : tensor<3x4xf32>
  %fb = qtrain.get_param @fc.b : tensor<3xf32>
  %l = qtrain.linear %f, %fw, %fb : (tensor<1x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<1x3xf32>
  %loss = qtrain.softmax_cross_entropy %l, %label : (tensor<1x3xf32>, tensor<1xi32>) -> tensor<f32>
  func.return %loss : tensor<f32>
}
