// RUN: %tt-opt %s -p convert-torch-to-qtrain --split-input-file | %filecheck %s

// Pool pattern: fq(sum(x, [2, 3], keepdim) / (H * W)) -> qtrain.global_avgpool, as
// torch-mlir decomposes QGlobalAvgPool's `x.mean(dim=(2, 3), keepdim=True)`; the divisor
// H * W = 4 is an int constant. Input and output share (scale, zero point) = (0.5, 3).

// CHECK-LABEL: func.func @pool(
// CHECK-SAME:  %[[X:.*]]: tensor<1x2x2x2x!qtrain.qi8<0.5, 3>>) -> tensor<1x2x1x1x!qtrain.qi8<0.5, 3>> {
// CHECK-NEXT:    %[[Y:.*]] = qtrain.global_avgpool %[[X]] : tensor<1x2x2x2x!qtrain.qi8<0.5, 3>> -> tensor<1x2x1x1x!qtrain.qi8<0.5, 3>>
// CHECK-NEXT:    func.return %[[Y]] : tensor<1x2x1x1x!qtrain.qi8<0.5, 3>>
// CHECK-NEXT:  }
// CHECK-NOT:   torch.

func.func @pool(%x: !torch.vtensor<[1,2,2,2],f32>) -> !torch.vtensor<[1,2,1,1],f32> {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<-128> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %hi = torch.vtensor.literal(dense<127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %true = torch.constant.bool true
  %none = torch.constant.none
  %s = torch.constant.float 5.000000e-01 : f64
  %z = torch.constant.int 3 : i64
  %count = torch.constant.int 4 : i64
  %dim0 = torch.constant.int 2 : i64
  %dim1 = torch.constant.int 3 : i64
  %dims = torch.prim.ListConstruct %dim0, %dim1 : (!torch.int, !torch.int) -> !torch.list<int>
  // %xq = fake_quantize_per_tensor_affine(%x, %s, %z, -128, 127)
  %xq_d = torch.aten.div.Scalar %x, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %xq_r = torch.aten.round %xq_d : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_a = torch.aten.add.Scalar %xq_r, %z, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %xq_max = torch.aten.maximum %xq_a, %lo : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_min = torch.aten.minimum %xq_max, %hi : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_s = torch.aten.sub.Scalar %xq_min, %z, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %xq = torch.aten.mul.Scalar %xq_s, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %total = torch.aten.sum.dim_IntList %xq, %dims, %true, %none : !torch.vtensor<[1,2,2,2],f32>, !torch.list<int>, !torch.bool, !torch.none -> !torch.vtensor<[1,2,1,1],f32>
  %p = torch.aten.div.Scalar %total, %count : !torch.vtensor<[1,2,1,1],f32>, !torch.int -> !torch.vtensor<[1,2,1,1],f32>
  // %y = fake_quantize_per_tensor_affine(%p, %s, %z, -128, 127)
  %y_d = torch.aten.div.Scalar %p, %s : !torch.vtensor<[1,2,1,1],f32>, !torch.float -> !torch.vtensor<[1,2,1,1],f32>
  %y_r = torch.aten.round %y_d : !torch.vtensor<[1,2,1,1],f32> -> !torch.vtensor<[1,2,1,1],f32>
  %y_a = torch.aten.add.Scalar %y_r, %z, %int1 : !torch.vtensor<[1,2,1,1],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,1,1],f32>
  %y_max = torch.aten.maximum %y_a, %lo : !torch.vtensor<[1,2,1,1],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,1,1],f32>
  %y_min = torch.aten.minimum %y_max, %hi : !torch.vtensor<[1,2,1,1],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,1,1],f32>
  %y_s = torch.aten.sub.Scalar %y_min, %z, %int1 : !torch.vtensor<[1,2,1,1],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,1,1],f32>
  %y = torch.aten.mul.Scalar %y_s, %s : !torch.vtensor<[1,2,1,1],f32>, !torch.float -> !torch.vtensor<[1,2,1,1],f32>
  func.return %y : !torch.vtensor<[1,2,1,1],f32>
}

// -----

// Negative dims [-1, -2] name W and H too; a non-square 2x4 map divides by the float 8.0.

// CHECK-LABEL: func.func @pool_negative_dims(
// CHECK-SAME:  %[[X:.*]]: tensor<1x3x2x4x!qtrain.qi8<0.0235294118, -128>>) -> tensor<1x3x1x1x!qtrain.qi8<0.0235294118, -128>> {
// CHECK-NEXT:    %[[Y:.*]] = qtrain.global_avgpool %[[X]] : tensor<1x3x2x4x!qtrain.qi8<0.0235294118, -128>> -> tensor<1x3x1x1x!qtrain.qi8<0.0235294118, -128>>
// CHECK-NEXT:    func.return %[[Y]] : tensor<1x3x1x1x!qtrain.qi8<0.0235294118, -128>>
// CHECK-NEXT:  }

func.func @pool_negative_dims(%x: !torch.vtensor<[1,3,2,4],f32>) -> !torch.vtensor<[1,3,1,1],f32> {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<-128> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %hi = torch.vtensor.literal(dense<127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %true = torch.constant.bool true
  %none = torch.constant.none
  %s = torch.constant.float 0.0235294118 : f64
  %z = torch.constant.int -128 : i64
  %count = torch.constant.float 8.000000e+00 : f64
  %dim0 = torch.constant.int -1 : i64
  %dim1 = torch.constant.int -2 : i64
  %dims = torch.prim.ListConstruct %dim0, %dim1 : (!torch.int, !torch.int) -> !torch.list<int>
  // %xq = fake_quantize_per_tensor_affine(%x, %s, %z, -128, 127)
  %xq_d = torch.aten.div.Scalar %x, %s : !torch.vtensor<[1,3,2,4],f32>, !torch.float -> !torch.vtensor<[1,3,2,4],f32>
  %xq_r = torch.aten.round %xq_d : !torch.vtensor<[1,3,2,4],f32> -> !torch.vtensor<[1,3,2,4],f32>
  %xq_a = torch.aten.add.Scalar %xq_r, %z, %int1 : !torch.vtensor<[1,3,2,4],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,3,2,4],f32>
  %xq_max = torch.aten.maximum %xq_a, %lo : !torch.vtensor<[1,3,2,4],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,3,2,4],f32>
  %xq_min = torch.aten.minimum %xq_max, %hi : !torch.vtensor<[1,3,2,4],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,3,2,4],f32>
  %xq_s = torch.aten.sub.Scalar %xq_min, %z, %int1 : !torch.vtensor<[1,3,2,4],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,3,2,4],f32>
  %xq = torch.aten.mul.Scalar %xq_s, %s : !torch.vtensor<[1,3,2,4],f32>, !torch.float -> !torch.vtensor<[1,3,2,4],f32>
  %total = torch.aten.sum.dim_IntList %xq, %dims, %true, %none : !torch.vtensor<[1,3,2,4],f32>, !torch.list<int>, !torch.bool, !torch.none -> !torch.vtensor<[1,3,1,1],f32>
  %p = torch.aten.div.Scalar %total, %count : !torch.vtensor<[1,3,1,1],f32>, !torch.float -> !torch.vtensor<[1,3,1,1],f32>
  // %y = fake_quantize_per_tensor_affine(%p, %s, %z, -128, 127)
  %y_d = torch.aten.div.Scalar %p, %s : !torch.vtensor<[1,3,1,1],f32>, !torch.float -> !torch.vtensor<[1,3,1,1],f32>
  %y_r = torch.aten.round %y_d : !torch.vtensor<[1,3,1,1],f32> -> !torch.vtensor<[1,3,1,1],f32>
  %y_a = torch.aten.add.Scalar %y_r, %z, %int1 : !torch.vtensor<[1,3,1,1],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,3,1,1],f32>
  %y_max = torch.aten.maximum %y_a, %lo : !torch.vtensor<[1,3,1,1],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,3,1,1],f32>
  %y_min = torch.aten.minimum %y_max, %hi : !torch.vtensor<[1,3,1,1],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,3,1,1],f32>
  %y_s = torch.aten.sub.Scalar %y_min, %z, %int1 : !torch.vtensor<[1,3,1,1],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,3,1,1],f32>
  %y = torch.aten.mul.Scalar %y_s, %s : !torch.vtensor<[1,3,1,1],f32>, !torch.float -> !torch.vtensor<[1,3,1,1],f32>
  func.return %y : !torch.vtensor<[1,3,1,1],f32>
}

// -----

// The undecomposed form, torch.aten.mean.dim, is accepted as well.

// CHECK-LABEL: func.func @pool_mean(
// CHECK-SAME:  %[[X:.*]]: tensor<2x2x4x4x!qtrain.qi8<0.125, 0>>) -> tensor<2x2x1x1x!qtrain.qi8<0.125, 0>> {
// CHECK-NEXT:    %[[Y:.*]] = qtrain.global_avgpool %[[X]] : tensor<2x2x4x4x!qtrain.qi8<0.125, 0>> -> tensor<2x2x1x1x!qtrain.qi8<0.125, 0>>
// CHECK-NEXT:    func.return %[[Y]] : tensor<2x2x1x1x!qtrain.qi8<0.125, 0>>
// CHECK-NEXT:  }

func.func @pool_mean(%x: !torch.vtensor<[2,2,4,4],f32>) -> !torch.vtensor<[2,2,1,1],f32> {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<-128> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %hi = torch.vtensor.literal(dense<127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %true = torch.constant.bool true
  %none = torch.constant.none
  %s = torch.constant.float 1.250000e-01 : f64
  %z = torch.constant.int 0 : i64
  %dim0 = torch.constant.int 2 : i64
  %dim1 = torch.constant.int 3 : i64
  %dims = torch.prim.ListConstruct %dim0, %dim1 : (!torch.int, !torch.int) -> !torch.list<int>
  // %xq = fake_quantize_per_tensor_affine(%x, %s, %z, -128, 127)
  %xq_d = torch.aten.div.Scalar %x, %s : !torch.vtensor<[2,2,4,4],f32>, !torch.float -> !torch.vtensor<[2,2,4,4],f32>
  %xq_r = torch.aten.round %xq_d : !torch.vtensor<[2,2,4,4],f32> -> !torch.vtensor<[2,2,4,4],f32>
  %xq_a = torch.aten.add.Scalar %xq_r, %z, %int1 : !torch.vtensor<[2,2,4,4],f32>, !torch.int, !torch.int -> !torch.vtensor<[2,2,4,4],f32>
  %xq_max = torch.aten.maximum %xq_a, %lo : !torch.vtensor<[2,2,4,4],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[2,2,4,4],f32>
  %xq_min = torch.aten.minimum %xq_max, %hi : !torch.vtensor<[2,2,4,4],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[2,2,4,4],f32>
  %xq_s = torch.aten.sub.Scalar %xq_min, %z, %int1 : !torch.vtensor<[2,2,4,4],f32>, !torch.int, !torch.int -> !torch.vtensor<[2,2,4,4],f32>
  %xq = torch.aten.mul.Scalar %xq_s, %s : !torch.vtensor<[2,2,4,4],f32>, !torch.float -> !torch.vtensor<[2,2,4,4],f32>
  %p = torch.aten.mean.dim %xq, %dims, %true, %none : !torch.vtensor<[2,2,4,4],f32>, !torch.list<int>, !torch.bool, !torch.none -> !torch.vtensor<[2,2,1,1],f32>
  // %y = fake_quantize_per_tensor_affine(%p, %s, %z, -128, 127)
  %y_d = torch.aten.div.Scalar %p, %s : !torch.vtensor<[2,2,1,1],f32>, !torch.float -> !torch.vtensor<[2,2,1,1],f32>
  %y_r = torch.aten.round %y_d : !torch.vtensor<[2,2,1,1],f32> -> !torch.vtensor<[2,2,1,1],f32>
  %y_a = torch.aten.add.Scalar %y_r, %z, %int1 : !torch.vtensor<[2,2,1,1],f32>, !torch.int, !torch.int -> !torch.vtensor<[2,2,1,1],f32>
  %y_max = torch.aten.maximum %y_a, %lo : !torch.vtensor<[2,2,1,1],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[2,2,1,1],f32>
  %y_min = torch.aten.minimum %y_max, %hi : !torch.vtensor<[2,2,1,1],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[2,2,1,1],f32>
  %y_s = torch.aten.sub.Scalar %y_min, %z, %int1 : !torch.vtensor<[2,2,1,1],f32>, !torch.int, !torch.int -> !torch.vtensor<[2,2,1,1],f32>
  %y = torch.aten.mul.Scalar %y_s, %s : !torch.vtensor<[2,2,1,1],f32>, !torch.float -> !torch.vtensor<[2,2,1,1],f32>
  func.return %y : !torch.vtensor<[2,2,1,1],f32>
}
