// RUN: not %tt-opt %s -p 'qtrain-append-loss,qtrain-autodiff,qtrain-sparse-update{scheme=full},qtrain-qas,qtrain-qas' 2>&1 | %filecheck %s
// Without a training function there is nothing to scale.
// RUN: not %tt-opt %s -p qtrain-qas 2>&1 | %filecheck %s --check-prefix=NOFUNC

// Scaling twice would square the factors: the second qtrain-qas refuses. tt-opt prints the
// error on stderr, no module, and exits 1.
// CHECK:     qtrain-qas: gradients of @train_step are already scaled
// CHECK-NOT: builtin.module
// NOFUNC:     qtrain-qas: no function @train_step in the module
// NOFUNC-NOT: builtin.module

qtrain.param @c.w = dense<1> : tensor<4x2x1x1xi8>
qtrain.param @c.b = dense<[1, 2, 3, 4]> : tensor<4xi32>
qtrain.param @fc.w = dense<0.5> : tensor<3x4xf32>
qtrain.param @fc.b = dense<[0.1, 0.2, 0.3]> : tensor<3xf32>
func.func @main(%x: tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>) -> tensor<1x3xf32> {
  %w = qtrain.get_param @c.w : tensor<4x2x1x1xi8>
  %b = qtrain.get_param @c.b : tensor<4xi32>
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.25, 0.25, 0.25, 0.25>} : (tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>, tensor<4x2x1x1xi8>, tensor<4xi32>) -> tensor<1x4x2x2x!qtrain.qi8<0.25, -128>>
  %p = qtrain.global_avgpool %y : tensor<1x4x2x2x!qtrain.qi8<0.25, -128>> -> tensor<1x4x1x1x!qtrain.qi8<0.25, -128>>
  %d = qtrain.dequantize %p : tensor<1x4x1x1x!qtrain.qi8<0.25, -128>> -> tensor<1x4x1x1xf32>
  %f = qtrain.flatten %d : tensor<1x4x1x1xf32> -> tensor<1x4xf32>
  %fw = qtrain.get_param @fc.w : tensor<3x4xf32>
  %fb = qtrain.get_param @fc.b : tensor<3xf32>
  %l = qtrain.linear %f, %fw, %fb : (tensor<1x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<1x3xf32>
  func.return %l : tensor<1x3xf32>
}
