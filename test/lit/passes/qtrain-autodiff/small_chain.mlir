// RUN: %tt-opt %s -p qtrain-append-loss,qtrain-autodiff | %filecheck %s

// conv (1x1) -> avgpool -> dequantize -> flatten -> linear, differentiated end to end.
// The conv's requantization multipliers are eff = s_x * s_w / s_y = 0.5 * [0.25, 0.125] / 0.0625 = [2, 1].

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

// CHECK-LABEL: func.func @main
// CHECK-LABEL: func.func @train_step
// CHECK-SAME:  (%x: tensor<1x2x3x3x!qtrain.qi8<0.5, 0>>, %[[LABEL:[^:]*]]: tensor<1xi32>) -> tensor<f32>
// CHECK:      %y, %[[MASK:.*]] = qtrain.conv2d %x, %w, %b {{.*}} -> (tensor<1x2x3x3x!qtrain.qi8<0.0625, -128>>, tensor<1x2x3x3xi1>)
// CHECK:      %[[LOSS:.*]] = qtrain.softmax_cross_entropy %l, %[[LABEL]]
// CHECK-NEXT: %[[DL:.*]] = qtrain.softmax_cross_entropy_grad %l, %[[LABEL]]
// CHECK-NEXT: %[[DF:.*]] = qtrain.linear_grad_input %[[DL]], %fw
// CHECK-NEXT: %[[DFW:.*]] = qtrain.linear_grad_weight %[[DL]], %f
// CHECK-NEXT: %[[DFB:.*]] = qtrain.sum_batch %[[DL]]
// CHECK-NEXT: %[[DD:.*]] = qtrain.reshape %[[DF]] : tensor<1x2xf32> -> tensor<1x2x1x1xf32>
// CHECK-NEXT: %[[DP:.*]] = qtrain.dequantize_grad %[[DD]] {scale = 6.250000e-02 : f64}
// CHECK-NEXT: %[[DY:.*]] = qtrain.global_avgpool_grad %[[DP]] : tensor<1x2x1x1xf32> -> tensor<1x2x3x3xf32>
// CHECK-NEXT: %[[DM:.*]] = qtrain.clamp_grad %[[DY]], %[[MASK]]
// CHECK-NEXT: %[[G:.*]] = qtrain.requant_grad %[[DM]] {multipliers = array<f32: 2.000000e+00, 1.000000e+00>}
// The conv's input is the function argument: no input gradient.
// CHECK-NEXT: %[[DW:.*]] = qtrain.conv2d_grad_weight %x, %[[G]]
// CHECK-NEXT: %[[DB:.*]] = qtrain.conv2d_grad_bias %[[G]]
// CHECK-NEXT: qtrain.param_grad @fc.w, %[[DFW]] : tensor<3x2xf32>
// CHECK-NEXT: qtrain.param_grad @fc.b, %[[DFB]] : tensor<3xf32>
// CHECK-NEXT: qtrain.param_grad @c.w, %[[DW]] : tensor<2x2x1x1xf32>
// CHECK-NEXT: qtrain.param_grad @c.b, %[[DB]] : tensor<2xf32>
// CHECK-NEXT: func.return %[[LOSS]] : tensor<f32>
