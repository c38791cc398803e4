// RUN: %tt-opt %s -p 'qtrain-append-loss,qtrain-autodiff,qtrain-sparse-update{scheme=full}' | %filecheck %s

// full: every weight and bias trains, all channels. Nothing is pruned but the input gradient
// of conv0 (never computed: its input is the function argument); the weight gradients keep
// their full shapes (no qtrain.slice_channels).

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
// CHECK-NEXT:   qtrain.param @c0.w trainable = dense<1> : tensor<4x2x3x3xi8>
// CHECK-NEXT:   qtrain.param @c0.b trainable = dense<[1, 2, 3, 4]> : tensor<4xi32>
// CHECK-NEXT:   qtrain.param @c1.w trainable = dense<2> : tensor<4x1x3x3xi8>
// CHECK-NEXT:   qtrain.param @c1.b trainable = dense<[5, 6, 7, 8]> : tensor<4xi32>
// CHECK-NEXT:   qtrain.param @c2.w trainable = dense<3> : tensor<4x4x1x1xi8>
// CHECK-NEXT:   qtrain.param @c2.b trainable = dense<[9, 10, 11, 12]> : tensor<4xi32>
// CHECK-NEXT:   qtrain.param @fc.w trainable = dense<5.000000e-01> : tensor<3x4xf32>
// CHECK-NEXT:   qtrain.param @fc.b trainable = dense<[1.000000e-01, 2.000000e-01, 3.000000e-01]> : tensor<3xf32>

// CHECK-LABEL: func.func @train_step
// CHECK-NOT:   slice_channels
// CHECK:       %y0, %{{.*}} = qtrain.conv2d %x, %w0, %b0
// CHECK:       %y1, %{{.*}} = qtrain.conv2d %y0, %w1, %b1
// CHECK:       %y2, %{{.*}} = qtrain.conv2d %y1, %w2, %b2
// CHECK-NEXT:  %s, %{{.*}} = qtrain.add %y0, %y2
// Input gradients of conv2 and conv1 (conv1's accumulates with the add's lhs gradient).
// CHECK:       %[[G2:.*]] = qtrain.requant_grad {{.*}} {multipliers = array<f32: 1.250000e-01, 1.250000e-01, 2.500000e-01, 2.500000e-01>}
// CHECK-NEXT:  qtrain.conv2d_grad_input %[[G2]], %w2
// CHECK:       %[[G1:.*]] = qtrain.requant_grad {{.*}} {multipliers = array<f32: 5.000000e-01, 2.500000e-01, 1.250000e-01, 6.250000e-02>}
// CHECK-NEXT:  %[[DY0B:.*]] = qtrain.conv2d_grad_input %[[G1]], %w1
// CHECK-NEXT:  qtrain.accumulate %{{.*}}, %[[DY0B]]
// CHECK:       %[[G0:.*]] = qtrain.requant_grad {{.*}} {multipliers = array<f32: 5.000000e-01, 2.500000e-01, 1.000000e+00, 2.000000e+00>}
// CHECK-NOT:   conv2d_grad_input
// CHECK:       qtrain.param_grad @fc.w, %{{.*}} : tensor<3x4xf32>
// CHECK-NEXT:  qtrain.param_grad @fc.b, %{{.*}} : tensor<3xf32>
// Weight gradients of the whole weights: conv2 4x4x1x1 from %y1, conv1 (depthwise)
// 4x1x3x3 from %y0, conv0 4x2x3x3 from %x.
// CHECK-NEXT:  %[[DW2:.*]] = qtrain.conv2d_grad_weight %y1, %[[G2]] {{.*}} -> tensor<4x4x1x1xf32>
// CHECK-NEXT:  qtrain.param_grad @c2.w, %[[DW2]] : tensor<4x4x1x1xf32>
// CHECK-NEXT:  qtrain.param_grad @c2.b, %{{.*}} : tensor<4xf32>
// CHECK-NEXT:  %[[DW1:.*]] = qtrain.conv2d_grad_weight %y0, %[[G1]] {{.*}} groups = 4 : i64} {{.*}} -> tensor<4x1x3x3xf32>
// CHECK-NEXT:  qtrain.param_grad @c1.w, %[[DW1]] : tensor<4x1x3x3xf32>
// CHECK-NEXT:  qtrain.param_grad @c1.b, %{{.*}} : tensor<4xf32>
// CHECK-NEXT:  %[[DW0:.*]] = qtrain.conv2d_grad_weight %x, %[[G0]] {{.*}} -> tensor<4x2x3x3xf32>
// CHECK-NEXT:  qtrain.param_grad @c0.w, %[[DW0]] : tensor<4x2x3x3xf32>
// CHECK-NEXT:  qtrain.param_grad @c0.b, %{{.*}} : tensor<4xf32>
// CHECK-NEXT:  func.return
