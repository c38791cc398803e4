// RUN: %tt-opt %s -p 'qtrain-append-loss,qtrain-autodiff,qtrain-sparse-update{scheme=last-k k=1}' | %filecheck %s
// `last-N` is the same scheme with k in its name.
// RUN: %tt-opt %s -p 'qtrain-append-loss,qtrain-autodiff,qtrain-sparse-update{scheme=last-1}' | %filecheck %s
// RUN: %tt-opt %s -p 'qtrain-append-loss,qtrain-autodiff,qtrain-sparse-update{scheme=last-k k=2}' | %filecheck %s --check-prefix=LAST2

// last-k with k = 1: the weight and bias of the last conv (conv2) and the head train.
// Backward stops at conv2: no conv2d_grad_input at all (the CHECK-NEXT chain below covers
// the whole backward pass), conv0's and conv1's masks are dropped, the add's and conv2's
// are kept.

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
// CHECK-NEXT:   qtrain.param @c2.w trainable = dense<3> : tensor<4x4x1x1xi8>
// CHECK-NEXT:   qtrain.param @c2.b trainable = dense<[9, 10, 11, 12]> : tensor<4xi32>
// CHECK-NEXT:   qtrain.param @fc.w trainable = dense<5.000000e-01> : tensor<3x4xf32>
// CHECK-NEXT:   qtrain.param @fc.b trainable = dense<[1.000000e-01, 2.000000e-01, 3.000000e-01]> : tensor<3xf32>

// CHECK-LABEL: func.func @train_step
// CHECK-SAME:  (%x: tensor<1x2x4x4x!qtrain.qi8<0.5, 0>>, %[[LABEL:[^:]*]]: tensor<1xi32>) -> tensor<f32>
// CHECK:       %y0 = qtrain.conv2d %x, %w0, %b0 {{.*}} -> tensor<1x4x4x4x!qtrain.qi8<0.25, -128>>
// CHECK:       %y1 = qtrain.conv2d %y0, %w1, %b1 {{.*}} -> tensor<1x4x4x4x!qtrain.qi8<0.25, -128>>
// CHECK:       %y2, %[[M2:.*]] = qtrain.conv2d %y1, %w2, %b2
// CHECK-NEXT:  %s, %[[MS:.*]] = qtrain.add %y0, %y2
// CHECK:       %[[LOSS:.*]] = qtrain.softmax_cross_entropy %l, %[[LABEL]]
// CHECK-NEXT:  %[[DL:.*]] = qtrain.softmax_cross_entropy_grad %l, %[[LABEL]]
// CHECK-NEXT:  %[[DF:.*]] = qtrain.linear_grad_input %[[DL]], %fw
// CHECK-NEXT:  %[[DFW:.*]] = qtrain.linear_grad_weight %[[DL]], %f
// CHECK-NEXT:  %[[DFB:.*]] = qtrain.sum_batch %[[DL]]
// CHECK-NEXT:  %[[DD:.*]] = qtrain.reshape %[[DF]]
// CHECK-NEXT:  %[[DP:.*]] = qtrain.dequantize_grad %[[DD]]
// CHECK-NEXT:  %[[DS:.*]] = qtrain.global_avgpool_grad %[[DP]]
// CHECK-NEXT:  %[[DSM:.*]] = qtrain.clamp_grad %[[DS]], %[[MS]]
// The add's lhs gradient (towards conv0) is now unused; the op stays for its rhs result.
// CHECK-NEXT:  %{{.*}}, %[[DY2:.*]] = qtrain.add_grad %[[DSM]]
// CHECK-NEXT:  %[[DY2M:.*]] = qtrain.clamp_grad %[[DY2]], %[[M2]]
// CHECK-NEXT:  %[[G2:.*]] = qtrain.requant_grad %[[DY2M]] {multipliers = array<f32: 1.250000e-01, 1.250000e-01, 2.500000e-01, 2.500000e-01>}
// CHECK-NEXT:  %[[DB2:.*]] = qtrain.conv2d_grad_bias %[[G2]]
// CHECK-NEXT:  qtrain.param_grad @fc.w, %[[DFW]] : tensor<3x4xf32>
// CHECK-NEXT:  qtrain.param_grad @fc.b, %[[DFB]] : tensor<3xf32>
// The full weight gradient (all 4 input channels of conv2's input %y1), computed right
// before its sink.
// CHECK-NEXT:  %[[DW2:.*]] = qtrain.conv2d_grad_weight %y1, %[[G2]] {{.*}} -> tensor<4x4x1x1xf32>
// CHECK-NEXT:  qtrain.param_grad @c2.w, %[[DW2]] : tensor<4x4x1x1xf32>
// CHECK-NEXT:  qtrain.param_grad @c2.b, %[[DB2]] : tensor<4xf32>
// CHECK-NEXT:  func.return %[[LOSS]] : tensor<f32>

// k = 2: conv1 (depthwise) and conv2 train weights and biases; conv0 does not, so its mask
// goes and so does conv1's input gradient (the add's lhs gradient towards %y0 is unused).
// LAST2:       qtrain.param @c0.w = dense<1> : tensor<4x2x3x3xi8>
// LAST2-NEXT:  qtrain.param @c0.b = dense<[1, 2, 3, 4]> : tensor<4xi32>
// LAST2-NEXT:  qtrain.param @c1.w trainable = dense<2> : tensor<4x1x3x3xi8>
// LAST2-NEXT:  qtrain.param @c1.b trainable = dense<[5, 6, 7, 8]> : tensor<4xi32>
// LAST2-NEXT:  qtrain.param @c2.w trainable = dense<3> : tensor<4x4x1x1xi8>
// LAST2-NEXT:  qtrain.param @c2.b trainable = dense<[9, 10, 11, 12]> : tensor<4xi32>
// LAST2-LABEL: func.func @train_step
// LAST2:       %y0 = qtrain.conv2d %x
// LAST2:       %y1, %{{.*}} = qtrain.conv2d %y0
// LAST2:       conv2d_grad_input %{{.*}}, %w2
// LAST2-NOT:   conv2d_grad_input
// LAST2-NOT:   accumulate
// LAST2:       qtrain.param_grad @fc.w
// LAST2-NEXT:  qtrain.param_grad @fc.b
// LAST2-NEXT:  conv2d_grad_weight %y1, {{.*}} -> tensor<4x4x1x1xf32>
// LAST2-NEXT:  qtrain.param_grad @c2.w, {{.*}} : tensor<4x4x1x1xf32>
// LAST2-NEXT:  qtrain.param_grad @c2.b, {{.*}} : tensor<4xf32>
// LAST2-NEXT:  conv2d_grad_weight %y0, {{.*}} -> tensor<4x1x3x3xf32>
// LAST2-NEXT:  qtrain.param_grad @c1.w, {{.*}} : tensor<4x1x3x3xf32>
// LAST2-NEXT:  qtrain.param_grad @c1.b, {{.*}} : tensor<4xf32>
// LAST2-NEXT:  func.return
