// RUN: %tt-opt %s -p "qtrain-training{scheme=full classes=3 qas=true},qtrain-reorder-updates,qtrain-fuse-updates" | %filecheck %s

// The conv weight's gradient, QAS scaling (1 / s_w^2 = 1 / 0.25^2 = 16 per output channel)
// and SGD step become one in-place update; the bias chain (scaled by 1 / (s_x s_w)^2 = 64)
// and the fp32 head keep their unfused ops.

// CHECK-LABEL: func.func @train_step
// CHECK-NOT:  qtrain.conv2d_grad_weight
// CHECK:      %[[G:.*]] = qtrain.requant_grad
// CHECK-NEXT: %[[DB:.*]] = qtrain.conv2d_grad_bias %[[G]]
// CHECK-NEXT: %[[SB:.*]] = qtrain.scale_channels %[[DB]] {factors = array<f32: 6.400000e+01, 6.400000e+01>}
// CHECK-NEXT: qtrain.sgd_update @c.b, %[[SB]] {lr = 4.000000e-04 : f32}
// CHECK-NEXT: qtrain.conv2d_weight_update @c.w, %x, %[[G]] {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, channels = 1 : i64, lr = 8.000000e-04 : f32, factors = array<f32: 1.600000e+01, 1.600000e+01>} : tensor<1x1x2x2x!qtrain.qi8<0.5, 0>>, tensor<1x2x2x2xf32>
// CHECK-NEXT: func.return

qtrain.param @c.w = dense<[[[[3]]], [[[-2]]]]> : tensor<2x1x1x1xi8>
qtrain.param @c.b = dense<[1, 2]> : tensor<2xi32>
func.func @main(%x: tensor<1x1x2x2x!qtrain.qi8<0.5, 0>>) -> tensor<1x2xf32> {
  %w = qtrain.get_param @c.w : tensor<2x1x1x1xi8>
  %b = qtrain.get_param @c.b : tensor<2xi32>
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.25, 0.25>} : (tensor<1x1x2x2x!qtrain.qi8<0.5, 0>>, tensor<2x1x1x1xi8>, tensor<2xi32>) -> tensor<1x2x2x2x!qtrain.qi8<0.125, -128>>
  %p = qtrain.global_avgpool %y : tensor<1x2x2x2x!qtrain.qi8<0.125, -128>> -> tensor<1x2x1x1x!qtrain.qi8<0.125, -128>>
  %d = qtrain.dequantize %p : tensor<1x2x1x1x!qtrain.qi8<0.125, -128>> -> tensor<1x2x1x1xf32>
  %f = qtrain.flatten %d : tensor<1x2x1x1xf32> -> tensor<1x2xf32>
  func.return %f : tensor<1x2xf32>
}
