// RUN: %tt-opt %s -p convert-torch-to-qtrain --split-input-file | %filecheck %s

// Add pattern: fq(a + b) with a and b quantized -> qtrain.add. The operands keep their
// own (scale, zero point) in their types, the result takes the outer fake-quantize's.

// CHECK-LABEL: func.func @add(
// CHECK-SAME:  %[[A:.*]]: tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>, %[[B:.*]]: tensor<1x2x2x2x!qtrain.qi8<0.25, 1>>) -> tensor<1x2x2x2x!qtrain.qi8<1.0, -2>> {
// CHECK-NEXT:    %[[Y:.*]] = qtrain.add %[[A]], %[[B]] : (tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>, tensor<1x2x2x2x!qtrain.qi8<0.25, 1>>) -> tensor<1x2x2x2x!qtrain.qi8<1.0, -2>>
// CHECK-NEXT:    func.return %[[Y]] : tensor<1x2x2x2x!qtrain.qi8<1.0, -2>>
// CHECK-NEXT:  }
// CHECK-NOT:   torch.

func.func @add(%a: !torch.vtensor<[1,2,2,2],f32>, %b: !torch.vtensor<[1,2,2,2],f32>) -> !torch.vtensor<[1,2,2,2],f32> {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<-128> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %hi = torch.vtensor.literal(dense<127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %sa = torch.constant.float 5.000000e-01 : f64
  %sb = torch.constant.float 2.500000e-01 : f64
  %sy = torch.constant.float 1.000000e+00 : f64
  %intm2 = torch.constant.int -2 : i64
  // %aq = fake_quantize_per_tensor_affine(%a, %sa, %int0, -128, 127)
  %aq_d = torch.aten.div.Scalar %a, %sa : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %aq_r = torch.aten.round %aq_d : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  %aq_a = torch.aten.add.Scalar %aq_r, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %aq_max = torch.aten.maximum %aq_a, %lo : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %aq_min = torch.aten.minimum %aq_max, %hi : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %aq_s = torch.aten.sub.Scalar %aq_min, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %aq = torch.aten.mul.Scalar %aq_s, %sa : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  // %bq = fake_quantize_per_tensor_affine(%b, %sb, %int1, -128, 127)
  %bq_d = torch.aten.div.Scalar %b, %sb : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %bq_r = torch.aten.round %bq_d : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  %bq_a = torch.aten.add.Scalar %bq_r, %int1, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %bq_max = torch.aten.maximum %bq_a, %lo : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %bq_min = torch.aten.minimum %bq_max, %hi : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %bq_s = torch.aten.sub.Scalar %bq_min, %int1, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %bq = torch.aten.mul.Scalar %bq_s, %sb : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %sum = torch.aten.add.Tensor %aq, %bq, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1,2,2,2],f32>, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  // %y = fake_quantize_per_tensor_affine(%sum, %sy, %intm2, -128, 127)
  %y_d = torch.aten.div.Scalar %sum, %sy : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %y_r = torch.aten.round %y_d : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  %y_a = torch.aten.add.Scalar %y_r, %intm2, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %y_max = torch.aten.maximum %y_a, %lo : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %y_min = torch.aten.minimum %y_max, %hi : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %y_s = torch.aten.sub.Scalar %y_min, %intm2, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %y = torch.aten.mul.Scalar %y_s, %sy : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  func.return %y : !torch.vtensor<[1,2,2,2],f32>
}

// -----

// A residual block: y = QConv2d(x) (1x1, 2 -> 2 channels, identity-like weights), then
// fq(y + x). The add's operands are fake-quantized values, not a convolution, so this is
// a qtrain.add (not a conv bias) of the conv result and the block input, which is used
// twice.
//   s_x = 0.5, s_w = [0.25, 0.25] -> W_q = [[4, 0], [0, -4]]; bias scale 0.125, b_q = [1, 2].

// CHECK:       qtrain.param @block.conv.weight = dense<{{\[\[\[\[}}4]], {{\[\[}}0]]], {{\[\[\[}}0]], {{\[\[}}-4]]]]> : tensor<2x2x1x1xi8>
// CHECK-NEXT:  qtrain.param @block.conv.bias = dense<[1, 2]> : tensor<2xi32>
// CHECK-LABEL: func.func @residual(
// CHECK-SAME:  %[[X:.*]]: tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>) -> tensor<1x2x2x2x!qtrain.qi8<1.0, 0>> {
// CHECK-NEXT:    %[[W:.*]] = qtrain.get_param @block.conv.weight : tensor<2x2x1x1xi8>
// CHECK-NEXT:    %[[B:.*]] = qtrain.get_param @block.conv.bias : tensor<2xi32>
// CHECK-NEXT:    %[[Y:.*]] = qtrain.conv2d %[[X]], %[[W]], %[[B]] {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 2.500000e-01, 2.500000e-01>} : (tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>, tensor<2x2x1x1xi8>, tensor<2xi32>) -> tensor<1x2x2x2x!qtrain.qi8<0.25, 0>>
// CHECK-NEXT:    %[[Z:.*]] = qtrain.add %[[Y]], %[[X]] : (tensor<1x2x2x2x!qtrain.qi8<0.25, 0>>, tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>) -> tensor<1x2x2x2x!qtrain.qi8<1.0, 0>>
// CHECK-NEXT:    func.return %[[Z]] : tensor<1x2x2x2x!qtrain.qi8<1.0, 0>>
// CHECK-NEXT:  }
// CHECK-NOT:   torch.

func.func @residual(%x: !torch.vtensor<[1,2,2,2],f32>) -> !torch.vtensor<[1,2,2,2],f32> {
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
  %sz = torch.constant.float 1.000000e+00 : f64
  // %xq = fake_quantize_per_tensor_affine(%x, %sx, %int0, -128, 127)
  %xq_d = torch.aten.div.Scalar %x, %sx : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %xq_r = torch.aten.round %xq_d : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_a = torch.aten.add.Scalar %xq_r, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %xq_max = torch.aten.maximum %xq_a, %lo : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_min = torch.aten.minimum %xq_max, %hi : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_s = torch.aten.sub.Scalar %xq_min, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %xq = torch.aten.mul.Scalar %xq_s, %sx : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  // QConv2d: %c_sum = convolution(%xq, fq_per_channel(%c_w)) + view(f32(%c_bq) * %c_bs)
  %c_w = torch.vtensor.literal(dense<[[[[1.0]], [[0.0]]], [[[0.0]], [[-1.0]]]]> : tensor<2x2x1x1xf32>) {tt.param_name = "block.conv.weight"} : !torch.vtensor<[2,2,1,1],f32>
  %c_ws = torch.vtensor.literal(dense<0.25> : tensor<2xf32>) {tt.param_name = "block.conv.w_scales"} : !torch.vtensor<[2],f32>
  %c_wz = torch.vtensor.literal(dense<0> : tensor<2xsi32>) {tt.param_name = "block.conv.w_zero_points"} : !torch.vtensor<[2],si32>
  %c_bq = torch.vtensor.literal(dense<[1, 2]> : tensor<2xsi32>) {tt.param_name = "block.conv.bias_q"} : !torch.vtensor<[2],si32>
  %c_bs = torch.vtensor.literal(dense<0.125> : tensor<2xf32>) {tt.param_name = "block.conv.bias_scale"} : !torch.vtensor<[2],f32>
  %c_wq = torch.aten.fake_quantize_per_channel_affine %c_w, %c_ws, %c_wz, %int0, %intm127, %int127 : !torch.vtensor<[2,2,1,1],f32>, !torch.vtensor<[2],f32>, !torch.vtensor<[2],si32>, !torch.int, !torch.int, !torch.int -> !torch.vtensor<[2,2,1,1],f32>
  %c_stride = torch.prim.ListConstruct %int1, %int1 : (!torch.int, !torch.int) -> !torch.list<int>
  %c_pad = torch.prim.ListConstruct %int0, %int0 : (!torch.int, !torch.int) -> !torch.list<int>
  %c_dil = torch.prim.ListConstruct %int1, %int1 : (!torch.int, !torch.int) -> !torch.list<int>
  %c_opad = torch.prim.ListConstruct %int0, %int0 : (!torch.int, !torch.int) -> !torch.list<int>
  %c_conv = torch.aten.convolution %xq, %c_wq, %none, %c_stride, %c_pad, %c_dil, %false, %c_opad, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[2,2,1,1],f32>, !torch.none, !torch.list<int>, !torch.list<int>, !torch.list<int>, !torch.bool, !torch.list<int>, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %c_bf = torch.aten.to.dtype %c_bq, %int6, %false, %false, %none : !torch.vtensor<[2],si32>, !torch.int, !torch.bool, !torch.bool, !torch.none -> !torch.vtensor<[2],f32>
  %c_bm = torch.aten.mul.Tensor %c_bf, %c_bs : !torch.vtensor<[2],f32>, !torch.vtensor<[2],f32> -> !torch.vtensor<[2],f32>
  %c_shape = torch.prim.ListConstruct %int1, %intm1, %int1, %int1 : (!torch.int, !torch.int, !torch.int, !torch.int) -> !torch.list<int>
  %c_bv = torch.aten.view %c_bm, %c_shape : !torch.vtensor<[2],f32>, !torch.list<int> -> !torch.vtensor<[1,2,1,1],f32>
  %c_sum = torch.aten.add.Tensor %c_conv, %c_bv, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1,2,1,1],f32>, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  // %y = fake_quantize_per_tensor_affine(%c_sum, %sy, %int0, -128, 127)
  %y_d = torch.aten.div.Scalar %c_sum, %sy : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %y_r = torch.aten.round %y_d : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  %y_a = torch.aten.add.Scalar %y_r, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %y_max = torch.aten.maximum %y_a, %lo : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %y_min = torch.aten.minimum %y_max, %hi : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %y_s = torch.aten.sub.Scalar %y_min, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %y = torch.aten.mul.Scalar %y_s, %sy : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %sum = torch.aten.add.Tensor %y, %xq, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1,2,2,2],f32>, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  // %z = fake_quantize_per_tensor_affine(%sum, %sz, %int0, -128, 127)
  %z_d = torch.aten.div.Scalar %sum, %sz : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %z_r = torch.aten.round %z_d : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  %z_a = torch.aten.add.Scalar %z_r, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %z_max = torch.aten.maximum %z_a, %lo : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %z_min = torch.aten.minimum %z_max, %hi : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %z_s = torch.aten.sub.Scalar %z_min, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %z = torch.aten.mul.Scalar %z_s, %sz : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  func.return %z : !torch.vtensor<[1,2,2,2],f32>
}
