// RUN: %tt-opt %s -p 'qtrain-training{scheme=last-k k=1 qas=true classes=3 seed=0 lr=0.5 lr-bias=0.25 report=true}' 2> %t.report | %filecheck %s
// RUN: %filecheck %s --check-prefix=REPORT < %t.report
// The pipeline pass is exactly its passes run one after the other.
// RUN: %tt-opt %s -p 'qtrain-training{scheme=last-k k=1 qas=true classes=3 seed=0 lr=0.5 lr-bias=0.25}' > %t.pipeline
// RUN: %tt-opt %s -p 'qtrain-new-head{classes=3 seed=0},qtrain-append-loss,qtrain-autodiff,qtrain-sparse-update{scheme=last-k k=1},qtrain-qas,qtrain-sgd{lr=0.5 lr-bias=0.25}' > %t.passes
// RUN: diff %t.pipeline %t.passes
// Without report=true nothing is printed on stderr.
// RUN: %tt-opt %s -p 'qtrain-training{scheme=last-k k=1 classes=3}' 2>&1 | %filecheck %s --check-prefix=NOREPORT
// bias-only without QAS, default learning rates.
// RUN: %tt-opt %s -p 'qtrain-training{scheme=bias-only qas=false classes=3}' | %filecheck %s --check-prefix=BIAS

// qtrain-training: new fp32 head (3 classes), @train_step with the loss, backward pass,
// sparse update (last-k k=1: the depthwise conv1 and the head), QAS, SGD.

// The model: conv0 (3x3, 2 -> 4, pad 1) -> conv1 (3x3 depthwise, pad 1), a residual add of
// both outputs, avgpool, and the pretrained int8 classifier (1x1 conv, 4 -> 5 classes) on
// the pooled features. After the new head, the scheme sees two layers: conv0 = 0, conv1 = 1.
// Requantization multipliers eff = s_x * s_w / s_y:
//   conv0: 0.5 * 0.25 / 0.25 = 0.5 per channel
//   conv1: 0.25 * [0.5, 0.25, 0.125, 0.0625] / 0.25 = [0.5, 0.25, 0.125, 0.0625]
// and the add's factors are 0.25 / 0.5 = 0.5 for both operands.

qtrain.param @c0.w = dense<1> : tensor<4x2x3x3xi8>
qtrain.param @c0.b = dense<[1, 2, 3, 4]> : tensor<4xi32>
qtrain.param @c1.w = dense<2> : tensor<4x1x3x3xi8>
qtrain.param @c1.b = dense<[5, 6, 7, 8]> : tensor<4xi32>
qtrain.param @cls.w = dense<1> : tensor<5x4x1x1xi8>
qtrain.param @cls.b = dense<[1, 2, 3, 4, 5]> : tensor<5xi32>
func.func @main(%x: tensor<1x2x4x4x!qtrain.qi8<0.5, 0>>) -> tensor<1x5x1x1x!qtrain.qi8<0.125, 0>> {
  %w0 = qtrain.get_param @c0.w : tensor<4x2x3x3xi8>
  %b0 = qtrain.get_param @c0.b : tensor<4xi32>
  %y0 = qtrain.conv2d %x, %w0, %b0 {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.25, 0.25, 0.25, 0.25>} : (tensor<1x2x4x4x!qtrain.qi8<0.5, 0>>, tensor<4x2x3x3xi8>, tensor<4xi32>) -> tensor<1x4x4x4x!qtrain.qi8<0.25, -128>>
  %w1 = qtrain.get_param @c1.w : tensor<4x1x3x3xi8>
  %b1 = qtrain.get_param @c1.b : tensor<4xi32>
  %y1 = qtrain.conv2d %y0, %w1, %b1 {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 4 : i64, w_scales = array<f32: 0.5, 0.25, 0.125, 0.0625>} : (tensor<1x4x4x4x!qtrain.qi8<0.25, -128>>, tensor<4x1x3x3xi8>, tensor<4xi32>) -> tensor<1x4x4x4x!qtrain.qi8<0.25, -128>>
  %s = qtrain.add %y0, %y1 : (tensor<1x4x4x4x!qtrain.qi8<0.25, -128>>, tensor<1x4x4x4x!qtrain.qi8<0.25, -128>>) -> tensor<1x4x4x4x!qtrain.qi8<0.5, -128>>
  %p = qtrain.global_avgpool %s : tensor<1x4x4x4x!qtrain.qi8<0.5, -128>> -> tensor<1x4x1x1x!qtrain.qi8<0.5, -128>>
  %cw = qtrain.get_param @cls.w : tensor<5x4x1x1xi8>
  %cb = qtrain.get_param @cls.b : tensor<5xi32>
  %l = qtrain.conv2d %p, %cw, %cb {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.5, 0.5, 0.5, 0.5, 0.5>} : (tensor<1x4x1x1x!qtrain.qi8<0.5, -128>>, tensor<5x4x1x1xi8>, tensor<5xi32>) -> tensor<1x5x1x1x!qtrain.qi8<0.125, 0>>
  func.return %l : tensor<1x5x1x1x!qtrain.qi8<0.125, 0>>
}

// Parameters: conv0 frozen; conv1 and the new head trainable; the int8 classifier is gone.
// CHECK:      builtin.module {
// CHECK-NEXT:   qtrain.param @c0.w = dense<1> : tensor<4x2x3x3xi8>
// CHECK-NEXT:   qtrain.param @c0.b = dense<[1, 2, 3, 4]> : tensor<4xi32>
// CHECK-NEXT:   qtrain.param @c1.w trainable = dense<2> : tensor<4x1x3x3xi8>
// CHECK-NEXT:   qtrain.param @c1.b trainable = dense<[5, 6, 7, 8]> : tensor<4xi32>
// CHECK-NEXT:   qtrain.param @head.weight trainable = dense<{{.*}}> : tensor<3x4xf32>
// CHECK-NEXT:   qtrain.param @head.bias trainable = dense<{{.*}}> : tensor<3xf32>
// CHECK-NOT:  @cls

// @main: inference with the new head, no masks, no training ops.
// CHECK-LABEL: func.func @main(%x: tensor<1x2x4x4x!qtrain.qi8<0.5, 0>>) -> tensor<1x3xf32> {
// CHECK-NOT:   xi1>
// CHECK:       %[[D:.*]] = qtrain.dequantize %p
// CHECK-NEXT:  %[[F:.*]] = qtrain.flatten %[[D]]
// CHECK-NEXT:  %[[W:.*]] = qtrain.get_param @head.weight
// CHECK-NEXT:  %[[B:.*]] = qtrain.get_param @head.bias
// CHECK-NEXT:  %[[L:.*]] = qtrain.linear %[[F]], %[[W]], %[[B]] : (tensor<1x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<1x3xf32>
// CHECK-NEXT:  func.return %[[L]] : tensor<1x3xf32>
// CHECK-NEXT:  }

// @train_step(image, label) -> loss, the whole function.
// CHECK-LABEL: func.func @train_step
// CHECK-SAME:  (%x: tensor<1x2x4x4x!qtrain.qi8<0.5, 0>>, %[[LABEL:[^:]*]]: tensor<1xi32>) -> tensor<f32> {
// CHECK-NEXT:  %w0 = qtrain.get_param @c0.w
// CHECK-NEXT:  %b0 = qtrain.get_param @c0.b
// conv0 trains nothing and nothing below it needs a gradient: no mask.
// CHECK-NEXT:  %y0 = qtrain.conv2d %x, %w0, %b0 {{.*}} -> tensor<1x4x4x4x!qtrain.qi8<0.25, -128>>
// CHECK-NEXT:  %w1 = qtrain.get_param @c1.w
// CHECK-NEXT:  %b1 = qtrain.get_param @c1.b
// CHECK-NEXT:  %y1, %[[M1:.*]] = qtrain.conv2d %y0, %w1, %b1 {{.*}} -> (tensor<1x4x4x4x!qtrain.qi8<0.25, -128>>, tensor<1x4x4x4xi1>)
// CHECK-NEXT:  %s, %[[MS:.*]] = qtrain.add %y0, %y1
// CHECK-NEXT:  %p = qtrain.global_avgpool %s
// CHECK-NEXT:  %[[D:.*]] = qtrain.dequantize %p
// CHECK-NEXT:  %[[F:.*]] = qtrain.flatten %[[D]]
// CHECK-NEXT:  %[[W:.*]] = qtrain.get_param @head.weight
// CHECK-NEXT:  %[[B:.*]] = qtrain.get_param @head.bias
// CHECK-NEXT:  %[[L:.*]] = qtrain.linear %[[F]], %[[W]], %[[B]]
// CHECK-NEXT:  %[[LOSS:.*]] = qtrain.softmax_cross_entropy %[[L]], %[[LABEL]] : (tensor<1x3xf32>, tensor<1xi32>) -> tensor<f32>
// CHECK-NEXT:  %[[DL:.*]] = qtrain.softmax_cross_entropy_grad %[[L]], %[[LABEL]]
// CHECK-NEXT:  %[[DF:.*]] = qtrain.linear_grad_input %[[DL]], %[[W]]
// CHECK-NEXT:  %[[DW:.*]] = qtrain.linear_grad_weight %[[DL]], %[[F]]
// CHECK-NEXT:  %[[DB:.*]] = qtrain.sum_batch %[[DL]]
// CHECK-NEXT:  %[[DD:.*]] = qtrain.reshape %[[DF]] : tensor<1x4xf32> -> tensor<1x4x1x1xf32>
// The pooled features' scale is 0.5.
// CHECK-NEXT:  %[[DP:.*]] = qtrain.dequantize_grad %[[DD]] {scale = 5.000000e-01 : f64}
// CHECK-NEXT:  %[[DS:.*]] = qtrain.global_avgpool_grad %[[DP]] : tensor<1x4x1x1xf32> -> tensor<1x4x4x4xf32>
// CHECK-NEXT:  %[[DSM:.*]] = qtrain.clamp_grad %[[DS]], %[[MS]]
// CHECK-NEXT:  %{{.*}}, %[[DY1:.*]] = qtrain.add_grad %[[DSM]] {lhs_factor = 5.000000e-01 : f32, rhs_factor = 5.000000e-01 : f32}
// CHECK-NEXT:  %[[DY1M:.*]] = qtrain.clamp_grad %[[DY1]], %[[M1]]
// CHECK-NEXT:  %[[G1:.*]] = qtrain.requant_grad %[[DY1M]] {multipliers = array<f32: 5.000000e-01, 2.500000e-01, 1.250000e-01, 6.250000e-02>}
// CHECK-NEXT:  %[[DB1:.*]] = qtrain.conv2d_grad_bias %[[G1]]
// Head updates: lr = 0.5 for the weight, lr-bias = 0.25 for the bias; no QAS on fp32.
// CHECK-NEXT:  qtrain.sgd_update @head.weight, %[[DW]] {lr = 5.000000e-01 : f32} : tensor<3x4xf32>
// CHECK-NEXT:  qtrain.sgd_update @head.bias, %[[DB]] {lr = 2.500000e-01 : f32} : tensor<3xf32>
// conv1 (depthwise, all 4 channels). QAS with s_x = 0.25, s_w = [0.5, 0.25, 0.125, 0.0625]:
// weight 1/s_w^2 = [4, 16, 64, 256]; bias 1/(s_w*s_x)^2 = 1/[1/8, 1/16, 1/32, 1/64]^2
// = [64, 256, 1024, 4096].
// CHECK-NEXT:  %[[DW1:.*]] = qtrain.conv2d_grad_weight %y0, %[[G1]] {{.*}} groups = 4 : i64} {{.*}} -> tensor<4x1x3x3xf32>
// CHECK-NEXT:  %[[SW1:.*]] = qtrain.scale_channels %[[DW1]] {factors = array<f32: 4.000000e+00, 1.600000e+01, 6.400000e+01, 2.560000e+02>} : tensor<4x1x3x3xf32>
// CHECK-NEXT:  qtrain.sgd_update @c1.w, %[[SW1]] {lr = 5.000000e-01 : f32} : tensor<4x1x3x3xf32>
// CHECK-NEXT:  %[[SB1:.*]] = qtrain.scale_channels %[[DB1]] {factors = array<f32: 6.400000e+01, 2.560000e+02, 1.024000e+03, 4.096000e+03>} : tensor<4xf32>
// CHECK-NEXT:  qtrain.sgd_update @c1.b, %[[SB1]] {lr = 2.500000e-01 : f32} : tensor<4xf32>
// CHECK-NEXT:  func.return %[[LOSS]] : tensor<f32>
// CHECK-NEXT:  }
// CHECK-NEXT: }

// The report is printed by the sparse-update step, i.e. before QAS and SGD: its backward
// count has no scale_channels yet, and its updates are the 4 param_grad sinks.
// Bytes: c1.w 4*1*3*3 int8 = 36, c1.b 4 int32 = 16, head.weight 3*4 f32 = 48, head.bias
// 3 f32 = 12; total 112 in 4 tensors. Forward: 2 conv2d, add, global_avgpool, dequantize,
// flatten, linear, cross-entropy = 8. Backward: loss grad, linear_grad_input,
// linear_grad_weight, sum_batch, reshape, dequantize_grad, global_avgpool_grad, clamp_grad
// + add_grad (add), clamp_grad + requant_grad + conv2d_grad_bias + conv2d_grad_weight
// (conv1) = 13.
// REPORT:      training report for @train_step, scheme last-1
// REPORT-NEXT: layer  parameter                         shape             trained               bytes
// REPORT-NEXT: -----
// REPORT-NEXT:     1  c1.w                              4x1x3x3           all                      36
// REPORT-NEXT:     1  c1.b                              4                 all                      16
// REPORT-NEXT:  head  head.weight                       3x4               all                      48
// REPORT-NEXT:  head  head.bias                         3                 all                      12
// REPORT-NEXT: -----
// REPORT-NEXT: trainable state: 112 bytes in 4 tensors; ops: 8 forward, 13 backward, 4 updates
// REPORT-NOT:  {{.}}

// NOREPORT-NOT: training report
// NOREPORT:     builtin.module {
// NOREPORT-NOT: training report

// bias-only: both conv biases and the head train, with the default lr 8e-4 / lr-bias 4e-4,
// unscaled (qas=false).
// BIAS:        qtrain.param @c0.w = dense<1>
// BIAS-NEXT:   qtrain.param @c0.b trainable
// BIAS-NEXT:   qtrain.param @c1.w = dense<2>
// BIAS-NEXT:   qtrain.param @c1.b trainable
// BIAS-NEXT:   qtrain.param @head.weight trainable
// BIAS-NEXT:   qtrain.param @head.bias trainable
// BIAS-LABEL:  func.func @train_step
// BIAS-NOT:    qtrain.scale_channels
// BIAS-NOT:    conv2d_grad_weight
// BIAS:        qtrain.sgd_update @head.weight, %{{.*}} {lr = 8.000000e-04 : f32} : tensor<3x4xf32>
// BIAS-NEXT:   qtrain.sgd_update @head.bias, %{{.*}} {lr = 4.000000e-04 : f32} : tensor<3xf32>
// BIAS-NEXT:   qtrain.sgd_update @c1.b, %{{.*}} {lr = 4.000000e-04 : f32} : tensor<4xf32>
// BIAS-NEXT:   qtrain.sgd_update @c0.b, %{{.*}} {lr = 4.000000e-04 : f32} : tensor<4xf32>
// BIAS-NEXT:   func.return
