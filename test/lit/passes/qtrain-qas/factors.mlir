// RUN: %tt-opt %s -p 'qtrain-append-loss,qtrain-autodiff,qtrain-sparse-update{scheme=full},qtrain-qas' | %filecheck %s
// Partial channels: conv1 (depthwise) trains its first 2 of 4 channels, conv2 its first
// input channel (all 4 output channels).
// RUN: echo '{"n_bias_update": 1, "weight_idx": [1, 2], "weight_ratio": [0.5, 0.25]}' > %t.json
// RUN: %tt-opt %s -p 'qtrain-append-loss,qtrain-autodiff,qtrain-sparse-update{scheme="%t.json"},qtrain-qas' | %filecheck %s --check-prefix=PART
// Head only: nothing int8 trains, nothing is scaled.
// RUN: %tt-opt %s -p 'qtrain-append-loss,qtrain-autodiff,qtrain-sparse-update{scheme=head-only},qtrain-qas' | %filecheck %s --check-prefix=HEAD

// Quantization-Aware Scaling: before its sink, the gradient of an int8 conv weight is scaled
// per output channel by 1/s_w[c]^2, that of an int32 conv bias by 1/(s_w[c]*s_x)^2. All
// scales are powers of two, so every factor is exact:
//   conv0: s_x = 0.5,  s_w = [0.25, 0.125, 0.5, 1]
//          weight 1/s_w^2           = [16, 64, 4, 1]
//          s_w*s_x = [0.125, 0.0625, 0.25, 0.5]    -> bias [64, 256, 16, 4]
//   conv1: s_x = 0.25, s_w = [0.5, 0.25, 0.125, 0.0625]
//          weight                   = [4, 16, 64, 256]
//          s_w*s_x = [1/8, 1/16, 1/32, 1/64]       -> bias [64, 256, 1024, 4096]
//   conv2: s_x = 0.25, s_w = [0.125, 0.125, 0.25, 0.25]
//          weight                   = [64, 64, 16, 16]
//          s_w*s_x = [1/32, 1/32, 1/16, 1/16]      -> bias [1024, 1024, 256, 256]
// The fp32 head's gradients are real-valued and stay unscaled.

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

// CHECK-LABEL: func.func @train_step
// No scaling before the sinks: the head's gradients reach them unscaled.
// CHECK-NOT:   qtrain.scale_channels
// CHECK:       qtrain.param_grad @fc.w, %{{.*}} : tensor<3x4xf32>
// CHECK-NEXT:  qtrain.param_grad @fc.b, %{{.*}} : tensor<3xf32>
// CHECK-NEXT:  %[[DW2:.*]] = qtrain.conv2d_grad_weight %y1
// CHECK-NEXT:  %[[SW2:.*]] = qtrain.scale_channels %[[DW2]] {factors = array<f32: 6.400000e+01, 6.400000e+01, 1.600000e+01, 1.600000e+01>} : tensor<4x4x1x1xf32>
// CHECK-NEXT:  qtrain.param_grad @c2.w, %[[SW2]] : tensor<4x4x1x1xf32>
// CHECK-NEXT:  %[[SB2:.*]] = qtrain.scale_channels %{{.*}} {factors = array<f32: 1.024000e+03, 1.024000e+03, 2.560000e+02, 2.560000e+02>} : tensor<4xf32>
// CHECK-NEXT:  qtrain.param_grad @c2.b, %[[SB2]] : tensor<4xf32>
// CHECK-NEXT:  %[[DW1:.*]] = qtrain.conv2d_grad_weight %y0
// CHECK-NEXT:  %[[SW1:.*]] = qtrain.scale_channels %[[DW1]] {factors = array<f32: 4.000000e+00, 1.600000e+01, 6.400000e+01, 2.560000e+02>} : tensor<4x1x3x3xf32>
// CHECK-NEXT:  qtrain.param_grad @c1.w, %[[SW1]] : tensor<4x1x3x3xf32>
// CHECK-NEXT:  %[[SB1:.*]] = qtrain.scale_channels %{{.*}} {factors = array<f32: 6.400000e+01, 2.560000e+02, 1.024000e+03, 4.096000e+03>} : tensor<4xf32>
// CHECK-NEXT:  qtrain.param_grad @c1.b, %[[SB1]] : tensor<4xf32>
// CHECK-NEXT:  %[[DW0:.*]] = qtrain.conv2d_grad_weight %x
// CHECK-NEXT:  %[[SW0:.*]] = qtrain.scale_channels %[[DW0]] {factors = array<f32: 1.600000e+01, 6.400000e+01, 4.000000e+00, 1.000000e+00>} : tensor<4x2x3x3xf32>
// CHECK-NEXT:  qtrain.param_grad @c0.w, %[[SW0]] : tensor<4x2x3x3xf32>
// CHECK-NEXT:  %[[SB0:.*]] = qtrain.scale_channels %{{.*}} {factors = array<f32: 6.400000e+01, 2.560000e+02, 1.600000e+01, 4.000000e+00>} : tensor<4xf32>
// CHECK-NEXT:  qtrain.param_grad @c0.b, %[[SB0]] : tensor<4xf32>
// CHECK-NEXT:  func.return

// Regular conv2, 1 trained input channel: the gradient 4x1x1x1 still has all 4 output
// channels, so all 4 weight factors. Depthwise conv1, 2 trained channels: the first 2
// factors only, [4, 16].
// PART-LABEL: func.func @train_step
// PART-NOT:   qtrain.scale_channels
// PART:       qtrain.param_grad @fc.w, %{{[0-9]+}} : tensor<3x4xf32>
// PART-NEXT:  qtrain.param_grad @fc.b, %{{[0-9]+}} : tensor<3xf32>
// PART-NEXT:  %[[DW2:.*]] = qtrain.conv2d_grad_weight
// PART-NEXT:  %[[SW2:.*]] = qtrain.scale_channels %[[DW2]] {factors = array<f32: 6.400000e+01, 6.400000e+01, 1.600000e+01, 1.600000e+01>} : tensor<4x1x1x1xf32>
// PART-NEXT:  qtrain.param_grad @c2.w, %[[SW2]] : tensor<4x1x1x1xf32>
// PART-NEXT:  %[[SB2:.*]] = qtrain.scale_channels %{{.*}} {factors = array<f32: 1.024000e+03, 1.024000e+03, 2.560000e+02, 2.560000e+02>} : tensor<4xf32>
// PART-NEXT:  qtrain.param_grad @c2.b, %[[SB2]] : tensor<4xf32>
// PART-NEXT:  %[[DW1:.*]] = qtrain.conv2d_grad_weight
// PART-NEXT:  %[[SW1:.*]] = qtrain.scale_channels %[[DW1]] {factors = array<f32: 4.000000e+00, 1.600000e+01>} : tensor<2x1x3x3xf32>
// PART-NEXT:  qtrain.param_grad @c1.w, %[[SW1]] : tensor<2x1x3x3xf32>
// PART-NEXT:  func.return

// HEAD-LABEL: func.func @train_step
// HEAD-NOT:   qtrain.scale_channels
// HEAD:       qtrain.param_grad @fc.w, %{{[0-9]+}} : tensor<3x4xf32>
// HEAD-NEXT:  qtrain.param_grad @fc.b, %{{[0-9]+}} : tensor<3xf32>
// HEAD-NEXT:  func.return
