// RUN: %tt-opt %s -p 'qtrain-append-loss,qtrain-autodiff,qtrain-sparse-update{scheme=head-only}' | %filecheck %s

// head-only: only the fp32 head trains. The whole int8 backward pass is dead and removed,
// down to the head's input gradient (linear_grad_input); no clamp mask is read any more, so
// the convs and the add are back to their single-result form.

// The model: conv0 (3x3, 2 -> 4, pad 1) -> conv1 (3x3 depthwise, groups 4, pad 1) -> conv2
// (1x1, 4 -> 4), a residual add of conv0's and conv2's outputs, avgpool, dequantize,
// flatten and an fp32 linear head (4 -> 3). Layer indices (forward order): conv0 = 0,
// conv1 = 1, conv2 = 2. Requantization multipliers eff = s_x * s_w / s_y:
//   conv0: 0.5 * [0.25, 0.125, 0.5, 1] / 0.25 = [0.5, 0.25, 1, 2]
//   conv1: 0.25 * [0.5, 0.25, 0.125, 0.0625] / 0.25 = [0.5, 0.25, 0.125, 0.0625]
//   conv2: 0.25 * [0.125, 0.125, 0.25, 0.25] / 0.25 = [0.125, 0.125, 0.25, 0.25]
// and the add's factors are s_a / s_y = s_b / s_y = 0.25 / 0.5 = 0.5.

qtrain.param @c0.w = dense<1> : tensor<4x2x3x3xi8>
qtrain.param @c0.b = dense<[1, 2, 3, 4]> : tensor<4xi32>
qtrain.param @c1.w = dense<2> : tensor<4x1x3x3xi8>
qtrain.param @c1.b = dense<[5, 6, 7, 8]> : tensor<4xi32>
qtrain.param @c2.w = dense<3> : tensor<4x4x1x1xi8>
qtrain.param @c2.b = dense<[9, 10, 11, 12]> : tensor<4xi32>
qtrain.param @fc.w = dense<0.5> : tensor<3x4xf32>
qtrain.param @fc.b = dense<[0.1, 0.2, 0.3]> : tensor<3xf32>
func.func @main(%x: tensor<1x2x4x4x!qtrain.qi8<0.5, 0>>) -> tensor<1x3xf32> {
  %w0 = qtrain.get_param @c0.w : tensor<4x2x3x3xi8>
  %b0 = qtrain.get_param @c0.b : tensor<4xi32>
  %y0 = qtrain.conv2d %x, %w0, %b0 {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.25, 0.125, 0.5, 1.0>} : (tensor<1x2x4x4x!qtrain.qi8<0.5, 0>>, tensor<4x2x3x3xi8>, tensor<4xi32>) -> tensor<1x4x4x4x!qtrain.qi8<0.25, -128>>
  %w1 = qtrain.get_param @c1.w : tensor<4x1x3x3xi8>
  %b1 = qtrain.get_param @c1.b : tensor<4xi32>
  %y1 = qtrain.conv2d %y0, %w1, %b1 {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 4 : i64, w_scales = array<f32: 0.5, 0.25, 0.125, 0.0625>} : (tensor<1x4x4x4x!qtrain.qi8<0.25, -128>>, tensor<4x1x3x3xi8>, tensor<4xi32>) -> tensor<1x4x4x4x!qtrain.qi8<0.25, -128>>
  %w2 = qtrain.get_param @c2.w : tensor<4x4x1x1xi8>
  %b2 = qtrain.get_param @c2.b : tensor<4xi32>
  %y2 = qtrain.conv2d %y1, %w2, %b2 {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.125, 0.125, 0.25, 0.25>} : (tensor<1x4x4x4x!qtrain.qi8<0.25, -128>>, tensor<4x4x1x1xi8>, tensor<4xi32>) -> tensor<1x4x4x4x!qtrain.qi8<0.25, -128>>
  %s = qtrain.add %y0, %y2 : (tensor<1x4x4x4x!qtrain.qi8<0.25, -128>>, tensor<1x4x4x4x!qtrain.qi8<0.25, -128>>) -> tensor<1x4x4x4x!qtrain.qi8<0.5, -128>>
  %p = qtrain.global_avgpool %s : tensor<1x4x4x4x!qtrain.qi8<0.5, -128>> -> tensor<1x4x1x1x!qtrain.qi8<0.5, -128>>
  %d = qtrain.dequantize %p : tensor<1x4x1x1x!qtrain.qi8<0.5, -128>> -> tensor<1x4x1x1xf32>
  %f = qtrain.flatten %d : tensor<1x4x1x1xf32> -> tensor<1x4xf32>
  %fw = qtrain.get_param @fc.w : tensor<3x4xf32>
  %fb = qtrain.get_param @fc.b : tensor<3xf32>
  %l = qtrain.linear %f, %fw, %fb : (tensor<1x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<1x3xf32>
  func.return %l : tensor<1x3xf32>
}

// CHECK:      builtin.module {
// CHECK-NEXT:   qtrain.param @c0.w = dense<1> : tensor<4x2x3x3xi8>
// CHECK-NEXT:   qtrain.param @c0.b = dense<[1, 2, 3, 4]> : tensor<4xi32>
// CHECK-NEXT:   qtrain.param @c1.w = dense<2> : tensor<4x1x3x3xi8>
// CHECK-NEXT:   qtrain.param @c1.b = dense<[5, 6, 7, 8]> : tensor<4xi32>
// CHECK-NEXT:   qtrain.param @c2.w = dense<3> : tensor<4x4x1x1xi8>
// CHECK-NEXT:   qtrain.param @c2.b = dense<[9, 10, 11, 12]> : tensor<4xi32>
// CHECK-NEXT:   qtrain.param @fc.w trainable = dense<5.000000e-01> : tensor<3x4xf32>
// CHECK-NEXT:   qtrain.param @fc.b trainable = dense<[1.000000e-01, 2.000000e-01, 3.000000e-01]> : tensor<3xf32>

// CHECK-LABEL: func.func @train_step
// CHECK-SAME:  (%x: tensor<1x2x4x4x!qtrain.qi8<0.5, 0>>, %[[LABEL:[^:]*]]: tensor<1xi32>) -> tensor<f32>
// CHECK-NEXT:  %w0 = qtrain.get_param @c0.w
// CHECK-NEXT:  %b0 = qtrain.get_param @c0.b
// CHECK-NEXT:  %y0 = qtrain.conv2d %x, %w0, %b0 {{.*}} -> tensor<1x4x4x4x!qtrain.qi8<0.25, -128>>
// CHECK-NEXT:  %w1 = qtrain.get_param @c1.w
// CHECK-NEXT:  %b1 = qtrain.get_param @c1.b
// CHECK-NEXT:  %y1 = qtrain.conv2d %y0, %w1, %b1 {{.*}} -> tensor<1x4x4x4x!qtrain.qi8<0.25, -128>>
// CHECK-NEXT:  %w2 = qtrain.get_param @c2.w
// CHECK-NEXT:  %b2 = qtrain.get_param @c2.b
// CHECK-NEXT:  %y2 = qtrain.conv2d %y1, %w2, %b2 {{.*}} -> tensor<1x4x4x4x!qtrain.qi8<0.25, -128>>
// CHECK-NEXT:  %s = qtrain.add %y0, %y2 : (tensor<1x4x4x4x!qtrain.qi8<0.25, -128>>, tensor<1x4x4x4x!qtrain.qi8<0.25, -128>>) -> tensor<1x4x4x4x!qtrain.qi8<0.5, -128>>
// CHECK-NEXT:  %p = qtrain.global_avgpool %s
// CHECK-NEXT:  %d = qtrain.dequantize %p
// CHECK-NEXT:  %f = qtrain.flatten %d
// CHECK-NEXT:  %fw = qtrain.get_param @fc.w
// CHECK-NEXT:  %fb = qtrain.get_param @fc.b
// CHECK-NEXT:  %l = qtrain.linear %f, %fw, %fb
// CHECK-NEXT:  %[[LOSS:.*]] = qtrain.softmax_cross_entropy %l, %[[LABEL]]
// CHECK-NEXT:  %[[DL:.*]] = qtrain.softmax_cross_entropy_grad %l, %[[LABEL]]
// CHECK-NEXT:  %[[DFW:.*]] = qtrain.linear_grad_weight %[[DL]], %f : (tensor<1x3xf32>, tensor<1x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:  %[[DFB:.*]] = qtrain.sum_batch %[[DL]] : tensor<1x3xf32> -> tensor<3xf32>
// CHECK-NEXT:  qtrain.param_grad @fc.w, %[[DFW]] : tensor<3x4xf32>
// CHECK-NEXT:  qtrain.param_grad @fc.b, %[[DFB]] : tensor<3xf32>
// CHECK-NEXT:  func.return %[[LOSS]] : tensor<f32>
// CHECK-NEXT:  }
