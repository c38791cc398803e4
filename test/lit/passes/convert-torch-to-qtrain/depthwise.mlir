// RUN: %tt-opt %s -p convert-torch-to-qtrain --split-input-file | %filecheck %s

// Depthwise 3x3 conv, stride 2, padding 1, groups = C_in = C_out = 2 (MobileNet's
// downsampling block): [1, 2, 4, 4] -> [1, 2, (4 + 2 - 3) / 2 + 1 = 2, 2], weight
// O x (C_in / groups) x 3 x 3 = 2x1x3x3.
//   s_x = 0.25, s_w = [0.5, 0.25]; bias scale s_w * s_x = [0.125, 0.0625]; b_q = [7, -7].
//   channel 0: [0.5, 1.0, ..., 4.5] / 0.5 = [1, 2, ..., 9]
//   channel 1: [-.25, 0, .25, -.5, 0, .5, -.25, 0, .25] / 0.25 = [-1, 0, 1, -2, 0, 2, -1, 0, 1]

// CHECK:       qtrain.param @dw.weight = dense<{{\[\[\[\[}}1, 2, 3], [4, 5, 6], [7, 8, 9]]], {{\[\[\[}}-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]]]> : tensor<2x1x3x3xi8>
// CHECK-NEXT:  qtrain.param @dw.bias = dense<[7, -7]> : tensor<2xi32>
// CHECK-LABEL: func.func @depthwise_s2(
// CHECK-SAME:  %[[X:.*]]: tensor<1x2x4x4x!qtrain.qi8<0.25, 0>>) -> tensor<1x2x2x2x!qtrain.qi8<0.5, -128>> {
// CHECK-NEXT:    %[[W:.*]] = qtrain.get_param @dw.weight : tensor<2x1x3x3xi8>
// CHECK-NEXT:    %[[B:.*]] = qtrain.get_param @dw.bias : tensor<2xi32>
// CHECK-NEXT:    %[[Y:.*]] = qtrain.conv2d %[[X]], %[[W]], %[[B]] {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 2 : i64, w_scales = array<f32: 5.000000e-01, 2.500000e-01>} : (tensor<1x2x4x4x!qtrain.qi8<0.25, 0>>, tensor<2x1x3x3xi8>, tensor<2xi32>) -> tensor<1x2x2x2x!qtrain.qi8<0.5, -128>>
// CHECK-NEXT:    func.return %[[Y]] : tensor<1x2x2x2x!qtrain.qi8<0.5, -128>>
// CHECK-NEXT:  }
// CHECK-NOT:   torch.

func.func @depthwise_s2(%x: !torch.vtensor<[1,2,4,4],f32>) -> !torch.vtensor<[1,2,2,2],f32> {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<-128> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %hi = torch.vtensor.literal(dense<127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %none = torch.constant.none
  %false = torch.constant.bool false
  %int2 = torch.constant.int 2 : i64
  %int6 = torch.constant.int 6 : i64
  %intm1 = torch.constant.int -1 : i64
  %intm127 = torch.constant.int -127 : i64
  %int127 = torch.constant.int 127 : i64
  %sx = torch.constant.float 2.500000e-01 : f64
  %sy = torch.constant.float 5.000000e-01 : f64
  %intm128 = torch.constant.int -128 : i64
  // %xq = fake_quantize_per_tensor_affine(%x, %sx, %int0, -128, 127)
  %xq_d = torch.aten.div.Scalar %x, %sx : !torch.vtensor<[1,2,4,4],f32>, !torch.float -> !torch.vtensor<[1,2,4,4],f32>
  %xq_r = torch.aten.round %xq_d : !torch.vtensor<[1,2,4,4],f32> -> !torch.vtensor<[1,2,4,4],f32>
  %xq_a = torch.aten.add.Scalar %xq_r, %int0, %int1 : !torch.vtensor<[1,2,4,4],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,4,4],f32>
  %xq_max = torch.aten.maximum %xq_a, %lo : !torch.vtensor<[1,2,4,4],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,4,4],f32>
  %xq_min = torch.aten.minimum %xq_max, %hi : !torch.vtensor<[1,2,4,4],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,4,4],f32>
  %xq_s = torch.aten.sub.Scalar %xq_min, %int0, %int1 : !torch.vtensor<[1,2,4,4],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,4,4],f32>
  %xq = torch.aten.mul.Scalar %xq_s, %sx : !torch.vtensor<[1,2,4,4],f32>, !torch.float -> !torch.vtensor<[1,2,4,4],f32>
  // QConv2d: %c_sum = convolution(%xq, fq_per_channel(%c_w)) + view(f32(%c_bq) * %c_bs)
  %c_w = torch.vtensor.literal(dense<[[[[0.5, 1.0, 1.5], [2.0, 2.5, 3.0], [3.5, 4.0, 4.5]]], [[[-0.25, 0.0, 0.25], [-0.5, 0.0, 0.5], [-0.25, 0.0, 0.25]]]]> : tensor<2x1x3x3xf32>) {tt.param_name = "dw.weight"} : !torch.vtensor<[2,1,3,3],f32>
  %c_ws = torch.vtensor.literal(dense<[0.5, 0.25]> : tensor<2xf32>) {tt.param_name = "dw.w_scales"} : !torch.vtensor<[2],f32>
  %c_wz = torch.vtensor.literal(dense<0> : tensor<2xsi32>) {tt.param_name = "dw.w_zero_points"} : !torch.vtensor<[2],si32>
  %c_bq = torch.vtensor.literal(dense<[7, -7]> : tensor<2xsi32>) {tt.param_name = "dw.bias_q"} : !torch.vtensor<[2],si32>
  %c_bs = torch.vtensor.literal(dense<[0.125, 0.0625]> : tensor<2xf32>) {tt.param_name = "dw.bias_scale"} : !torch.vtensor<[2],f32>
  %c_wq = torch.aten.fake_quantize_per_channel_affine %c_w, %c_ws, %c_wz, %int0, %intm127, %int127 : !torch.vtensor<[2,1,3,3],f32>, !torch.vtensor<[2],f32>, !torch.vtensor<[2],si32>, !torch.int, !torch.int, !torch.int -> !torch.vtensor<[2,1,3,3],f32>
  %c_stride = torch.prim.ListConstruct %int2, %int2 : (!torch.int, !torch.int) -> !torch.list<int>
  %c_pad = torch.prim.ListConstruct %int1, %int1 : (!torch.int, !torch.int) -> !torch.list<int>
  %c_dil = torch.prim.ListConstruct %int1, %int1 : (!torch.int, !torch.int) -> !torch.list<int>
  %c_opad = torch.prim.ListConstruct %int0, %int0 : (!torch.int, !torch.int) -> !torch.list<int>
  %c_conv = torch.aten.convolution %xq, %c_wq, %none, %c_stride, %c_pad, %c_dil, %false, %c_opad, %int2 : !torch.vtensor<[1,2,4,4],f32>, !torch.vtensor<[2,1,3,3],f32>, !torch.none, !torch.list<int>, !torch.list<int>, !torch.list<int>, !torch.bool, !torch.list<int>, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %c_bf = torch.aten.to.dtype %c_bq, %int6, %false, %false, %none : !torch.vtensor<[2],si32>, !torch.int, !torch.bool, !torch.bool, !torch.none -> !torch.vtensor<[2],f32>
  %c_bm = torch.aten.mul.Tensor %c_bf, %c_bs : !torch.vtensor<[2],f32>, !torch.vtensor<[2],f32> -> !torch.vtensor<[2],f32>
  %c_shape = torch.prim.ListConstruct %int1, %intm1, %int1, %int1 : (!torch.int, !torch.int, !torch.int, !torch.int) -> !torch.list<int>
  %c_bv = torch.aten.view %c_bm, %c_shape : !torch.vtensor<[2],f32>, !torch.list<int> -> !torch.vtensor<[1,2,1,1],f32>
  %c_sum = torch.aten.add.Tensor %c_conv, %c_bv, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1,2,1,1],f32>, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  // %y = fake_quantize_per_tensor_affine(%c_sum, %sy, %intm128, -128, 127)
  %y_d = torch.aten.div.Scalar %c_sum, %sy : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %y_r = torch.aten.round %y_d : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  %y_a = torch.aten.add.Scalar %y_r, %intm128, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %y_max = torch.aten.maximum %y_a, %lo : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %y_min = torch.aten.minimum %y_max, %hi : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %y_s = torch.aten.sub.Scalar %y_min, %intm128, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %y = torch.aten.mul.Scalar %y_s, %sy : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  func.return %y : !torch.vtensor<[1,2,2,2],f32>
}

// -----

// Depthwise 2x2, stride 2, no padding, 3 channels: [1, 3, 4, 4] -> [1, 3, 2, 2]. The
// weights are fake-quantized to [-128, 127] (the pass accepts that range as well as the
// symmetric [-127, 127] that QConv2d uses), so -128 is a valid int8 weight.
//   s_x = 1.0, s_w = [1.0, 0.5, 2.0] = bias scale; b_q = [0, 1, -1].
//   channel 0: [-128, 127, 0, 1] / 1.0   = [-128, 127, 0, 1]
//   channel 1: [-64, 63.5, 0.5, -0.5] / 0.5 = [-128, 127, 1, -1]
//   channel 2: [4, -4, 2, -2] / 2.0      = [2, -2, 1, -1]

// CHECK:       qtrain.param @conv0.weight = dense<{{\[\[\[\[}}-128, 127], [0, 1]]], {{\[\[\[}}-128, 127], [1, -1]]], {{\[\[\[}}2, -2], [1, -1]]]]> : tensor<3x1x2x2xi8>
// CHECK-NEXT:  qtrain.param @conv0.bias = dense<[0, 1, -1]> : tensor<3xi32>
// CHECK-LABEL: func.func @depthwise_2x2_s2(
// CHECK-SAME:  %[[X:.*]]: tensor<1x3x4x4x!qtrain.qi8<1.0, 0>>) -> tensor<1x3x2x2x!qtrain.qi8<2.0, 0>> {
// CHECK-NEXT:    %[[W:.*]] = qtrain.get_param @conv0.weight : tensor<3x1x2x2xi8>
// CHECK-NEXT:    %[[B:.*]] = qtrain.get_param @conv0.bias : tensor<3xi32>
// CHECK-NEXT:    %[[Y:.*]] = qtrain.conv2d %[[X]], %[[W]], %[[B]] {stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, groups = 3 : i64, w_scales = array<f32: 1.000000e+00, 5.000000e-01, 2.000000e+00>} : (tensor<1x3x4x4x!qtrain.qi8<1.0, 0>>, tensor<3x1x2x2xi8>, tensor<3xi32>) -> tensor<1x3x2x2x!qtrain.qi8<2.0, 0>>
// CHECK-NEXT:    func.return %[[Y]] : tensor<1x3x2x2x!qtrain.qi8<2.0, 0>>
// CHECK-NEXT:  }

func.func @depthwise_2x2_s2(%x: !torch.vtensor<[1,3,4,4],f32>) -> !torch.vtensor<[1,3,2,2],f32> {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<-128> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %hi = torch.vtensor.literal(dense<127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %none = torch.constant.none
  %false = torch.constant.bool false
  %int2 = torch.constant.int 2 : i64
  %int6 = torch.constant.int 6 : i64
  %intm1 = torch.constant.int -1 : i64
  %intm127 = torch.constant.int -127 : i64
  %int127 = torch.constant.int 127 : i64
  %intm128 = torch.constant.int -128 : i64
  %int3 = torch.constant.int 3 : i64
  %sx = torch.constant.float 1.000000e+00 : f64
  %sy = torch.constant.float 2.000000e+00 : f64
  // %xq = fake_quantize_per_tensor_affine(%x, %sx, %int0, -128, 127)
  %xq_d = torch.aten.div.Scalar %x, %sx : !torch.vtensor<[1,3,4,4],f32>, !torch.float -> !torch.vtensor<[1,3,4,4],f32>
  %xq_r = torch.aten.round %xq_d : !torch.vtensor<[1,3,4,4],f32> -> !torch.vtensor<[1,3,4,4],f32>
  %xq_a = torch.aten.add.Scalar %xq_r, %int0, %int1 : !torch.vtensor<[1,3,4,4],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,3,4,4],f32>
  %xq_max = torch.aten.maximum %xq_a, %lo : !torch.vtensor<[1,3,4,4],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,3,4,4],f32>
  %xq_min = torch.aten.minimum %xq_max, %hi : !torch.vtensor<[1,3,4,4],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,3,4,4],f32>
  %xq_s = torch.aten.sub.Scalar %xq_min, %int0, %int1 : !torch.vtensor<[1,3,4,4],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,3,4,4],f32>
  %xq = torch.aten.mul.Scalar %xq_s, %sx : !torch.vtensor<[1,3,4,4],f32>, !torch.float -> !torch.vtensor<[1,3,4,4],f32>
  // QConv2d: %c_sum = convolution(%xq, fq_per_channel(%c_w)) + view(f32(%c_bq) * %c_bs)
  %c_w = torch.vtensor.literal(dense<[[[[-128.0, 127.0], [0.0, 1.0]]], [[[-64.0, 63.5], [0.5, -0.5]]], [[[4.0, -4.0], [2.0, -2.0]]]]> : tensor<3x1x2x2xf32>) : !torch.vtensor<[3,1,2,2],f32>
  %c_ws = torch.vtensor.literal(dense<[1.0, 0.5, 2.0]> : tensor<3xf32>) : !torch.vtensor<[3],f32>
  %c_wz = torch.vtensor.literal(dense<0> : tensor<3xsi32>) : !torch.vtensor<[3],si32>
  %c_bq = torch.vtensor.literal(dense<[0, 1, -1]> : tensor<3xsi32>) : !torch.vtensor<[3],si32>
  %c_bs = torch.vtensor.literal(dense<[1.0, 0.5, 2.0]> : tensor<3xf32>) : !torch.vtensor<[3],f32>
  %c_wq = torch.aten.fake_quantize_per_channel_affine %c_w, %c_ws, %c_wz, %int0, %intm128, %int127 : !torch.vtensor<[3,1,2,2],f32>, !torch.vtensor<[3],f32>, !torch.vtensor<[3],si32>, !torch.int, !torch.int, !torch.int -> !torch.vtensor<[3,1,2,2],f32>
  %c_stride = torch.prim.ListConstruct %int2, %int2 : (!torch.int, !torch.int) -> !torch.list<int>
  %c_pad = torch.prim.ListConstruct %int0, %int0 : (!torch.int, !torch.int) -> !torch.list<int>
  %c_dil = torch.prim.ListConstruct %int1, %int1 : (!torch.int, !torch.int) -> !torch.list<int>
  %c_opad = torch.prim.ListConstruct %int0, %int0 : (!torch.int, !torch.int) -> !torch.list<int>
  %c_conv = torch.aten.convolution %xq, %c_wq, %none, %c_stride, %c_pad, %c_dil, %false, %c_opad, %int3 : !torch.vtensor<[1,3,4,4],f32>, !torch.vtensor<[3,1,2,2],f32>, !torch.none, !torch.list<int>, !torch.list<int>, !torch.list<int>, !torch.bool, !torch.list<int>, !torch.int -> !torch.vtensor<[1,3,2,2],f32>
  %c_bf = torch.aten.to.dtype %c_bq, %int6, %false, %false, %none : !torch.vtensor<[3],si32>, !torch.int, !torch.bool, !torch.bool, !torch.none -> !torch.vtensor<[3],f32>
  %c_bm = torch.aten.mul.Tensor %c_bf, %c_bs : !torch.vtensor<[3],f32>, !torch.vtensor<[3],f32> -> !torch.vtensor<[3],f32>
  %c_shape = torch.prim.ListConstruct %int1, %intm1, %int1, %int1 : (!torch.int, !torch.int, !torch.int, !torch.int) -> !torch.list<int>
  %c_bv = torch.aten.view %c_bm, %c_shape : !torch.vtensor<[3],f32>, !torch.list<int> -> !torch.vtensor<[1,3,1,1],f32>
  %c_sum = torch.aten.add.Tensor %c_conv, %c_bv, %int1 : !torch.vtensor<[1,3,2,2],f32>, !torch.vtensor<[1,3,1,1],f32>, !torch.int -> !torch.vtensor<[1,3,2,2],f32>
  // %y = fake_quantize_per_tensor_affine(%c_sum, %sy, %int0, -128, 127)
  %y_d = torch.aten.div.Scalar %c_sum, %sy : !torch.vtensor<[1,3,2,2],f32>, !torch.float -> !torch.vtensor<[1,3,2,2],f32>
  %y_r = torch.aten.round %y_d : !torch.vtensor<[1,3,2,2],f32> -> !torch.vtensor<[1,3,2,2],f32>
  %y_a = torch.aten.add.Scalar %y_r, %int0, %int1 : !torch.vtensor<[1,3,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,3,2,2],f32>
  %y_max = torch.aten.maximum %y_a, %lo : !torch.vtensor<[1,3,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,3,2,2],f32>
  %y_min = torch.aten.minimum %y_max, %hi : !torch.vtensor<[1,3,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,3,2,2],f32>
  %y_s = torch.aten.sub.Scalar %y_min, %int0, %int1 : !torch.vtensor<[1,3,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,3,2,2],f32>
  %y = torch.aten.mul.Scalar %y_s, %sy : !torch.vtensor<[1,3,2,2],f32>, !torch.float -> !torch.vtensor<[1,3,2,2],f32>
  func.return %y : !torch.vtensor<[1,3,2,2],f32>
}
