// RUN: echo '{"n_bias_update": 0, "weight_idx": [0], "weight_ratio": [0.5]}' > %t.json
// RUN: %tt-opt %s -p 'qtrain-append-loss,qtrain-autodiff,qtrain-qas,qtrain-sparse-update{scheme="%t.json"}' | %filecheck %s

// Regression: with QAS applied before the sparse update, the partial-channel weight gradient
// (first 1 of 2 input channels) is still sliced under the scaling, factors kept per output
// channel: 1/s_w^2 = 1/0.25^2 = 16 and 1/0.125^2 = 64.

qtrain.param @c.w = dense<[[[[2]], [[-1]]], [[[1]], [[3]]]]> : tensor<2x2x1x1xi8>
qtrain.param @c.b = dense<[5, -7]> : tensor<2xi32>
qtrain.param @fc.w = dense<[[0.5, -0.25], [0.125, 1.0], [-1.0, 0.75]]> : tensor<3x2xf32>
qtrain.param @fc.b = dense<[0.1, 0.2, 0.3]> : tensor<3xf32>
func.func @main(%x: tensor<1x2x3x3x!qtrain.qi8<0.5, 0>>) -> tensor<1x3xf32> {
  %w = qtrain.get_param @c.w : tensor<2x2x1x1xi8>
  %b = qtrain.get_param @c.b : tensor<2xi32>
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.25, 0.125>} : (tensor<1x2x3x3x!qtrain.qi8<0.5, 0>>, tensor<2x2x1x1xi8>, tensor<2xi32>) -> tensor<1x2x3x3x!qtrain.qi8<0.0625, -128>>
  %p = qtrain.global_avgpool %y : tensor<1x2x3x3x!qtrain.qi8<0.0625, -128>> -> tensor<1x2x1x1x!qtrain.qi8<0.0625, -128>>
  %d = qtrain.dequantize %p : tensor<1x2x1x1x!qtrain.qi8<0.0625, -128>> -> tensor<1x2x1x1xf32>
  %f = qtrain.flatten %d : tensor<1x2x1x1xf32> -> tensor<1x2xf32>
  %fw = qtrain.get_param @fc.w : tensor<3x2xf32>
  %fb = qtrain.get_param @fc.b : tensor<3xf32>
  %l = qtrain.linear %f, %fw, %fb : (tensor<1x2xf32>, tensor<3x2xf32>, tensor<3xf32>) -> tensor<1x3xf32>
  func.return %l : tensor<1x3xf32>
}

// CHECK-LABEL: func.func @train_step
// CHECK:      %[[S:.*]] = qtrain.slice_channels %x : tensor<1x2x3x3x!qtrain.qi8<0.5, 0>> -> tensor<1x1x3x3x!qtrain.qi8<0.5, 0>>
// CHECK:      %[[GW:.*]] = qtrain.conv2d_grad_weight %[[S]], {{.*}} -> tensor<2x1x1x1xf32>
// CHECK-NEXT: %[[QW:.*]] = qtrain.scale_channels %[[GW]] {factors = array<f32: 1.600000e+01, 6.400000e+01>} : tensor<2x1x1x1xf32>
// CHECK-NEXT: qtrain.param_grad @c.w, %[[QW]] : tensor<2x1x1x1xf32>
