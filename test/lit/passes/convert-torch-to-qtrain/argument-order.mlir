// RUN: %tt-opt %s -p convert-torch-to-qtrain | %filecheck %s

// Regression test for a bug found by these tests (now fixed).
// The converted function must keep its inputs in their original order. The pass appends
// a block argument for each input when its fake-quantize is first converted, i.e. in
// program order of the fake-quantizes, not in argument order: here %b is fake-quantized
// before %a, and the pass currently produces
//   func.func @two_inputs(%0: ...qi8<0.25, 0>, %1: ...qi8<0.5, 0>) { func.return %1, %0 }
// which swaps the inputs for every caller.

// CHECK-LABEL: func.func @two_inputs(
// CHECK-SAME:  %[[A:.*]]: tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>, %[[B:.*]]: tensor<1x2x2x2x!qtrain.qi8<0.25, 0>>)
// CHECK-NEXT:    func.return %[[A]], %[[B]] : tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>, tensor<1x2x2x2x!qtrain.qi8<0.25, 0>>
func.func @two_inputs(%a: !torch.vtensor<[1,2,2,2],f32>, %b: !torch.vtensor<[1,2,2,2],f32>) -> (!torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1,2,2,2],f32>) {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<-128> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %hi = torch.vtensor.literal(dense<127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %sa = torch.constant.float 5.000000e-01 : f64
  %sb = torch.constant.float 2.500000e-01 : f64
  // %bq = fake_quantize_per_tensor_affine(%b, %sb, %int0, -128, 127)
  %bq_d = torch.aten.div.Scalar %b, %sb : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %bq_r = torch.aten.round %bq_d : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  %bq_a = torch.aten.add.Scalar %bq_r, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %bq_max = torch.aten.maximum %bq_a, %lo : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %bq_min = torch.aten.minimum %bq_max, %hi : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %bq_s = torch.aten.sub.Scalar %bq_min, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %bq = torch.aten.mul.Scalar %bq_s, %sb : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  // %aq = fake_quantize_per_tensor_affine(%a, %sa, %int0, -128, 127)
  %aq_d = torch.aten.div.Scalar %a, %sa : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %aq_r = torch.aten.round %aq_d : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  %aq_a = torch.aten.add.Scalar %aq_r, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %aq_max = torch.aten.maximum %aq_a, %lo : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %aq_min = torch.aten.minimum %aq_max, %hi : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %aq_s = torch.aten.sub.Scalar %aq_min, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %aq = torch.aten.mul.Scalar %aq_s, %sa : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  func.return %aq, %bq : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1,2,2,2],f32>
}
