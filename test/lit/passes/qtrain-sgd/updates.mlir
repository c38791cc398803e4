// RUN: %tt-opt %s -p 'qtrain-append-loss,qtrain-autodiff,qtrain-sparse-update{scheme=last-k k=1},qtrain-sgd{lr=0.5 lr-bias=0.25}' | %filecheck %s
// The published defaults: lr = 8e-4, lr-bias = 4e-4.
// RUN: %tt-opt %s -p 'qtrain-append-loss,qtrain-autodiff,qtrain-sparse-update{scheme=last-k k=1},qtrain-sgd' | %filecheck %s --check-prefix=DEFAULT
// A partial-channel weight: the update takes the sliced gradient (conv1: first 2 channels).
// RUN: echo '{"weight_idx": [1], "weight_ratio": [0.5]}' > %t.json
// RUN: %tt-opt %s -p 'qtrain-append-loss,qtrain-autodiff,qtrain-sparse-update{scheme="%t.json"},qtrain-qas,qtrain-sgd{lr=0.5 lr-bias=0.25}' | %filecheck %s --check-prefix=PART

// Every qtrain.param_grad sink becomes a qtrain.sgd_update of the same parameter with the
// same gradient: lr for weights (rank > 1: int8 conv weights, the fp32 head weight), lr-bias
// for biases (rank 1: int32 conv biases, the fp32 head bias). last-k k=1 trains conv2 and
// the head.

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

// The trainable flags set by qtrain-sparse-update are kept.
// CHECK:       qtrain.param @c2.w trainable
// CHECK-NEXT:  qtrain.param @c2.b trainable
// CHECK-NEXT:  qtrain.param @fc.w trainable
// CHECK-NEXT:  qtrain.param @fc.b trainable
// CHECK-LABEL: func.func @train_step
// CHECK:       %[[DFW:.*]] = qtrain.linear_grad_weight
// CHECK-NEXT:  %[[DFB:.*]] = qtrain.sum_batch
// CHECK-NOT:   qtrain.param_grad
// CHECK:       %[[DB2:.*]] = qtrain.conv2d_grad_bias
// lr = 0.5 = 5.000000e-01 for weights, lr-bias = 0.25 = 2.500000e-01 for biases (f32).
// CHECK-NEXT:  qtrain.sgd_update @fc.w, %[[DFW]] {lr = 5.000000e-01 : f32} : tensor<3x4xf32>
// CHECK-NEXT:  qtrain.sgd_update @fc.b, %[[DFB]] {lr = 2.500000e-01 : f32} : tensor<3xf32>
// CHECK-NEXT:  %[[DW2:.*]] = qtrain.conv2d_grad_weight %y1
// CHECK-NEXT:  qtrain.sgd_update @c2.w, %[[DW2]] {lr = 5.000000e-01 : f32} : tensor<4x4x1x1xf32>
// CHECK-NEXT:  qtrain.sgd_update @c2.b, %[[DB2]] {lr = 2.500000e-01 : f32} : tensor<4xf32>
// CHECK-NEXT:  func.return

// DEFAULT-LABEL: func.func @train_step
// DEFAULT-NOT:   qtrain.param_grad
// DEFAULT:       qtrain.sgd_update @fc.w, %{{.*}} {lr = 8.000000e-04 : f32} : tensor<3x4xf32>
// DEFAULT-NEXT:  qtrain.sgd_update @fc.b, %{{.*}} {lr = 4.000000e-04 : f32} : tensor<3xf32>
// DEFAULT-NEXT:  qtrain.conv2d_grad_weight
// DEFAULT-NEXT:  qtrain.sgd_update @c2.w, %{{.*}} {lr = 8.000000e-04 : f32} : tensor<4x4x1x1xf32>
// DEFAULT-NEXT:  qtrain.sgd_update @c2.b, %{{.*}} {lr = 4.000000e-04 : f32} : tensor<4xf32>
// DEFAULT-NEXT:  func.return

// After QAS the update reads the scaled gradient, of the leading 2x1x3x3 slice of @c1.w
// (conv1 weight factors 1/s_w^2 = [4, 16] for its first 2 channels).
// PART-LABEL: func.func @train_step
// PART:       %[[S:.*]] = qtrain.scale_channels %{{.*}} {factors = array<f32: 4.000000e+00, 1.600000e+01>} : tensor<2x1x3x3xf32>
// PART-NEXT:  qtrain.sgd_update @c1.w, %[[S]] {lr = 5.000000e-01 : f32} : tensor<2x1x3x3xf32>
// PART-NEXT:  func.return
