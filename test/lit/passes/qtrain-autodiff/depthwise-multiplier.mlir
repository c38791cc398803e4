// RUN: %tt-opt %s -p qtrain-append-loss,qtrain-autodiff | %filecheck %s

// Regression: a depthwise conv with a channel multiplier (groups = 2 = C_in, C_out = 4) is a
// grouped conv for training: its bias trains, its weights get no gradient (only regular and
// true depthwise convolutions train weights), and the IR verifies.

qtrain.param @dw.w = dense<[[[[1]]], [[[2]]], [[[3]]], [[[4]]]]> : tensor<4x1x1x1xi8>
qtrain.param @dw.b = dense<[0, 0, 0, 0]> : tensor<4xi32>
qtrain.param @fc.w = dense<[[0.5, -0.25, 0.25, 1.0], [0.125, 1.0, -0.5, 0.0]]> : tensor<2x4xf32>
qtrain.param @fc.b = dense<[0.1, 0.2]> : tensor<2xf32>
func.func @main(%x: tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>) -> tensor<1x2xf32> {
  %w = qtrain.get_param @dw.w : tensor<4x1x1x1xi8>
  %b = qtrain.get_param @dw.b : tensor<4xi32>
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 2 : i64, w_scales = array<f32: 0.25, 0.25, 0.25, 0.25>} : (tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>, tensor<4x1x1x1xi8>, tensor<4xi32>) -> tensor<1x4x2x2x!qtrain.qi8<0.125, -128>>
  %p = qtrain.global_avgpool %y : tensor<1x4x2x2x!qtrain.qi8<0.125, -128>> -> tensor<1x4x1x1x!qtrain.qi8<0.125, -128>>
  %d = qtrain.dequantize %p : tensor<1x4x1x1x!qtrain.qi8<0.125, -128>> -> tensor<1x4x1x1xf32>
  %f = qtrain.flatten %d : tensor<1x4x1x1xf32> -> tensor<1x4xf32>
  %fw = qtrain.get_param @fc.w : tensor<2x4xf32>
  %fb = qtrain.get_param @fc.b : tensor<2xf32>
  %l = qtrain.linear %f, %fw, %fb : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  func.return %l : tensor<1x2xf32>
}

// CHECK-LABEL: func.func @train_step
// CHECK-NOT:   qtrain.conv2d_grad_weight
// CHECK:       qtrain.conv2d_grad_bias
// CHECK-NOT:   qtrain.param_grad @dw.w
// CHECK:       qtrain.param_grad @dw.b
