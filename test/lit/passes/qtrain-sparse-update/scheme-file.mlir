// Scheme files: the JSON is written from the RUN line, the pass reads it with scheme="PATH".
// RUN: echo '{"n_bias_update": 1, "weight_idx": [1, 2], "weight_ratio": [0.5, 0.25]}' > %t.mid.json
// RUN: %tt-opt %s -p 'qtrain-append-loss,qtrain-autodiff,qtrain-sparse-update{scheme="%t.mid.json" report=true}' 2> %t.report | %filecheck %s
// RUN: %filecheck %s --check-prefix=REPORT < %t.report
// RUN: echo '{"weight_idx": [0, 2], "weight_ratio": [0.5, 0]}' > %t.first.json
// RUN: %tt-opt %s -p 'qtrain-append-loss,qtrain-autodiff,qtrain-sparse-update{scheme="%t.first.json"}' | %filecheck %s --check-prefix=FIRST

// Partial-channel weight updates: a layer with ratio r trains the weights of its first
// max(1, floor(C * r)) channels, C = its input channels (= its channels, for a depthwise
// conv); the weight gradient reads a saved `qtrain.slice_channels` of the conv's input,
// inserted right after the op that produces that input.

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

// Scheme "mid": the bias of the last n_bias_update = 1 conv (conv2); the weights of
// conv1 (depthwise, 4 channels, ratio 0.5 -> 2 channels) and conv2 (4 input channels,
// ratio 0.25 -> 1 channel). A partially trained weight is still marked trainable as a whole.
// CHECK:      builtin.module {
// CHECK-NEXT:   qtrain.param @c0.w = dense<1> : tensor<4x2x3x3xi8>
// CHECK-NEXT:   qtrain.param @c0.b = dense<[1, 2, 3, 4]> : tensor<4xi32>
// CHECK-NEXT:   qtrain.param @c1.w trainable = dense<2> : tensor<4x1x3x3xi8>
// CHECK-NEXT:   qtrain.param @c1.b = dense<[5, 6, 7, 8]> : tensor<4xi32>
// CHECK-NEXT:   qtrain.param @c2.w trainable = dense<3> : tensor<4x4x1x1xi8>
// CHECK-NEXT:   qtrain.param @c2.b trainable = dense<[9, 10, 11, 12]> : tensor<4xi32>
// CHECK-NEXT:   qtrain.param @fc.w trainable
// CHECK-NEXT:   qtrain.param @fc.b trainable

// CHECK-LABEL: func.func @train_step
// conv0 does not train and nothing below it needs a gradient: its mask is dropped.
// CHECK:       %y0 = qtrain.conv2d %x, %w0, %b0 {{.*}} -> tensor<1x4x4x4x!qtrain.qi8<0.25, -128>>
// The first 2 of conv1's 4 input channels, saved right after conv0.
// CHECK-NEXT:  %[[S1:.*]] = qtrain.slice_channels %y0 : tensor<1x4x4x4x!qtrain.qi8<0.25, -128>> -> tensor<1x2x4x4x!qtrain.qi8<0.25, -128>>
// CHECK:       %y1, %[[M1:.*]] = qtrain.conv2d %y0, %w1, %b1
// The first 1 of conv2's 4 input channels, saved right after conv1.
// CHECK-NEXT:  %[[S2:.*]] = qtrain.slice_channels %y1 : tensor<1x4x4x4x!qtrain.qi8<0.25, -128>> -> tensor<1x1x4x4x!qtrain.qi8<0.25, -128>>
// CHECK:       %y2, %[[M2:.*]] = qtrain.conv2d %y1, %w2, %b2
// CHECK-NEXT:  %s, %{{.*}} = qtrain.add %y0, %y2
// The full-size weight gradients are gone (replaced by the sliced ones below).
// CHECK-NOT:   accumulate
// CHECK-NOT:   conv2d_grad_weight
// conv2: bias gradient and the input gradient towards conv1; conv1: no input gradient, no
// bias gradient (conv0 does not train), hence no accumulate with the add's lhs gradient.
// CHECK:       %[[G2:.*]] = qtrain.requant_grad %{{.*}} {multipliers = array<f32: 1.250000e-01, 1.250000e-01, 2.500000e-01, 2.500000e-01>}
// CHECK-NEXT:  %[[DY1:.*]] = qtrain.conv2d_grad_input %[[G2]], %w2
// CHECK-NEXT:  %[[DB2:.*]] = qtrain.conv2d_grad_bias %[[G2]]
// CHECK-NEXT:  %[[DY1M:.*]] = qtrain.clamp_grad %[[DY1]], %[[M1]]
// CHECK-NEXT:  %[[G1:.*]] = qtrain.requant_grad %[[DY1M]] {multipliers = array<f32: 5.000000e-01, 2.500000e-01, 1.250000e-01, 6.250000e-02>}
// CHECK-NEXT:  qtrain.param_grad @fc.w
// CHECK-NEXT:  qtrain.param_grad @fc.b
// conv2 (regular): dW is C_out x 1 x 1 x 1 = 4x1x1x1, from the 1-channel slice and all 4
// output channels' gradient.
// CHECK-NEXT:  %[[DW2:.*]] = qtrain.conv2d_grad_weight %[[S2]], %[[G2]] {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64} : (tensor<1x1x4x4x!qtrain.qi8<0.25, -128>>, tensor<1x4x4x4xf32>) -> tensor<4x1x1x1xf32>
// CHECK-NEXT:  qtrain.param_grad @c2.w, %[[DW2]] : tensor<4x1x1x1xf32>
// CHECK-NEXT:  qtrain.param_grad @c2.b, %[[DB2]] : tensor<4xf32>
// conv1 (depthwise, groups stay 4): dW is 2 x 1 x 3 x 3, the first 2 channels.
// CHECK-NEXT:  %[[DW1:.*]] = qtrain.conv2d_grad_weight %[[S1]], %[[G1]] {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 4 : i64} : (tensor<1x2x4x4x!qtrain.qi8<0.25, -128>>, tensor<1x4x4x4xf32>) -> tensor<2x1x3x3xf32>
// CHECK-NEXT:  qtrain.param_grad @c1.w, %[[DW1]] : tensor<2x1x3x3xf32>
// CHECK-NEXT:  func.return

// The report (stderr), scheme named after the file's stem. Bytes: int8 weights 1 byte per
// value, int32 biases and f32 head 4: c1.w 2*1*3*3 = 18, c2.w 4*1*1*1 = 4, c2.b 4*4 = 16,
// fc.w 3*4*4 = 48, fc.b 3*4 = 12; 18 + 4 + 16 + 48 + 12 = 98 bytes in 5 tensors.
// Forward ops: 3 conv2d, add, global_avgpool, dequantize, flatten, linear, cross-entropy = 9.
// Backward ops: loss grad, linear_grad_input, linear_grad_weight, sum_batch, reshape,
// dequantize_grad, global_avgpool_grad, clamp_grad (add), add_grad, clamp_grad +
// requant_grad + conv2d_grad_input + conv2d_grad_bias (conv2), clamp_grad + requant_grad
// (conv1), 2 conv2d_grad_weight = 17. Updates: 5 param_grad.
// REPORT:      training report for @train_step, scheme {{.*}}.mid
// REPORT-NEXT: layer  parameter                         shape             trained               bytes
// REPORT-NEXT: -----
// REPORT-NEXT:     1  c1.w                              4x1x3x3           2x1x3x3                  18
// REPORT-NEXT:     2  c2.w                              4x4x1x1           4x1x1x1                   4
// REPORT-NEXT:     2  c2.b                              4                 all                      16
// REPORT-NEXT:  head  fc.w                              3x4               all                      48
// REPORT-NEXT:  head  fc.b                              3                 all                      12
// REPORT-NEXT: -----
// REPORT-NEXT: trainable state: 98 bytes in 5 tensors; ops: 9 forward, 17 backward, 5 updates

// Scheme "first": no bias (n_bias_update defaults to 0); conv0 trains the weights of 1 of
// its 2 input channels; conv2's ratio 0 trains nothing. The slice of the function argument
// %x goes at the start of the function.
// FIRST:       qtrain.param @c0.w trainable = dense<1> : tensor<4x2x3x3xi8>
// FIRST-NEXT:  qtrain.param @c0.b = dense<[1, 2, 3, 4]> : tensor<4xi32>
// FIRST-NEXT:  qtrain.param @c1.w = dense<2> : tensor<4x1x3x3xi8>
// FIRST-NEXT:  qtrain.param @c1.b = dense<[5, 6, 7, 8]> : tensor<4xi32>
// FIRST-NEXT:  qtrain.param @c2.w = dense<3> : tensor<4x4x1x1xi8>
// FIRST-NEXT:  qtrain.param @c2.b = dense<[9, 10, 11, 12]> : tensor<4xi32>
// FIRST-LABEL: func.func @train_step
// FIRST-NEXT:  %[[S0:.*]] = qtrain.slice_channels %x : tensor<1x2x4x4x!qtrain.qi8<0.5, 0>> -> tensor<1x1x4x4x!qtrain.qi8<0.5, 0>>
// FIRST-NEXT:  %w0 = qtrain.get_param @c0.w
// The gradient reaches conv0 through both conv2 -> conv1 and the add: every mask is read.
// FIRST:       %y0, %{{.*}} = qtrain.conv2d %x, %w0, %b0
// No bias trains.
// FIRST-NOT:   conv2d_grad_bias
// FIRST:       %[[G0:.*]] = qtrain.requant_grad %{{.*}} {multipliers = array<f32: 5.000000e-01, 2.500000e-01, 1.000000e+00, 2.000000e+00>}
// FIRST-NEXT:  qtrain.param_grad @fc.w
// FIRST-NEXT:  qtrain.param_grad @fc.b
// conv0's dW: C_out x 1 x 3 x 3 = 4x1x3x3 from the 1-channel slice of %x.
// FIRST-NEXT:  %[[DW0:.*]] = qtrain.conv2d_grad_weight %[[S0]], %[[G0]] {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64} : (tensor<1x1x4x4x!qtrain.qi8<0.5, 0>>, tensor<1x4x4x4xf32>) -> tensor<4x1x3x3xf32>
// FIRST-NEXT:  qtrain.param_grad @c0.w, %[[DW0]] : tensor<4x1x3x3xf32>
// FIRST-NEXT:  func.return
