// RUN: %tt-opt %s -p 'qtrain-training{scheme="%S/Inputs/partial.json" classes=4 seed=3},qtrain-memory{algorithm=greedy-by-size}' -t c | %filecheck %s

// The training program of a small model: conv, depthwise conv, pooling and a new fp32
// head, trained with a sparse scheme (Inputs/partial.json: both biases, the leading
// input channel of c1.w and the leading channel of the depthwise c2.w).

qtrain.param @c1.w = dense<[[[[3]], [[-1]]], [[[-2]], [[1]]], [[[1]], [[2]]]]> : tensor<3x2x1x1xi8>
qtrain.param @c1.b = dense<[1, -2, 3]> : tensor<3xi32>
qtrain.param @c2.w = dense<[[[[1, -1, 2], [0, 2, 1], [-1, 1, 1]]], [[[2, 0, -1], [1, 1, 0], [0, -2, 1]]], [[[1, 1, 1], [0, 1, 0], [1, -1, 0]]]]> : tensor<3x1x3x3xi8>
qtrain.param @c2.b = dense<[0, 5, -3]> : tensor<3xi32>
func.func @main(%x: tensor<1x2x4x4x!qtrain.qi8<0.05, 3>>) -> tensor<1x3xf32> {
  %w1 = qtrain.get_param @c1.w : tensor<3x2x1x1xi8>
  %b1 = qtrain.get_param @c1.b : tensor<3xi32>
  %y = qtrain.conv2d %x, %w1, %b1 {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.1, 0.2, 0.15>} : (tensor<1x2x4x4x!qtrain.qi8<0.05, 3>>, tensor<3x2x1x1xi8>, tensor<3xi32>) -> tensor<1x3x4x4x!qtrain.qi8<0.02, -128>>
  %w2 = qtrain.get_param @c2.w : tensor<3x1x3x3xi8>
  %b2 = qtrain.get_param @c2.b : tensor<3xi32>
  %z = qtrain.conv2d %y, %w2, %b2 {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 3 : i64, w_scales = array<f32: 0.1, 0.1, 0.2>} : (tensor<1x3x4x4x!qtrain.qi8<0.02, -128>>, tensor<3x1x3x3xi8>, tensor<3xi32>) -> tensor<1x3x2x2x!qtrain.qi8<0.03, -100>>
  %p = qtrain.global_avgpool %z : tensor<1x3x2x2x!qtrain.qi8<0.03, -100>> -> tensor<1x3x1x1x!qtrain.qi8<0.03, -100>>
  %d = qtrain.dequantize %p : tensor<1x3x1x1x!qtrain.qi8<0.03, -100>> -> tensor<1x3x1x1xf32>
  %f = qtrain.flatten %d : tensor<1x3x1x1xf32> -> tensor<1x3xf32>
  func.return %f : tensor<1x3xf32>
}

// The partially trained weights are split: the trained channels in SRAM (with their
// initial values in flash), the frozen rest const in flash.
// CHECK:       /* @c1.w: 3x2x1x1 i8, split: the leading 1 of 2 input channels train.
// CHECK-NEXT:   * Trained part [3][1][1][1] (SRAM; initial values in flash), frozen part [3][1][1][1] (flash). */
// CHECK-NEXT:  static int8_t tt_p_c1_w[3] __attribute__((aligned(4)));
// CHECK-NEXT:  static const int8_t tt_p_c1_w_init[3] __attribute__((aligned(4))) = {
// CHECK-NEXT:      3, -2, 1
// CHECK:       static const int8_t tt_p_c1_w_frozen[3] __attribute__((aligned(4))) = {
// CHECK-NEXT:      -1, 1, 2
// CHECK:       /* @c2.w: 3x1x3x3 i8, split: the leading 1 of 3 channels train.
// CHECK-NEXT:   * Trained part [1][1][3][3] (SRAM; initial values in flash), frozen part [2][1][3][3] (flash). */
// CHECK-NEXT:  static int8_t tt_p_c2_w[9] __attribute__((aligned(4)));
// CHECK:       static const int8_t tt_p_c2_w_frozen[18] __attribute__((aligned(4))) = {

// The parameter table gathers / scatters the two parts of a split weight.
// The parameter structs (tt_types.h): the split weights as trained part, frozen part, split;
// the first conv (zero points 3 -> -128, 1x1) and the depthwise one (-128 -> -100,
// stride 2, pad 1, 3 groups); dims as (n, h, w, c); the depthwise weight update's
// gradient [1, 1, 3, 3] of the trained part [1, 1, 3, 3] and the regular one's [3, 1, 1, 1].
// CHECK-DAG:   static const tt_split_weight [[SPLIT1:tt_split[0-9]+]] = {tt_p_c1_w, tt_p_c1_w_frozen, 1};
// CHECK-DAG:   static const tt_split_weight [[SPLIT2:tt_split[0-9]+]] = {tt_p_c2_w, tt_p_c2_w_frozen, 1};
// CHECK-DAG:   static const tt_conv_params [[CONV1:tt_conv[0-9]+]] = {3, -128, {1, 1}, {0, 0, 0, 0}, 1};
// CHECK-DAG:   static const tt_conv_params [[CONV2:tt_conv[0-9]+]] = {-128, -100, {2, 2}, {1, 1, 1, 1}, 3};
// CHECK-DAG:   static const tt_dims [[W1DIMS:tt_dims[0-9]+]] = {3, 1, 1, 2};
// CHECK-DAG:   static const tt_dims [[W2DIMS:tt_dims[0-9]+]] = {3, 3, 3, 1};
// CHECK-DAG:   static const tt_conv_params [[UPDATE2:tt_conv[0-9]+]] = {-128, 0, {2, 2}, {1, 1, 1, 1}, 3};
// CHECK-DAG:   static const tt_dims [[G2DIMS:tt_dims[0-9]+]] = {1, 3, 3, 1};
// CHECK-DAG:   static const tt_conv_params [[UPDATE1:tt_conv[0-9]+]] = {3, 0, {1, 1}, {0, 0, 0, 0}, 1};
// CHECK-DAG:   static const tt_dims [[G1DIMS:tt_dims[0-9]+]] = {3, 1, 1, 1};
// CHECK:       static const tt_split_info tt_splits[] = {
// CHECK-NEXT:      {0, (uint8_t *)tt_p_c1_w, (const uint8_t *)tt_p_c1_w_frozen, 3, 1, 1}, /* @c1.w */
// CHECK-NEXT:      {2, (uint8_t *)tt_p_c2_w, (const uint8_t *)tt_p_c2_w_frozen, 1, 9, 18}, /* @c2.w */
// CHECK-NEXT:  };
// CHECK:       void tt_init(void)
// CHECK:       memcpy(tt_p_c1_w, tt_p_c1_w_init, sizeof tt_p_c1_w);

// Inference streams the conv into the depthwise conv through a scratch buffer (in
// @main the trained layers are fused too): each split weight as its two parts.
// CHECK:       void tt_infer(const int8_t *image, float *logits)
// CHECK:       tt_conv2d_dw_split_s8(&[[CONV1]], &[[QUANT1:tt_quant[0-9]+]], &[[CONV2]], &[[QUANT2:tt_quant[0-9]+]],
// CHECK-SAME:      TT_S8({{[0-9]+}}), &[[W1DIMS]],
// CHECK-NEXT:      &[[SPLIT1]], tt_p_c1_b, &[[W2DIMS]], &[[SPLIT2]], tt_p_c2_b,

// CHECK:       void tt_train_step(const int8_t *image, int32_t label, float *loss)
// CHECK:       memcpy(TT_U8([[IMAGE:[0-9]+]]), image, 32); /* argument image: 1x2x4x4 qi8 */
// CHECK-NEXT:  TT_ARENA_STEP(tt_dbg_train_step, 0);
// CHECK-NEXT:  memcpy(TT_U8([[LABEL:[0-9]+]]), &label, 4); /* argument label: 1 i32 */
// CHECK-NEXT:  TT_ARENA_STEP(tt_dbg_train_step, 1);
// CHECK-NEXT:  /* %y = qtrain.conv2d -> 1x3x4x4 qi8, 1x3x4x4 i1 */
// CHECK-NEXT:  tt_conv2d_split_s8(&[[CONV1]], &[[QUANT1]], &{{tt_dims[0-9]+}}, TT_S8([[IMAGE]]), &[[W1DIMS]], &[[SPLIT1]], tt_p_c1_b,
// CHECK:       tt_softmax_cross_entropy_f32(TT_F32([[LOGITS:[0-9]+]]), TT_I32([[LABEL]]), TT_F32([[LOSS:[0-9]+]]), 1, 4);

// The fp32 head: plain SGD steps on the parameter arrays, lr as exact f32 constants.
// CHECK:       tt_sgd_update_f32(tt_p_head_bias, TT_F32({{[0-9]+}}), 0x1.a36e2ep-12f /* 0.0004 */, 4);
// CHECK:       tt_sgd_update_f32(tt_p_head_weight, TT_F32({{[0-9]+}}), 0x1.a36e2ep-11f /* 0.0008 */, 12);

// The input gradient through the depthwise conv reads both parts of its weight.
// CHECK:       tt_conv2d_grad_input_split_f32(&{{tt_conv[0-9]+}}, &{{tt_dims[0-9]+}}, &[[W2DIMS]], TT_F32({{[0-9]+}}), &[[SPLIT2]],

// int8 weights: the fused gradient + QAS + SGD kernel on the trained array: [1, 1, 3, 3]
// for the depthwise c2.w (weight_channels 1), [3, 1, 1, 1] for c1.w (weight_channels 1).
// CHECK:       /* qtrain.conv2d_weight_update @c2.w (1x1x3x3 of 3x1x3x3, split: trained part): weight gradient, QAS and SGD in one pass */
// CHECK-NEXT:  tt_saturated += tt_conv2d_weight_update_s8(&[[UPDATE2]], &{{tt_dims[0-9]+}}, TT_S8({{[0-9]+}}), &[[G2DIMS]],
// CHECK-NEXT:      TT_F32({{[0-9]+}}), {{tt_k[0-9]+}}, 0x1.a36e2ep-11f /* 0.0008 */,
// CHECK-NEXT:      &[[G2DIMS]], tt_p_c2_w);
// CHECK:       tt_saturated += tt_sgd_update_s32(tt_p_c1_b, TT_F32({{[0-9]+}}), 0x1.a36e2ep-12f /* 0.0004 */, 3);
// CHECK:       /* qtrain.conv2d_weight_update @c1.w (3x1x1x1 of 3x2x1x1, split: trained part): weight gradient, QAS and SGD in one pass */
// CHECK-NEXT:  tt_saturated += tt_conv2d_weight_update_s8(&[[UPDATE1]], &{{tt_dims[0-9]+}}, TT_S8({{[0-9]+}}), &[[G1DIMS]],
// CHECK-NEXT:      TT_F32({{[0-9]+}}), {{tt_k[0-9]+}}, 0x1.a36e2ep-11f /* 0.0008 */,
// CHECK-NEXT:      &[[G1DIMS]], tt_p_c1_w);
// CHECK:       memcpy(loss, TT_U8([[LOSS]]), 4); /* result loss: scalar f32 */
// CHECK-NEXT:  TT_ARENA_STEP(tt_dbg_train_step, {{[0-9]+}});
// CHECK-NEXT:  }
