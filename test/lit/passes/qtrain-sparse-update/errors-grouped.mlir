// RUN: not %tt-opt %s -p 'qtrain-append-loss,qtrain-autodiff,qtrain-sparse-update{scheme=full}' 2>&1 | %filecheck %s
// RUN: not %tt-opt %s -p 'qtrain-append-loss,qtrain-autodiff,qtrain-sparse-update{scheme=last-k k=1}' 2>&1 | %filecheck %s
// Its bias can train: bias-only succeeds, the weight stays frozen.
// RUN: %tt-opt %s -p 'qtrain-append-loss,qtrain-autodiff,qtrain-sparse-update{scheme=bias-only}' | %filecheck %s --check-prefix=BIAS

// A grouped conv (4 -> 4 channels in 2 groups of 2: neither regular nor depthwise) has no
// weight-gradient rule, so a scheme that trains its weights is refused.
// CHECK:     qtrain-sparse-update: layer 0 is a grouped conv; its weights cannot train
// CHECK-NOT: builtin.module

// BIAS:      qtrain.param @g.w = dense<1> : tensor<4x2x1x1xi8>
// BIAS-NEXT: qtrain.param @g.b trainable = dense<0> : tensor<4xi32>
// BIAS-LABEL: func.func @train_step
// BIAS-NOT:  conv2d_grad_weight
// BIAS:      qtrain.param_grad @g.b, %{{.*}} : tensor<4xf32>
// BIAS-NOT:  qtrain.param_grad @g.w

qtrain.param @g.w = dense<1> : tensor<4x2x1x1xi8>
qtrain.param @g.b = dense<0> : tensor<4xi32>
qtrain.param @fc.w = dense<0.5> : tensor<3x4xf32>
qtrain.param @fc.b = dense<0.0> : tensor<3xf32>
func.func @main(%x: tensor<1x4x2x2x!qtrain.qi8<0.5, 0>>) -> tensor<1x3xf32> {
  %w = qtrain.get_param @g.w : tensor<4x2x1x1xi8>
  %b = qtrain.get_param @g.b : tensor<4xi32>
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 2 : i64, w_scales = array<f32: 0.25, 0.25, 0.25, 0.25>} : (tensor<1x4x2x2x!qtrain.qi8<0.5, 0>>, tensor<4x2x1x1xi8>, tensor<4xi32>) -> tensor<1x4x2x2x!qtrain.qi8<0.5, 0>>
  %p = qtrain.global_avgpool %y : tensor<1x4x2x2x!qtrain.qi8<0.5, 0>> -> tensor<1x4x1x1x!qtrain.qi8<0.5, 0>>
  %d = qtrain.dequantize %p : tensor<1x4x1x1x!qtrain.qi8<0.5, 0>> -> tensor<1x4x1x1xf32>
  %f = qtrain.flatten %d : tensor<1x4x1x1xf32> -> tensor<1x4xf32>
  %fw = qtrain.get_param @fc.w : tensor<3x4xf32>
  %fb = qtrain.get_param @fc.b : tensor<3xf32>
  %l = qtrain.linear %f, %fw, %fb : (tensor<1x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<1x3xf32>
  func.return %l : tensor<1x3xf32>
}
