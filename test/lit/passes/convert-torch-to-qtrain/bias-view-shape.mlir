// RUN: not %tt-opt %s -p convert-torch-to-qtrain 2>&1 | %filecheck %s

// Regression test for a bug found by these tests (now fixed).
// The bias is viewed as [1, 1, 1, C] instead of [1, C, 1, 1], so the add broadcasts it
// along W (column w gets b[w]) rather than along the channels. The pass does not check
// the view's shape and silently emitted a per-channel conv bias [1, 2]: a miscompile.
// CHECK: convert-torch-to-qtrain: conv bias must be viewed as [1, 2, 1, 1], got [1, 1, 1, 2]
func.func @conv(%x: !torch.vtensor<[1,2,2,2],f32>) -> !torch.vtensor<[1,2,2,2],f32> {
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
  %true = torch.constant.bool true
  %s = torch.constant.float 5.000000e-01 : f64
  // %xq = fake_quantize_per_tensor_affine(%x, %s, %int0, -128, 127)
  %xq_d = torch.aten.div.Scalar %x, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %xq_r = torch.aten.round %xq_d : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_a = torch.aten.add.Scalar %xq_r, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %xq_max = torch.aten.maximum %xq_a, %lo : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_min = torch.aten.minimum %xq_max, %hi : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_s = torch.aten.sub.Scalar %xq_min, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %xq = torch.aten.mul.Scalar %xq_s, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  // QConv2d: %c_sum = convolution(%xq, fq_per_channel(%c_w)) + view(f32(%c_bq) * %c_bs)
  %c_w = torch.vtensor.literal(dense<[[[[0.25]], [[0.0]]], [[[0.0]], [[0.5]]]]> : tensor<2x2x1x1xf32>) {tt.param_name = "conv.weight"} : !torch.vtensor<[2,2,1,1],f32>
  %c_ws = torch.vtensor.literal(dense<[0.25, 0.5]> : tensor<2xf32>) {tt.param_name = "conv.w_scales"} : !torch.vtensor<[2],f32>
  %c_wz = torch.vtensor.literal(dense<0> : tensor<2xsi32>) {tt.param_name = "conv.w_zero_points"} : !torch.vtensor<[2],si32>
  %c_bq = torch.vtensor.literal(dense<[1, 2]> : tensor<2xsi32>) {tt.param_name = "conv.bias_q"} : !torch.vtensor<[2],si32>
  %c_bs = torch.vtensor.literal(dense<[0.125, 0.25]> : tensor<2xf32>) {tt.param_name = "conv.bias_scale"} : !torch.vtensor<[2],f32>
  %c_wq = torch.aten.fake_quantize_per_channel_affine %c_w, %c_ws, %c_wz, %int0, %intm127, %int127 : !torch.vtensor<[2,2,1,1],f32>, !torch.vtensor<[2],f32>, !torch.vtensor<[2],si32>, !torch.int, !torch.int, !torch.int -> !torch.vtensor<[2,2,1,1],f32>
  %c_stride = torch.prim.ListConstruct %int1, %int1 : (!torch.int, !torch.int) -> !torch.list<int>
  %c_pad = torch.prim.ListConstruct %int0, %int0 : (!torch.int, !torch.int) -> !torch.list<int>
  %c_dil = torch.prim.ListConstruct %int1, %int1 : (!torch.int, !torch.int) -> !torch.list<int>
  %c_opad = torch.prim.ListConstruct %int0, %int0 : (!torch.int, !torch.int) -> !torch.list<int>
  %c_conv = torch.aten.convolution %xq, %c_wq, %none, %c_stride, %c_pad, %c_dil, %false, %c_opad, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[2,2,1,1],f32>, !torch.none, !torch.list<int>, !torch.list<int>, !torch.list<int>, !torch.bool, !torch.list<int>, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %c_bf = torch.aten.to.dtype %c_bq, %int6, %false, %false, %none : !torch.vtensor<[2],si32>, !torch.int, !torch.bool, !torch.bool, !torch.none -> !torch.vtensor<[2],f32>
  %c_bm = torch.aten.mul.Tensor %c_bf, %c_bs : !torch.vtensor<[2],f32>, !torch.vtensor<[2],f32> -> !torch.vtensor<[2],f32>
  %c_shape = torch.prim.ListConstruct %int1, %int1, %int1, %intm1 : (!torch.int, !torch.int, !torch.int, !torch.int) -> !torch.list<int>
  %c_bv = torch.aten.view %c_bm, %c_shape : !torch.vtensor<[2],f32>, !torch.list<int> -> !torch.vtensor<[1,1,1,2],f32>
  %c_sum = torch.aten.add.Tensor %c_conv, %c_bv, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1,1,1,2],f32>, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  // %y = fake_quantize_per_tensor_affine(%c_sum, %s, %int0, -128, 127)
  %y_d = torch.aten.div.Scalar %c_sum, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %y_r = torch.aten.round %y_d : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  %y_a = torch.aten.add.Scalar %y_r, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %y_max = torch.aten.maximum %y_a, %lo : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %y_min = torch.aten.minimum %y_max, %hi : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %y_s = torch.aten.sub.Scalar %y_min, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %y = torch.aten.mul.Scalar %y_s, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  func.return %y : !torch.vtensor<[1,2,2,2],f32>
}
