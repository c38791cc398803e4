// RUN: %tt-opt %s -p convert-torch-to-qtrain --split-input-file | %filecheck %s

// Conv pattern: fq(conv(x, fq_per_channel(W)) + view(f32(b_q) * bias_scale)) -> qtrain.conv2d,
// exactly as fakequant.QConv2d exports it. Pointwise 1x1, 2 -> 3 channels.
//
// Input x: fq(arg, 0.5, -1). Per-channel weight scales s_w = [0.25, 0.5, 0.125]; the f32
// weight literal holds W_q * s_w[c] exactly, so the pass recovers W_q = literal / s_w[c]:
//   channel 0: [0.25, -0.5]      / 0.25  = [1, -2]
//   channel 1: [1.5, 2.0]        / 0.5   = [3, 4]
//   channel 2: [-15.875, 15.875] / 0.125 = [-127, 127]   (the symmetric int8 extremes)
// The int32 bias b_q = [10, -20, 300] is taken unchanged from the si32 literal that
// to.dtype converts; its scale literal must be s_w * s_x = [0.125, 0.25, 0.0625].
// Both parameters are named after the weight literal's `tt.param_name` ("conv.weight" ->
// @conv.weight, @conv.bias). The output fq(., 0.25, 3) is the result type.

// CHECK:       qtrain.param @conv.weight = dense<{{\[\[\[\[}}1]], {{\[\[}}-2]]], {{\[\[\[}}3]], {{\[\[}}4]]], {{\[\[\[}}-127]], {{\[\[}}127]]]]> : tensor<3x2x1x1xi8>
// CHECK-NEXT:  qtrain.param @conv.bias = dense<[10, -20, 300]> : tensor<3xi32>
// CHECK-LABEL: func.func @pointwise(
// CHECK-SAME:  %[[X:.*]]: tensor<1x2x4x4x!qtrain.qi8<0.5, -1>>) -> tensor<1x3x4x4x!qtrain.qi8<0.25, 3>> {
// CHECK-NEXT:    %[[W:.*]] = qtrain.get_param @conv.weight : tensor<3x2x1x1xi8>
// CHECK-NEXT:    %[[B:.*]] = qtrain.get_param @conv.bias : tensor<3xi32>
// CHECK-NEXT:    %[[Y:.*]] = qtrain.conv2d %[[X]], %[[W]], %[[B]] {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 2.500000e-01, 5.000000e-01, 1.250000e-01>} : (tensor<1x2x4x4x!qtrain.qi8<0.5, -1>>, tensor<3x2x1x1xi8>, tensor<3xi32>) -> tensor<1x3x4x4x!qtrain.qi8<0.25, 3>>
// CHECK-NEXT:    func.return %[[Y]] : tensor<1x3x4x4x!qtrain.qi8<0.25, 3>>
// CHECK-NEXT:  }
// CHECK-NOT:   torch.

func.func @pointwise(%x: !torch.vtensor<[1,2,4,4],f32>) -> !torch.vtensor<[1,3,4,4],f32> {
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
  %sx = torch.constant.float 5.000000e-01 : f64
  %sy = torch.constant.float 2.500000e-01 : f64
  %int3 = torch.constant.int 3 : i64
  // %xq = fake_quantize_per_tensor_affine(%x, %sx, %intm1, -128, 127)
  %xq_d = torch.aten.div.Scalar %x, %sx : !torch.vtensor<[1,2,4,4],f32>, !torch.float -> !torch.vtensor<[1,2,4,4],f32>
  %xq_r = torch.aten.round %xq_d : !torch.vtensor<[1,2,4,4],f32> -> !torch.vtensor<[1,2,4,4],f32>
  %xq_a = torch.aten.add.Scalar %xq_r, %intm1, %int1 : !torch.vtensor<[1,2,4,4],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,4,4],f32>
  %xq_max = torch.aten.maximum %xq_a, %lo : !torch.vtensor<[1,2,4,4],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,4,4],f32>
  %xq_min = torch.aten.minimum %xq_max, %hi : !torch.vtensor<[1,2,4,4],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,4,4],f32>
  %xq_s = torch.aten.sub.Scalar %xq_min, %intm1, %int1 : !torch.vtensor<[1,2,4,4],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,4,4],f32>
  %xq = torch.aten.mul.Scalar %xq_s, %sx : !torch.vtensor<[1,2,4,4],f32>, !torch.float -> !torch.vtensor<[1,2,4,4],f32>
  // QConv2d: %c_sum = convolution(%xq, fq_per_channel(%c_w)) + view(f32(%c_bq) * %c_bs)
  %c_w = torch.vtensor.literal(dense<[[[[0.25]], [[-0.5]]], [[[1.5]], [[2.0]]], [[[-15.875]], [[15.875]]]]> : tensor<3x2x1x1xf32>) {tt.param_name = "conv.weight"} : !torch.vtensor<[3,2,1,1],f32>
  %c_ws = torch.vtensor.literal(dense<[0.25, 0.5, 0.125]> : tensor<3xf32>) {tt.param_name = "conv.w_scales"} : !torch.vtensor<[3],f32>
  %c_wz = torch.vtensor.literal(dense<0> : tensor<3xsi32>) {tt.param_name = "conv.w_zero_points"} : !torch.vtensor<[3],si32>
  %c_bq = torch.vtensor.literal(dense<[10, -20, 300]> : tensor<3xsi32>) {tt.param_name = "conv.bias_q"} : !torch.vtensor<[3],si32>
  %c_bs = torch.vtensor.literal(dense<[0.125, 0.25, 0.0625]> : tensor<3xf32>) {tt.param_name = "conv.bias_scale"} : !torch.vtensor<[3],f32>
  %c_wq = torch.aten.fake_quantize_per_channel_affine %c_w, %c_ws, %c_wz, %int0, %intm127, %int127 : !torch.vtensor<[3,2,1,1],f32>, !torch.vtensor<[3],f32>, !torch.vtensor<[3],si32>, !torch.int, !torch.int, !torch.int -> !torch.vtensor<[3,2,1,1],f32>
  %c_stride = torch.prim.ListConstruct %int1, %int1 : (!torch.int, !torch.int) -> !torch.list<int>
  %c_pad = torch.prim.ListConstruct %int0, %int0 : (!torch.int, !torch.int) -> !torch.list<int>
  %c_dil = torch.prim.ListConstruct %int1, %int1 : (!torch.int, !torch.int) -> !torch.list<int>
  %c_opad = torch.prim.ListConstruct %int0, %int0 : (!torch.int, !torch.int) -> !torch.list<int>
  %c_conv = torch.aten.convolution %xq, %c_wq, %none, %c_stride, %c_pad, %c_dil, %false, %c_opad, %int1 : !torch.vtensor<[1,2,4,4],f32>, !torch.vtensor<[3,2,1,1],f32>, !torch.none, !torch.list<int>, !torch.list<int>, !torch.list<int>, !torch.bool, !torch.list<int>, !torch.int -> !torch.vtensor<[1,3,4,4],f32>
  %c_bf = torch.aten.to.dtype %c_bq, %int6, %false, %false, %none : !torch.vtensor<[3],si32>, !torch.int, !torch.bool, !torch.bool, !torch.none -> !torch.vtensor<[3],f32>
  %c_bm = torch.aten.mul.Tensor %c_bf, %c_bs : !torch.vtensor<[3],f32>, !torch.vtensor<[3],f32> -> !torch.vtensor<[3],f32>
  %c_shape = torch.prim.ListConstruct %int1, %intm1, %int1, %int1 : (!torch.int, !torch.int, !torch.int, !torch.int) -> !torch.list<int>
  %c_bv = torch.aten.view %c_bm, %c_shape : !torch.vtensor<[3],f32>, !torch.list<int> -> !torch.vtensor<[1,3,1,1],f32>
  %c_sum = torch.aten.add.Tensor %c_conv, %c_bv, %int1 : !torch.vtensor<[1,3,4,4],f32>, !torch.vtensor<[1,3,1,1],f32>, !torch.int -> !torch.vtensor<[1,3,4,4],f32>
  // %y = fake_quantize_per_tensor_affine(%c_sum, %sy, %int3, -128, 127)
  %y_d = torch.aten.div.Scalar %c_sum, %sy : !torch.vtensor<[1,3,4,4],f32>, !torch.float -> !torch.vtensor<[1,3,4,4],f32>
  %y_r = torch.aten.round %y_d : !torch.vtensor<[1,3,4,4],f32> -> !torch.vtensor<[1,3,4,4],f32>
  %y_a = torch.aten.add.Scalar %y_r, %int3, %int1 : !torch.vtensor<[1,3,4,4],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,3,4,4],f32>
  %y_max = torch.aten.maximum %y_a, %lo : !torch.vtensor<[1,3,4,4],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,3,4,4],f32>
  %y_min = torch.aten.minimum %y_max, %hi : !torch.vtensor<[1,3,4,4],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,3,4,4],f32>
  %y_s = torch.aten.sub.Scalar %y_min, %int3, %int1 : !torch.vtensor<[1,3,4,4],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,3,4,4],f32>
  %y = torch.aten.mul.Scalar %y_s, %sy : !torch.vtensor<[1,3,4,4],f32>, !torch.float -> !torch.vtensor<[1,3,4,4],f32>
  func.return %y : !torch.vtensor<[1,3,4,4],f32>
}

// -----

// 3x3 conv, 1 -> 2 channels, padding 1, with the variations the pass also accepts: no
// `tt.param_name` (parameters are named conv<i>, counting the function's convs from 0),
// the bias converted by `_to_copy` instead of `to.dtype`, and the bias on the left of
// the add.
//   s_x = 0.125, s_w = [0.5, 0.0625]; bias scale s_w * s_x = [0.0625, 0.0078125].
//   channel 0: [0, .5, 0, .5, -2, .5, 0, .5, 0] / 0.5 = [0, 1, 0, 1, -4, 1, 0, 1, 0]
//   channel 1: [.0625, .125, .0625, 0, 0, 0, -.0625, -.125, -.0625] / 0.0625
//              = [1, 2, 1, 0, 0, 0, -1, -2, -1]
// The int32 extremes of the bias (dead channels in pretrained files) pass through untouched.
// The pass's pad [1, 1] is [top, left, bottom, right] = [1, 1, 1, 1].

// CHECK:       qtrain.param @conv0.weight = dense<{{\[\[\[\[}}0, 1, 0], [1, -4, 1], [0, 1, 0]]], {{\[\[\[}}1, 2, 1], [0, 0, 0], [-1, -2, -1]]]]> : tensor<2x1x3x3xi8>
// CHECK-NEXT:  qtrain.param @conv0.bias = dense<[-2147483648, 2147483647]> : tensor<2xi32>
// CHECK-LABEL: func.func @conv3x3(
// CHECK-SAME:  %[[X:.*]]: tensor<1x1x4x4x!qtrain.qi8<0.125, 0>>) -> tensor<1x2x4x4x!qtrain.qi8<0.5, -128>> {
// CHECK-NEXT:    %[[W:.*]] = qtrain.get_param @conv0.weight : tensor<2x1x3x3xi8>
// CHECK-NEXT:    %[[B:.*]] = qtrain.get_param @conv0.bias : tensor<2xi32>
// CHECK-NEXT:    %[[Y:.*]] = qtrain.conv2d %[[X]], %[[W]], %[[B]] {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 5.000000e-01, 6.250000e-02>} : (tensor<1x1x4x4x!qtrain.qi8<0.125, 0>>, tensor<2x1x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.5, -128>>
// CHECK-NEXT:    func.return %[[Y]] : tensor<1x2x4x4x!qtrain.qi8<0.5, -128>>
// CHECK-NEXT:  }
// CHECK-NOT:   torch.

func.func @conv3x3(%x: !torch.vtensor<[1,1,4,4],f32>) -> !torch.vtensor<[1,2,4,4],f32> {
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
  %sx = torch.constant.float 1.250000e-01 : f64
  %sy = torch.constant.float 5.000000e-01 : f64
  %intm128 = torch.constant.int -128 : i64
  // %xq = fake_quantize_per_tensor_affine(%x, %sx, %int0, -128, 127)
  %xq_d = torch.aten.div.Scalar %x, %sx : !torch.vtensor<[1,1,4,4],f32>, !torch.float -> !torch.vtensor<[1,1,4,4],f32>
  %xq_r = torch.aten.round %xq_d : !torch.vtensor<[1,1,4,4],f32> -> !torch.vtensor<[1,1,4,4],f32>
  %xq_a = torch.aten.add.Scalar %xq_r, %int0, %int1 : !torch.vtensor<[1,1,4,4],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,1,4,4],f32>
  %xq_max = torch.aten.maximum %xq_a, %lo : !torch.vtensor<[1,1,4,4],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,1,4,4],f32>
  %xq_min = torch.aten.minimum %xq_max, %hi : !torch.vtensor<[1,1,4,4],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,1,4,4],f32>
  %xq_s = torch.aten.sub.Scalar %xq_min, %int0, %int1 : !torch.vtensor<[1,1,4,4],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,1,4,4],f32>
  %xq = torch.aten.mul.Scalar %xq_s, %sx : !torch.vtensor<[1,1,4,4],f32>, !torch.float -> !torch.vtensor<[1,1,4,4],f32>
  // QConv2d: %c_sum = convolution(%xq, fq_per_channel(%c_w)) + view(f32(%c_bq) * %c_bs)
  %c_w = torch.vtensor.literal(dense<[[[[0.0, 0.5, 0.0], [0.5, -2.0, 0.5], [0.0, 0.5, 0.0]]], [[[0.0625, 0.125, 0.0625], [0.0, 0.0, 0.0], [-0.0625, -0.125, -0.0625]]]]> : tensor<2x1x3x3xf32>) : !torch.vtensor<[2,1,3,3],f32>
  %c_ws = torch.vtensor.literal(dense<[0.5, 0.0625]> : tensor<2xf32>) : !torch.vtensor<[2],f32>
  %c_wz = torch.vtensor.literal(dense<0> : tensor<2xsi32>) : !torch.vtensor<[2],si32>
  %c_bq = torch.vtensor.literal(dense<[-2147483648, 2147483647]> : tensor<2xsi32>) : !torch.vtensor<[2],si32>
  %c_bs = torch.vtensor.literal(dense<[0.0625, 0.0078125]> : tensor<2xf32>) : !torch.vtensor<[2],f32>
  %c_wq = torch.aten.fake_quantize_per_channel_affine %c_w, %c_ws, %c_wz, %int0, %intm127, %int127 : !torch.vtensor<[2,1,3,3],f32>, !torch.vtensor<[2],f32>, !torch.vtensor<[2],si32>, !torch.int, !torch.int, !torch.int -> !torch.vtensor<[2,1,3,3],f32>
  %c_stride = torch.prim.ListConstruct %int1, %int1 : (!torch.int, !torch.int) -> !torch.list<int>
  %c_pad = torch.prim.ListConstruct %int1, %int1 : (!torch.int, !torch.int) -> !torch.list<int>
  %c_dil = torch.prim.ListConstruct %int1, %int1 : (!torch.int, !torch.int) -> !torch.list<int>
  %c_opad = torch.prim.ListConstruct %int0, %int0 : (!torch.int, !torch.int) -> !torch.list<int>
  %c_conv = torch.aten.convolution %xq, %c_wq, %none, %c_stride, %c_pad, %c_dil, %false, %c_opad, %int1 : !torch.vtensor<[1,1,4,4],f32>, !torch.vtensor<[2,1,3,3],f32>, !torch.none, !torch.list<int>, !torch.list<int>, !torch.list<int>, !torch.bool, !torch.list<int>, !torch.int -> !torch.vtensor<[1,2,4,4],f32>
  %c_bf = torch.aten._to_copy %c_bq, %int6, %none, %none, %false, %none : !torch.vtensor<[2],si32>, !torch.int, !torch.none, !torch.none, !torch.bool, !torch.none -> !torch.vtensor<[2],f32>
  %c_bm = torch.aten.mul.Tensor %c_bf, %c_bs : !torch.vtensor<[2],f32>, !torch.vtensor<[2],f32> -> !torch.vtensor<[2],f32>
  %c_shape = torch.prim.ListConstruct %int1, %intm1, %int1, %int1 : (!torch.int, !torch.int, !torch.int, !torch.int) -> !torch.list<int>
  %c_bv = torch.aten.view %c_bm, %c_shape : !torch.vtensor<[2],f32>, !torch.list<int> -> !torch.vtensor<[1,2,1,1],f32>
  %c_sum = torch.aten.add.Tensor %c_bv, %c_conv, %int1 : !torch.vtensor<[1,2,1,1],f32>, !torch.vtensor<[1,2,4,4],f32>, !torch.int -> !torch.vtensor<[1,2,4,4],f32>
  // %y = fake_quantize_per_tensor_affine(%c_sum, %sy, %intm128, -128, 127)
  %y_d = torch.aten.div.Scalar %c_sum, %sy : !torch.vtensor<[1,2,4,4],f32>, !torch.float -> !torch.vtensor<[1,2,4,4],f32>
  %y_r = torch.aten.round %y_d : !torch.vtensor<[1,2,4,4],f32> -> !torch.vtensor<[1,2,4,4],f32>
  %y_a = torch.aten.add.Scalar %y_r, %intm128, %int1 : !torch.vtensor<[1,2,4,4],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,4,4],f32>
  %y_max = torch.aten.maximum %y_a, %lo : !torch.vtensor<[1,2,4,4],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,4,4],f32>
  %y_min = torch.aten.minimum %y_max, %hi : !torch.vtensor<[1,2,4,4],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,4,4],f32>
  %y_s = torch.aten.sub.Scalar %y_min, %intm128, %int1 : !torch.vtensor<[1,2,4,4],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,4,4],f32>
  %y = torch.aten.mul.Scalar %y_s, %sy : !torch.vtensor<[1,2,4,4],f32>, !torch.float -> !torch.vtensor<[1,2,4,4],f32>
  func.return %y : !torch.vtensor<[1,2,4,4],f32>
}

// -----

// Three chained 1x1 convs (1 channel; s_x = s_w = 0.5, so the weight literal is W_q / 2
// and the bias scale 0.25): the first and third weight literals are both tagged
// "block.conv.weight", the second is untagged and takes the conv counter (conv1, as it
// is the function's second conv). A repeated name gets a `_1` suffix. Each conv reads
// the previous conv's output.

// CHECK:       qtrain.param @block.conv.weight = dense<1> : tensor<1x1x1x1xi8>
// CHECK-NEXT:  qtrain.param @block.conv.bias = dense<11> : tensor<1xi32>
// CHECK-NEXT:  qtrain.param @conv1.weight = dense<2> : tensor<1x1x1x1xi8>
// CHECK-NEXT:  qtrain.param @conv1.bias = dense<22> : tensor<1xi32>
// CHECK-NEXT:  qtrain.param @block.conv.weight_1 = dense<3> : tensor<1x1x1x1xi8>
// CHECK-NEXT:  qtrain.param @block.conv.bias_1 = dense<33> : tensor<1xi32>
// CHECK-LABEL: func.func @naming(
// CHECK-SAME:  %[[X:.*]]: tensor<1x1x2x2x!qtrain.qi8<0.5, 0>>) -> tensor<1x1x2x2x!qtrain.qi8<0.5, 0>> {
// CHECK-NEXT:    %[[W0:.*]] = qtrain.get_param @block.conv.weight : tensor<1x1x1x1xi8>
// CHECK-NEXT:    %[[B0:.*]] = qtrain.get_param @block.conv.bias : tensor<1xi32>
// CHECK-NEXT:    %[[Y0:.*]] = qtrain.conv2d %[[X]], %[[W0]], %[[B0]] {{.*}} -> tensor<1x1x2x2x!qtrain.qi8<0.5, 0>>
// CHECK-NEXT:    %[[W1:.*]] = qtrain.get_param @conv1.weight : tensor<1x1x1x1xi8>
// CHECK-NEXT:    %[[B1:.*]] = qtrain.get_param @conv1.bias : tensor<1xi32>
// CHECK-NEXT:    %[[Y1:.*]] = qtrain.conv2d %[[Y0]], %[[W1]], %[[B1]] {{.*}} -> tensor<1x1x2x2x!qtrain.qi8<0.5, 0>>
// CHECK-NEXT:    %[[W2:.*]] = qtrain.get_param @block.conv.weight_1 : tensor<1x1x1x1xi8>
// CHECK-NEXT:    %[[B2:.*]] = qtrain.get_param @block.conv.bias_1 : tensor<1xi32>
// CHECK-NEXT:    %[[Y2:.*]] = qtrain.conv2d %[[Y1]], %[[W2]], %[[B2]] {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 5.000000e-01>} : (tensor<1x1x2x2x!qtrain.qi8<0.5, 0>>, tensor<1x1x1x1xi8>, tensor<1xi32>) -> tensor<1x1x2x2x!qtrain.qi8<0.5, 0>>
// CHECK-NEXT:    func.return %[[Y2]] : tensor<1x1x2x2x!qtrain.qi8<0.5, 0>>
// CHECK-NEXT:  }

func.func @naming(%x: !torch.vtensor<[1,1,2,2],f32>) -> !torch.vtensor<[1,1,2,2],f32> {
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
  %s = torch.constant.float 5.000000e-01 : f64
  // %xq = fake_quantize_per_tensor_affine(%x, %s, %int0, -128, 127)
  %xq_d = torch.aten.div.Scalar %x, %s : !torch.vtensor<[1,1,2,2],f32>, !torch.float -> !torch.vtensor<[1,1,2,2],f32>
  %xq_r = torch.aten.round %xq_d : !torch.vtensor<[1,1,2,2],f32> -> !torch.vtensor<[1,1,2,2],f32>
  %xq_a = torch.aten.add.Scalar %xq_r, %int0, %int1 : !torch.vtensor<[1,1,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,1,2,2],f32>
  %xq_max = torch.aten.maximum %xq_a, %lo : !torch.vtensor<[1,1,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,1,2,2],f32>
  %xq_min = torch.aten.minimum %xq_max, %hi : !torch.vtensor<[1,1,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,1,2,2],f32>
  %xq_s = torch.aten.sub.Scalar %xq_min, %int0, %int1 : !torch.vtensor<[1,1,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,1,2,2],f32>
  %xq = torch.aten.mul.Scalar %xq_s, %s : !torch.vtensor<[1,1,2,2],f32>, !torch.float -> !torch.vtensor<[1,1,2,2],f32>
  // QConv2d: %a_sum = convolution(%xq, fq_per_channel(%a_w)) + view(f32(%a_bq) * %a_bs)
  %a_w = torch.vtensor.literal(dense<0.5> : tensor<1x1x1x1xf32>) {tt.param_name = "block.conv.weight"} : !torch.vtensor<[1,1,1,1],f32>
  %a_ws = torch.vtensor.literal(dense<0.5> : tensor<1xf32>) {tt.param_name = "block.conv.w_scales"} : !torch.vtensor<[1],f32>
  %a_wz = torch.vtensor.literal(dense<0> : tensor<1xsi32>) {tt.param_name = "block.conv.w_zero_points"} : !torch.vtensor<[1],si32>
  %a_bq = torch.vtensor.literal(dense<11> : tensor<1xsi32>) {tt.param_name = "block.conv.bias_q"} : !torch.vtensor<[1],si32>
  %a_bs = torch.vtensor.literal(dense<0.25> : tensor<1xf32>) {tt.param_name = "block.conv.bias_scale"} : !torch.vtensor<[1],f32>
  %a_wq = torch.aten.fake_quantize_per_channel_affine %a_w, %a_ws, %a_wz, %int0, %intm127, %int127 : !torch.vtensor<[1,1,1,1],f32>, !torch.vtensor<[1],f32>, !torch.vtensor<[1],si32>, !torch.int, !torch.int, !torch.int -> !torch.vtensor<[1,1,1,1],f32>
  %a_stride = torch.prim.ListConstruct %int1, %int1 : (!torch.int, !torch.int) -> !torch.list<int>
  %a_pad = torch.prim.ListConstruct %int0, %int0 : (!torch.int, !torch.int) -> !torch.list<int>
  %a_dil = torch.prim.ListConstruct %int1, %int1 : (!torch.int, !torch.int) -> !torch.list<int>
  %a_opad = torch.prim.ListConstruct %int0, %int0 : (!torch.int, !torch.int) -> !torch.list<int>
  %a_conv = torch.aten.convolution %xq, %a_wq, %none, %a_stride, %a_pad, %a_dil, %false, %a_opad, %int1 : !torch.vtensor<[1,1,2,2],f32>, !torch.vtensor<[1,1,1,1],f32>, !torch.none, !torch.list<int>, !torch.list<int>, !torch.list<int>, !torch.bool, !torch.list<int>, !torch.int -> !torch.vtensor<[1,1,2,2],f32>
  %a_bf = torch.aten.to.dtype %a_bq, %int6, %false, %false, %none : !torch.vtensor<[1],si32>, !torch.int, !torch.bool, !torch.bool, !torch.none -> !torch.vtensor<[1],f32>
  %a_bm = torch.aten.mul.Tensor %a_bf, %a_bs : !torch.vtensor<[1],f32>, !torch.vtensor<[1],f32> -> !torch.vtensor<[1],f32>
  %a_shape = torch.prim.ListConstruct %int1, %intm1, %int1, %int1 : (!torch.int, !torch.int, !torch.int, !torch.int) -> !torch.list<int>
  %a_bv = torch.aten.view %a_bm, %a_shape : !torch.vtensor<[1],f32>, !torch.list<int> -> !torch.vtensor<[1,1,1,1],f32>
  %a_sum = torch.aten.add.Tensor %a_conv, %a_bv, %int1 : !torch.vtensor<[1,1,2,2],f32>, !torch.vtensor<[1,1,1,1],f32>, !torch.int -> !torch.vtensor<[1,1,2,2],f32>
  // %aq = fake_quantize_per_tensor_affine(%a_sum, %s, %int0, -128, 127)
  %aq_d = torch.aten.div.Scalar %a_sum, %s : !torch.vtensor<[1,1,2,2],f32>, !torch.float -> !torch.vtensor<[1,1,2,2],f32>
  %aq_r = torch.aten.round %aq_d : !torch.vtensor<[1,1,2,2],f32> -> !torch.vtensor<[1,1,2,2],f32>
  %aq_a = torch.aten.add.Scalar %aq_r, %int0, %int1 : !torch.vtensor<[1,1,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,1,2,2],f32>
  %aq_max = torch.aten.maximum %aq_a, %lo : !torch.vtensor<[1,1,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,1,2,2],f32>
  %aq_min = torch.aten.minimum %aq_max, %hi : !torch.vtensor<[1,1,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,1,2,2],f32>
  %aq_s = torch.aten.sub.Scalar %aq_min, %int0, %int1 : !torch.vtensor<[1,1,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,1,2,2],f32>
  %aq = torch.aten.mul.Scalar %aq_s, %s : !torch.vtensor<[1,1,2,2],f32>, !torch.float -> !torch.vtensor<[1,1,2,2],f32>
  // QConv2d: %b_sum = convolution(%aq, fq_per_channel(%b_w)) + view(f32(%b_bq) * %b_bs)
  %b_w = torch.vtensor.literal(dense<1.0> : tensor<1x1x1x1xf32>) : !torch.vtensor<[1,1,1,1],f32>
  %b_ws = torch.vtensor.literal(dense<0.5> : tensor<1xf32>) : !torch.vtensor<[1],f32>
  %b_wz = torch.vtensor.literal(dense<0> : tensor<1xsi32>) : !torch.vtensor<[1],si32>
  %b_bq = torch.vtensor.literal(dense<22> : tensor<1xsi32>) : !torch.vtensor<[1],si32>
  %b_bs = torch.vtensor.literal(dense<0.25> : tensor<1xf32>) : !torch.vtensor<[1],f32>
  %b_wq = torch.aten.fake_quantize_per_channel_affine %b_w, %b_ws, %b_wz, %int0, %intm127, %int127 : !torch.vtensor<[1,1,1,1],f32>, !torch.vtensor<[1],f32>, !torch.vtensor<[1],si32>, !torch.int, !torch.int, !torch.int -> !torch.vtensor<[1,1,1,1],f32>
  %b_stride = torch.prim.ListConstruct %int1, %int1 : (!torch.int, !torch.int) -> !torch.list<int>
  %b_pad = torch.prim.ListConstruct %int0, %int0 : (!torch.int, !torch.int) -> !torch.list<int>
  %b_dil = torch.prim.ListConstruct %int1, %int1 : (!torch.int, !torch.int) -> !torch.list<int>
  %b_opad = torch.prim.ListConstruct %int0, %int0 : (!torch.int, !torch.int) -> !torch.list<int>
  %b_conv = torch.aten.convolution %aq, %b_wq, %none, %b_stride, %b_pad, %b_dil, %false, %b_opad, %int1 : !torch.vtensor<[1,1,2,2],f32>, !torch.vtensor<[1,1,1,1],f32>, !torch.none, !torch.list<int>, !torch.list<int>, !torch.list<int>, !torch.bool, !torch.list<int>, !torch.int -> !torch.vtensor<[1,1,2,2],f32>
  %b_bf = torch.aten.to.dtype %b_bq, %int6, %false, %false, %none : !torch.vtensor<[1],si32>, !torch.int, !torch.bool, !torch.bool, !torch.none -> !torch.vtensor<[1],f32>
  %b_bm = torch.aten.mul.Tensor %b_bf, %b_bs : !torch.vtensor<[1],f32>, !torch.vtensor<[1],f32> -> !torch.vtensor<[1],f32>
  %b_shape = torch.prim.ListConstruct %int1, %intm1, %int1, %int1 : (!torch.int, !torch.int, !torch.int, !torch.int) -> !torch.list<int>
  %b_bv = torch.aten.view %b_bm, %b_shape : !torch.vtensor<[1],f32>, !torch.list<int> -> !torch.vtensor<[1,1,1,1],f32>
  %b_sum = torch.aten.add.Tensor %b_conv, %b_bv, %int1 : !torch.vtensor<[1,1,2,2],f32>, !torch.vtensor<[1,1,1,1],f32>, !torch.int -> !torch.vtensor<[1,1,2,2],f32>
  // %bq = fake_quantize_per_tensor_affine(%b_sum, %s, %int0, -128, 127)
  %bq_d = torch.aten.div.Scalar %b_sum, %s : !torch.vtensor<[1,1,2,2],f32>, !torch.float -> !torch.vtensor<[1,1,2,2],f32>
  %bq_r = torch.aten.round %bq_d : !torch.vtensor<[1,1,2,2],f32> -> !torch.vtensor<[1,1,2,2],f32>
  %bq_a = torch.aten.add.Scalar %bq_r, %int0, %int1 : !torch.vtensor<[1,1,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,1,2,2],f32>
  %bq_max = torch.aten.maximum %bq_a, %lo : !torch.vtensor<[1,1,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,1,2,2],f32>
  %bq_min = torch.aten.minimum %bq_max, %hi : !torch.vtensor<[1,1,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,1,2,2],f32>
  %bq_s = torch.aten.sub.Scalar %bq_min, %int0, %int1 : !torch.vtensor<[1,1,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,1,2,2],f32>
  %bq = torch.aten.mul.Scalar %bq_s, %s : !torch.vtensor<[1,1,2,2],f32>, !torch.float -> !torch.vtensor<[1,1,2,2],f32>
  // QConv2d: %c_sum = convolution(%bq, fq_per_channel(%c_w)) + view(f32(%c_bq) * %c_bs)
  %c_w = torch.vtensor.literal(dense<1.5> : tensor<1x1x1x1xf32>) {tt.param_name = "block.conv.weight"} : !torch.vtensor<[1,1,1,1],f32>
  %c_ws = torch.vtensor.literal(dense<0.5> : tensor<1xf32>) {tt.param_name = "block.conv.w_scales"} : !torch.vtensor<[1],f32>
  %c_wz = torch.vtensor.literal(dense<0> : tensor<1xsi32>) {tt.param_name = "block.conv.w_zero_points"} : !torch.vtensor<[1],si32>
  %c_bq = torch.vtensor.literal(dense<33> : tensor<1xsi32>) {tt.param_name = "block.conv.bias_q"} : !torch.vtensor<[1],si32>
  %c_bs = torch.vtensor.literal(dense<0.25> : tensor<1xf32>) {tt.param_name = "block.conv.bias_scale"} : !torch.vtensor<[1],f32>
  %c_wq = torch.aten.fake_quantize_per_channel_affine %c_w, %c_ws, %c_wz, %int0, %intm127, %int127 : !torch.vtensor<[1,1,1,1],f32>, !torch.vtensor<[1],f32>, !torch.vtensor<[1],si32>, !torch.int, !torch.int, !torch.int -> !torch.vtensor<[1,1,1,1],f32>
  %c_stride = torch.prim.ListConstruct %int1, %int1 : (!torch.int, !torch.int) -> !torch.list<int>
  %c_pad = torch.prim.ListConstruct %int0, %int0 : (!torch.int, !torch.int) -> !torch.list<int>
  %c_dil = torch.prim.ListConstruct %int1, %int1 : (!torch.int, !torch.int) -> !torch.list<int>
  %c_opad = torch.prim.ListConstruct %int0, %int0 : (!torch.int, !torch.int) -> !torch.list<int>
  %c_conv = torch.aten.convolution %bq, %c_wq, %none, %c_stride, %c_pad, %c_dil, %false, %c_opad, %int1 : !torch.vtensor<[1,1,2,2],f32>, !torch.vtensor<[1,1,1,1],f32>, !torch.none, !torch.list<int>, !torch.list<int>, !torch.list<int>, !torch.bool, !torch.list<int>, !torch.int -> !torch.vtensor<[1,1,2,2],f32>
  %c_bf = torch.aten.to.dtype %c_bq, %int6, %false, %false, %none : !torch.vtensor<[1],si32>, !torch.int, !torch.bool, !torch.bool, !torch.none -> !torch.vtensor<[1],f32>
  %c_bm = torch.aten.mul.Tensor %c_bf, %c_bs : !torch.vtensor<[1],f32>, !torch.vtensor<[1],f32> -> !torch.vtensor<[1],f32>
  %c_shape = torch.prim.ListConstruct %int1, %intm1, %int1, %int1 : (!torch.int, !torch.int, !torch.int, !torch.int) -> !torch.list<int>
  %c_bv = torch.aten.view %c_bm, %c_shape : !torch.vtensor<[1],f32>, !torch.list<int> -> !torch.vtensor<[1,1,1,1],f32>
  %c_sum = torch.aten.add.Tensor %c_conv, %c_bv, %int1 : !torch.vtensor<[1,1,2,2],f32>, !torch.vtensor<[1,1,1,1],f32>, !torch.int -> !torch.vtensor<[1,1,2,2],f32>
  // %cq = fake_quantize_per_tensor_affine(%c_sum, %s, %int0, -128, 127)
  %cq_d = torch.aten.div.Scalar %c_sum, %s : !torch.vtensor<[1,1,2,2],f32>, !torch.float -> !torch.vtensor<[1,1,2,2],f32>
  %cq_r = torch.aten.round %cq_d : !torch.vtensor<[1,1,2,2],f32> -> !torch.vtensor<[1,1,2,2],f32>
  %cq_a = torch.aten.add.Scalar %cq_r, %int0, %int1 : !torch.vtensor<[1,1,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,1,2,2],f32>
  %cq_max = torch.aten.maximum %cq_a, %lo : !torch.vtensor<[1,1,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,1,2,2],f32>
  %cq_min = torch.aten.minimum %cq_max, %hi : !torch.vtensor<[1,1,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,1,2,2],f32>
  %cq_s = torch.aten.sub.Scalar %cq_min, %int0, %int1 : !torch.vtensor<[1,1,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,1,2,2],f32>
  %cq = torch.aten.mul.Scalar %cq_s, %s : !torch.vtensor<[1,1,2,2],f32>, !torch.float -> !torch.vtensor<[1,1,2,2],f32>
  func.return %cq : !torch.vtensor<[1,1,2,2],f32>
}
