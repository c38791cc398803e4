// RUN: %tt-opt %s -p convert-torch-to-qtrain --split-input-file --verify-diagnostics | %filecheck %s

// Diagnostics of convert-torch-to-qtrain: what may feed a fake-quantize, and what an int8 activation may come from.
// One failure per chunk. The pass raises a PassFailedException, which tt-opt prints (and
// exits 0) under --verify-diagnostics; between chunks it prints the split marker, matched
// below as `{{//}} -----` so that the CHECK line does not split this file. Each chunk
// produces its message and nothing else (CHECK-NEXT all the way).
//
// Not tested: "expected a quantized activation, found a float value" (`quantized()` on
// a value already converted as a float) is unreachable: every fake-quantize is converted,
// in program order, before the first float-head value is (at the return), so `values`
// holds no float value when `quantized()` reads it.

// An add whose right operand is a raw function input.
// CHECK:      convert-torch-to-qtrain: a function argument produces a value used as an int8 activation but it is not fake-quantized
func.func @add(%a: !torch.vtensor<[1,2,2,2],f32>, %b: !torch.vtensor<[1,2,2,2],f32>) -> !torch.vtensor<[1,2,2,2],f32> {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<-128> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %hi = torch.vtensor.literal(dense<127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %s = torch.constant.float 5.000000e-01 : f64
  %int2 = torch.constant.int 2 : i64
  // %aq = fake_quantize_per_tensor_affine(%a, %s, %int0, -128, 127)
  %aq_d = torch.aten.div.Scalar %a, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %aq_r = torch.aten.round %aq_d : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  %aq_a = torch.aten.add.Scalar %aq_r, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %aq_max = torch.aten.maximum %aq_a, %lo : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %aq_min = torch.aten.minimum %aq_max, %hi : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %aq_s = torch.aten.sub.Scalar %aq_min, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %aq = torch.aten.mul.Scalar %aq_s, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  // %bq = fake_quantize_per_tensor_affine(%b, %s, %int0, -128, 127)
  %bq_d = torch.aten.div.Scalar %b, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %bq_r = torch.aten.round %bq_d : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  %bq_a = torch.aten.add.Scalar %bq_r, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %bq_max = torch.aten.maximum %bq_a, %lo : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %bq_min = torch.aten.minimum %bq_max, %hi : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %bq_s = torch.aten.sub.Scalar %bq_min, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %bq = torch.aten.mul.Scalar %bq_s, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %sum = torch.aten.add.Tensor %aq, %b, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1,2,2,2],f32>, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  // %y = fake_quantize_per_tensor_affine(%sum, %s, %int0, -128, 127)
  %y_d = torch.aten.div.Scalar %sum, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %y_r = torch.aten.round %y_d : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  %y_a = torch.aten.add.Scalar %y_r, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %y_max = torch.aten.maximum %y_a, %lo : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %y_min = torch.aten.minimum %y_max, %hi : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %y_s = torch.aten.sub.Scalar %y_min, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %y = torch.aten.mul.Scalar %y_s, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  func.return %y : !torch.vtensor<[1,2,2,2],f32>
}

// -----

// A conv reading a ReLU (QConv2d folds ReLU into its output range instead).
// CHECK-NEXT: {{//}} -----
// CHECK-NEXT: convert-torch-to-qtrain: torch.aten.relu produces a value used as an int8 activation but it is not fake-quantized
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
  %xr = torch.aten.relu %xq : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
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
  %c_conv = torch.aten.convolution %xr, %c_wq, %none, %c_stride, %c_pad, %c_dil, %false, %c_opad, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[2,2,1,1],f32>, !torch.none, !torch.list<int>, !torch.list<int>, !torch.list<int>, !torch.bool, !torch.list<int>, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %c_bf = torch.aten.to.dtype %c_bq, %int6, %false, %false, %none : !torch.vtensor<[2],si32>, !torch.int, !torch.bool, !torch.bool, !torch.none -> !torch.vtensor<[2],f32>
  %c_bm = torch.aten.mul.Tensor %c_bf, %c_bs : !torch.vtensor<[2],f32>, !torch.vtensor<[2],f32> -> !torch.vtensor<[2],f32>
  %c_shape = torch.prim.ListConstruct %int1, %intm1, %int1, %int1 : (!torch.int, !torch.int, !torch.int, !torch.int) -> !torch.list<int>
  %c_bv = torch.aten.view %c_bm, %c_shape : !torch.vtensor<[2],f32>, !torch.list<int> -> !torch.vtensor<[1,2,1,1],f32>
  %c_sum = torch.aten.add.Tensor %c_conv, %c_bv, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1,2,1,1],f32>, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
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

// -----

// A fake-quantize of a ReLU.
// CHECK-NEXT: {{//}} -----
// CHECK-NEXT: convert-torch-to-qtrain: cannot convert torch.aten.relu feeding a fake-quantize
func.func @input(%x: !torch.vtensor<[1,2,2,2],f32>) -> !torch.vtensor<[1,2,2,2],f32> {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<-128> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %hi = torch.vtensor.literal(dense<127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %s = torch.constant.float 5.000000e-01 : f64
  %t = torch.constant.float 2.500000e-01 : f64
  %z = torch.constant.int 0 : i64
  // %xq = fake_quantize_per_tensor_affine(%x, %s, %z, -128, 127)
  %xq_d = torch.aten.div.Scalar %x, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %xq_r = torch.aten.round %xq_d : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_a = torch.aten.add.Scalar %xq_r, %z, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %xq_max = torch.aten.maximum %xq_a, %lo : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_min = torch.aten.minimum %xq_max, %hi : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_s = torch.aten.sub.Scalar %xq_min, %z, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %xq = torch.aten.mul.Scalar %xq_s, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %r = torch.aten.relu %xq : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  // %y = fake_quantize_per_tensor_affine(%r, %s, %z, -128, 127)
  %y_d = torch.aten.div.Scalar %r, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %y_r = torch.aten.round %y_d : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  %y_a = torch.aten.add.Scalar %y_r, %z, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %y_max = torch.aten.maximum %y_a, %lo : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %y_min = torch.aten.minimum %y_max, %hi : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %y_s = torch.aten.sub.Scalar %y_min, %z, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %y = torch.aten.mul.Scalar %y_s, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  func.return %y : !torch.vtensor<[1,2,2,2],f32>
}

// -----

// A fake-quantize of a fake-quantize.
// CHECK-NEXT: {{//}} -----
// CHECK-NEXT: convert-torch-to-qtrain: cannot convert torch.aten.mul.Scalar feeding a fake-quantize
func.func @input(%x: !torch.vtensor<[1,2,2,2],f32>) -> !torch.vtensor<[1,2,2,2],f32> {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<-128> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %hi = torch.vtensor.literal(dense<127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %s = torch.constant.float 5.000000e-01 : f64
  %t = torch.constant.float 2.500000e-01 : f64
  %z = torch.constant.int 0 : i64
  // %xq = fake_quantize_per_tensor_affine(%x, %s, %z, -128, 127)
  %xq_d = torch.aten.div.Scalar %x, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %xq_r = torch.aten.round %xq_d : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_a = torch.aten.add.Scalar %xq_r, %z, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %xq_max = torch.aten.maximum %xq_a, %lo : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_min = torch.aten.minimum %xq_max, %hi : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_s = torch.aten.sub.Scalar %xq_min, %z, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %xq = torch.aten.mul.Scalar %xq_s, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  // %y = fake_quantize_per_tensor_affine(%xq, %s, %z, -128, 127)
  %y_d = torch.aten.div.Scalar %xq, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %y_r = torch.aten.round %y_d : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  %y_a = torch.aten.add.Scalar %y_r, %z, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %y_max = torch.aten.maximum %y_a, %lo : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %y_min = torch.aten.minimum %y_max, %hi : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %y_s = torch.aten.sub.Scalar %y_min, %z, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %y = torch.aten.mul.Scalar %y_s, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  func.return %y : !torch.vtensor<[1,2,2,2],f32>
}

// -----

// An add with alpha = 2 (a + 2 * b).
// CHECK-NEXT: {{//}} -----
// CHECK-NEXT: convert-torch-to-qtrain: add.Tensor with alpha != 1 is not supported
func.func @add(%a: !torch.vtensor<[1,2,2,2],f32>, %b: !torch.vtensor<[1,2,2,2],f32>) -> !torch.vtensor<[1,2,2,2],f32> {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<-128> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %hi = torch.vtensor.literal(dense<127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %s = torch.constant.float 5.000000e-01 : f64
  %int2 = torch.constant.int 2 : i64
  // %aq = fake_quantize_per_tensor_affine(%a, %s, %int0, -128, 127)
  %aq_d = torch.aten.div.Scalar %a, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %aq_r = torch.aten.round %aq_d : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  %aq_a = torch.aten.add.Scalar %aq_r, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %aq_max = torch.aten.maximum %aq_a, %lo : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %aq_min = torch.aten.minimum %aq_max, %hi : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %aq_s = torch.aten.sub.Scalar %aq_min, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %aq = torch.aten.mul.Scalar %aq_s, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  // %bq = fake_quantize_per_tensor_affine(%b, %s, %int0, -128, 127)
  %bq_d = torch.aten.div.Scalar %b, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %bq_r = torch.aten.round %bq_d : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  %bq_a = torch.aten.add.Scalar %bq_r, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %bq_max = torch.aten.maximum %bq_a, %lo : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %bq_min = torch.aten.minimum %bq_max, %hi : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %bq_s = torch.aten.sub.Scalar %bq_min, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %bq = torch.aten.mul.Scalar %bq_s, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %sum = torch.aten.add.Tensor %aq, %bq, %int2 : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1,2,2,2],f32>, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  // %y = fake_quantize_per_tensor_affine(%sum, %s, %int0, -128, 127)
  %y_d = torch.aten.div.Scalar %sum, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %y_r = torch.aten.round %y_d : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  %y_a = torch.aten.add.Scalar %y_r, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %y_max = torch.aten.maximum %y_a, %lo : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %y_min = torch.aten.minimum %y_max, %hi : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %y_s = torch.aten.sub.Scalar %y_min, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %y = torch.aten.mul.Scalar %y_s, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  func.return %y : !torch.vtensor<[1,2,2,2],f32>
}
// CHECK-NOT:  {{.}}
