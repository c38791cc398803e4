// RUN: %tt-opt %s -p convert-torch-to-qtrain --split-input-file --verify-diagnostics | %filecheck %s

// Diagnostics of convert-torch-to-qtrain: the pooling pattern.
// One failure per chunk. The pass raises a PassFailedException, which tt-opt prints (and
// exits 0) under --verify-diagnostics; between chunks it prints the split marker, matched
// below as `{{//}} -----` so that the CHECK line does not split this file. Each chunk
// produces its message and nothing else (CHECK-NEXT all the way).

// Pooling over [1, 2] (C and H).
// CHECK:      convert-torch-to-qtrain: only global average pooling over H and W is supported
func.func @pool(%x: !torch.vtensor<[1,2,2,2],f32>) -> !torch.vtensor<[1,2,1,1],f32> {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<-128> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %hi = torch.vtensor.literal(dense<127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %true = torch.constant.bool true
  %false = torch.constant.bool false
  %none = torch.constant.none
  %s = torch.constant.float 5.000000e-01 : f64
  %t = torch.constant.float 2.500000e-01 : f64
  %int2 = torch.constant.int 2 : i64
  %int3 = torch.constant.int 3 : i64
  %int4 = torch.constant.int 4 : i64
  %dims = torch.prim.ListConstruct %int1, %int2 : (!torch.int, !torch.int) -> !torch.list<int>
  // %xq = fake_quantize_per_tensor_affine(%x, %s, %int0, -128, 127)
  %xq_d = torch.aten.div.Scalar %x, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %xq_r = torch.aten.round %xq_d : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_a = torch.aten.add.Scalar %xq_r, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %xq_max = torch.aten.maximum %xq_a, %lo : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_min = torch.aten.minimum %xq_max, %hi : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_s = torch.aten.sub.Scalar %xq_min, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %xq = torch.aten.mul.Scalar %xq_s, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %total = torch.aten.sum.dim_IntList %xq, %dims, %true, %none : !torch.vtensor<[1,2,2,2],f32>, !torch.list<int>, !torch.bool, !torch.none -> !torch.vtensor<[1,2,1,1],f32>
  %p = torch.aten.div.Scalar %total, %int4 : !torch.vtensor<[1,2,1,1],f32>, !torch.int -> !torch.vtensor<[1,2,1,1],f32>
  // %y = fake_quantize_per_tensor_affine(%p, %s, %int0, -128, 127)
  %y_d = torch.aten.div.Scalar %p, %s : !torch.vtensor<[1,2,1,1],f32>, !torch.float -> !torch.vtensor<[1,2,1,1],f32>
  %y_r = torch.aten.round %y_d : !torch.vtensor<[1,2,1,1],f32> -> !torch.vtensor<[1,2,1,1],f32>
  %y_a = torch.aten.add.Scalar %y_r, %int0, %int1 : !torch.vtensor<[1,2,1,1],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,1,1],f32>
  %y_max = torch.aten.maximum %y_a, %lo : !torch.vtensor<[1,2,1,1],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,1,1],f32>
  %y_min = torch.aten.minimum %y_max, %hi : !torch.vtensor<[1,2,1,1],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,1,1],f32>
  %y_s = torch.aten.sub.Scalar %y_min, %int0, %int1 : !torch.vtensor<[1,2,1,1],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,1,1],f32>
  %y = torch.aten.mul.Scalar %y_s, %s : !torch.vtensor<[1,2,1,1],f32>, !torch.float -> !torch.vtensor<[1,2,1,1],f32>
  func.return %y : !torch.vtensor<[1,2,1,1],f32>
}

// -----

// Pooling over H only.
// CHECK-NEXT: {{//}} -----
// CHECK-NEXT: convert-torch-to-qtrain: only global average pooling over H and W is supported
func.func @pool(%x: !torch.vtensor<[1,2,2,2],f32>) -> !torch.vtensor<[1,2,1,1],f32> {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<-128> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %hi = torch.vtensor.literal(dense<127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %true = torch.constant.bool true
  %false = torch.constant.bool false
  %none = torch.constant.none
  %s = torch.constant.float 5.000000e-01 : f64
  %t = torch.constant.float 2.500000e-01 : f64
  %int2 = torch.constant.int 2 : i64
  %int3 = torch.constant.int 3 : i64
  %int4 = torch.constant.int 4 : i64
  %dims = torch.prim.ListConstruct %int2 : (!torch.int) -> !torch.list<int>
  // %xq = fake_quantize_per_tensor_affine(%x, %s, %int0, -128, 127)
  %xq_d = torch.aten.div.Scalar %x, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %xq_r = torch.aten.round %xq_d : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_a = torch.aten.add.Scalar %xq_r, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %xq_max = torch.aten.maximum %xq_a, %lo : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_min = torch.aten.minimum %xq_max, %hi : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_s = torch.aten.sub.Scalar %xq_min, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %xq = torch.aten.mul.Scalar %xq_s, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %total = torch.aten.sum.dim_IntList %xq, %dims, %true, %none : !torch.vtensor<[1,2,2,2],f32>, !torch.list<int>, !torch.bool, !torch.none -> !torch.vtensor<[1,2,1,1],f32>
  %p = torch.aten.div.Scalar %total, %int4 : !torch.vtensor<[1,2,1,1],f32>, !torch.int -> !torch.vtensor<[1,2,1,1],f32>
  // %y = fake_quantize_per_tensor_affine(%p, %s, %int0, -128, 127)
  %y_d = torch.aten.div.Scalar %p, %s : !torch.vtensor<[1,2,1,1],f32>, !torch.float -> !torch.vtensor<[1,2,1,1],f32>
  %y_r = torch.aten.round %y_d : !torch.vtensor<[1,2,1,1],f32> -> !torch.vtensor<[1,2,1,1],f32>
  %y_a = torch.aten.add.Scalar %y_r, %int0, %int1 : !torch.vtensor<[1,2,1,1],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,1,1],f32>
  %y_max = torch.aten.maximum %y_a, %lo : !torch.vtensor<[1,2,1,1],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,1,1],f32>
  %y_min = torch.aten.minimum %y_max, %hi : !torch.vtensor<[1,2,1,1],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,1,1],f32>
  %y_s = torch.aten.sub.Scalar %y_min, %int0, %int1 : !torch.vtensor<[1,2,1,1],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,1,1],f32>
  %y = torch.aten.mul.Scalar %y_s, %s : !torch.vtensor<[1,2,1,1],f32>, !torch.float -> !torch.vtensor<[1,2,1,1],f32>
  func.return %y : !torch.vtensor<[1,2,1,1],f32>
}

// -----

// The sum of a 2x2 map divided by 3.
// CHECK-NEXT: {{//}} -----
// CHECK-NEXT: convert-torch-to-qtrain: average pooling divides by 3, expected 4
func.func @pool(%x: !torch.vtensor<[1,2,2,2],f32>) -> !torch.vtensor<[1,2,1,1],f32> {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<-128> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %hi = torch.vtensor.literal(dense<127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %true = torch.constant.bool true
  %false = torch.constant.bool false
  %none = torch.constant.none
  %s = torch.constant.float 5.000000e-01 : f64
  %t = torch.constant.float 2.500000e-01 : f64
  %int2 = torch.constant.int 2 : i64
  %int3 = torch.constant.int 3 : i64
  %int4 = torch.constant.int 4 : i64
  %dims = torch.prim.ListConstruct %int2, %int3 : (!torch.int, !torch.int) -> !torch.list<int>
  // %xq = fake_quantize_per_tensor_affine(%x, %s, %int0, -128, 127)
  %xq_d = torch.aten.div.Scalar %x, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %xq_r = torch.aten.round %xq_d : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_a = torch.aten.add.Scalar %xq_r, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %xq_max = torch.aten.maximum %xq_a, %lo : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_min = torch.aten.minimum %xq_max, %hi : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_s = torch.aten.sub.Scalar %xq_min, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %xq = torch.aten.mul.Scalar %xq_s, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %total = torch.aten.sum.dim_IntList %xq, %dims, %true, %none : !torch.vtensor<[1,2,2,2],f32>, !torch.list<int>, !torch.bool, !torch.none -> !torch.vtensor<[1,2,1,1],f32>
  %p = torch.aten.div.Scalar %total, %int3 : !torch.vtensor<[1,2,1,1],f32>, !torch.int -> !torch.vtensor<[1,2,1,1],f32>
  // %y = fake_quantize_per_tensor_affine(%p, %s, %int0, -128, 127)
  %y_d = torch.aten.div.Scalar %p, %s : !torch.vtensor<[1,2,1,1],f32>, !torch.float -> !torch.vtensor<[1,2,1,1],f32>
  %y_r = torch.aten.round %y_d : !torch.vtensor<[1,2,1,1],f32> -> !torch.vtensor<[1,2,1,1],f32>
  %y_a = torch.aten.add.Scalar %y_r, %int0, %int1 : !torch.vtensor<[1,2,1,1],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,1,1],f32>
  %y_max = torch.aten.maximum %y_a, %lo : !torch.vtensor<[1,2,1,1],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,1,1],f32>
  %y_min = torch.aten.minimum %y_max, %hi : !torch.vtensor<[1,2,1,1],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,1,1],f32>
  %y_s = torch.aten.sub.Scalar %y_min, %int0, %int1 : !torch.vtensor<[1,2,1,1],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,1,1],f32>
  %y = torch.aten.mul.Scalar %y_s, %s : !torch.vtensor<[1,2,1,1],f32>, !torch.float -> !torch.vtensor<[1,2,1,1],f32>
  func.return %y : !torch.vtensor<[1,2,1,1],f32>
}

// -----

// keepdim = false: the pooled value is [1, 2], not [1, 2, 1, 1].
// CHECK-NEXT: {{//}} -----
// CHECK-NEXT: convert-torch-to-qtrain: average pooling must keep its dimensions (keepdim=True)
func.func @pool(%x: !torch.vtensor<[1,2,2,2],f32>) -> !torch.vtensor<[1,2],f32> {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<-128> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %hi = torch.vtensor.literal(dense<127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %true = torch.constant.bool true
  %false = torch.constant.bool false
  %none = torch.constant.none
  %s = torch.constant.float 5.000000e-01 : f64
  %t = torch.constant.float 2.500000e-01 : f64
  %int2 = torch.constant.int 2 : i64
  %int3 = torch.constant.int 3 : i64
  %int4 = torch.constant.int 4 : i64
  %dims = torch.prim.ListConstruct %int2, %int3 : (!torch.int, !torch.int) -> !torch.list<int>
  // %xq = fake_quantize_per_tensor_affine(%x, %s, %int0, -128, 127)
  %xq_d = torch.aten.div.Scalar %x, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %xq_r = torch.aten.round %xq_d : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_a = torch.aten.add.Scalar %xq_r, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %xq_max = torch.aten.maximum %xq_a, %lo : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_min = torch.aten.minimum %xq_max, %hi : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_s = torch.aten.sub.Scalar %xq_min, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %xq = torch.aten.mul.Scalar %xq_s, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %total = torch.aten.sum.dim_IntList %xq, %dims, %false, %none : !torch.vtensor<[1,2,2,2],f32>, !torch.list<int>, !torch.bool, !torch.none -> !torch.vtensor<[1,2],f32>
  %p = torch.aten.div.Scalar %total, %int4 : !torch.vtensor<[1,2],f32>, !torch.int -> !torch.vtensor<[1,2],f32>
  // %y = fake_quantize_per_tensor_affine(%p, %s, %int0, -128, 127)
  %y_d = torch.aten.div.Scalar %p, %s : !torch.vtensor<[1,2],f32>, !torch.float -> !torch.vtensor<[1,2],f32>
  %y_r = torch.aten.round %y_d : !torch.vtensor<[1,2],f32> -> !torch.vtensor<[1,2],f32>
  %y_a = torch.aten.add.Scalar %y_r, %int0, %int1 : !torch.vtensor<[1,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2],f32>
  %y_max = torch.aten.maximum %y_a, %lo : !torch.vtensor<[1,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2],f32>
  %y_min = torch.aten.minimum %y_max, %hi : !torch.vtensor<[1,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2],f32>
  %y_s = torch.aten.sub.Scalar %y_min, %int0, %int1 : !torch.vtensor<[1,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2],f32>
  %y = torch.aten.mul.Scalar %y_s, %s : !torch.vtensor<[1,2],f32>, !torch.float -> !torch.vtensor<[1,2],f32>
  func.return %y : !torch.vtensor<[1,2],f32>
}

// -----

// A pool that requantizes: input scale 0.5, output scale 0.25.
// CHECK-NEXT: {{//}} -----
// CHECK-NEXT: convert-torch-to-qtrain: average pooling must keep its input's scale and zero point
func.func @pool(%x: !torch.vtensor<[1,2,2,2],f32>) -> !torch.vtensor<[1,2,1,1],f32> {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<-128> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %hi = torch.vtensor.literal(dense<127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %true = torch.constant.bool true
  %false = torch.constant.bool false
  %none = torch.constant.none
  %s = torch.constant.float 5.000000e-01 : f64
  %t = torch.constant.float 2.500000e-01 : f64
  %int2 = torch.constant.int 2 : i64
  %int3 = torch.constant.int 3 : i64
  %int4 = torch.constant.int 4 : i64
  %dims = torch.prim.ListConstruct %int2, %int3 : (!torch.int, !torch.int) -> !torch.list<int>
  // %xq = fake_quantize_per_tensor_affine(%x, %s, %int0, -128, 127)
  %xq_d = torch.aten.div.Scalar %x, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %xq_r = torch.aten.round %xq_d : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_a = torch.aten.add.Scalar %xq_r, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %xq_max = torch.aten.maximum %xq_a, %lo : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_min = torch.aten.minimum %xq_max, %hi : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_s = torch.aten.sub.Scalar %xq_min, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %xq = torch.aten.mul.Scalar %xq_s, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %total = torch.aten.sum.dim_IntList %xq, %dims, %true, %none : !torch.vtensor<[1,2,2,2],f32>, !torch.list<int>, !torch.bool, !torch.none -> !torch.vtensor<[1,2,1,1],f32>
  %p = torch.aten.div.Scalar %total, %int4 : !torch.vtensor<[1,2,1,1],f32>, !torch.int -> !torch.vtensor<[1,2,1,1],f32>
  // %y = fake_quantize_per_tensor_affine(%p, %s, %int0, -128, 127)
  %y_d = torch.aten.div.Scalar %p, %t : !torch.vtensor<[1,2,1,1],f32>, !torch.float -> !torch.vtensor<[1,2,1,1],f32>
  %y_r = torch.aten.round %y_d : !torch.vtensor<[1,2,1,1],f32> -> !torch.vtensor<[1,2,1,1],f32>
  %y_a = torch.aten.add.Scalar %y_r, %int0, %int1 : !torch.vtensor<[1,2,1,1],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,1,1],f32>
  %y_max = torch.aten.maximum %y_a, %lo : !torch.vtensor<[1,2,1,1],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,1,1],f32>
  %y_min = torch.aten.minimum %y_max, %hi : !torch.vtensor<[1,2,1,1],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,1,1],f32>
  %y_s = torch.aten.sub.Scalar %y_min, %int0, %int1 : !torch.vtensor<[1,2,1,1],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,1,1],f32>
  %y = torch.aten.mul.Scalar %y_s, %t : !torch.vtensor<[1,2,1,1],f32>, !torch.float -> !torch.vtensor<[1,2,1,1],f32>
  func.return %y : !torch.vtensor<[1,2,1,1],f32>
}

// -----

// A pool that shifts the zero point: input 0, output 1.
// CHECK-NEXT: {{//}} -----
// CHECK-NEXT: convert-torch-to-qtrain: average pooling must keep its input's scale and zero point
func.func @pool(%x: !torch.vtensor<[1,2,2,2],f32>) -> !torch.vtensor<[1,2,1,1],f32> {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<-128> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %hi = torch.vtensor.literal(dense<127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %true = torch.constant.bool true
  %false = torch.constant.bool false
  %none = torch.constant.none
  %s = torch.constant.float 5.000000e-01 : f64
  %t = torch.constant.float 2.500000e-01 : f64
  %int2 = torch.constant.int 2 : i64
  %int3 = torch.constant.int 3 : i64
  %int4 = torch.constant.int 4 : i64
  %dims = torch.prim.ListConstruct %int2, %int3 : (!torch.int, !torch.int) -> !torch.list<int>
  // %xq = fake_quantize_per_tensor_affine(%x, %s, %int0, -128, 127)
  %xq_d = torch.aten.div.Scalar %x, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %xq_r = torch.aten.round %xq_d : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_a = torch.aten.add.Scalar %xq_r, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %xq_max = torch.aten.maximum %xq_a, %lo : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_min = torch.aten.minimum %xq_max, %hi : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_s = torch.aten.sub.Scalar %xq_min, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %xq = torch.aten.mul.Scalar %xq_s, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %total = torch.aten.sum.dim_IntList %xq, %dims, %true, %none : !torch.vtensor<[1,2,2,2],f32>, !torch.list<int>, !torch.bool, !torch.none -> !torch.vtensor<[1,2,1,1],f32>
  %p = torch.aten.div.Scalar %total, %int4 : !torch.vtensor<[1,2,1,1],f32>, !torch.int -> !torch.vtensor<[1,2,1,1],f32>
  // %y = fake_quantize_per_tensor_affine(%p, %s, %int0, -128, 127)
  %y_d = torch.aten.div.Scalar %p, %s : !torch.vtensor<[1,2,1,1],f32>, !torch.float -> !torch.vtensor<[1,2,1,1],f32>
  %y_r = torch.aten.round %y_d : !torch.vtensor<[1,2,1,1],f32> -> !torch.vtensor<[1,2,1,1],f32>
  %y_a = torch.aten.add.Scalar %y_r, %int1, %int1 : !torch.vtensor<[1,2,1,1],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,1,1],f32>
  %y_max = torch.aten.maximum %y_a, %lo : !torch.vtensor<[1,2,1,1],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,1,1],f32>
  %y_min = torch.aten.minimum %y_max, %hi : !torch.vtensor<[1,2,1,1],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,1,1],f32>
  %y_s = torch.aten.sub.Scalar %y_min, %int1, %int1 : !torch.vtensor<[1,2,1,1],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,1,1],f32>
  %y = torch.aten.mul.Scalar %y_s, %s : !torch.vtensor<[1,2,1,1],f32>, !torch.float -> !torch.vtensor<[1,2,1,1],f32>
  func.return %y : !torch.vtensor<[1,2,1,1],f32>
}

// -----

// A divide that is not of a sum.
// CHECK-NEXT: {{//}} -----
// CHECK-NEXT: convert-torch-to-qtrain: expected torch.aten.sum.dim_IntList, found torch.aten.mul.Scalar
func.func @pool(%x: !torch.vtensor<[1,2,2,2],f32>) -> !torch.vtensor<[1,2,1,1],f32> {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<-128> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %hi = torch.vtensor.literal(dense<127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %true = torch.constant.bool true
  %false = torch.constant.bool false
  %none = torch.constant.none
  %s = torch.constant.float 5.000000e-01 : f64
  %t = torch.constant.float 2.500000e-01 : f64
  %int2 = torch.constant.int 2 : i64
  %int3 = torch.constant.int 3 : i64
  %int4 = torch.constant.int 4 : i64
  %dims = torch.prim.ListConstruct %int2, %int3 : (!torch.int, !torch.int) -> !torch.list<int>
  // %xq = fake_quantize_per_tensor_affine(%x, %s, %int0, -128, 127)
  %xq_d = torch.aten.div.Scalar %x, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %xq_r = torch.aten.round %xq_d : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_a = torch.aten.add.Scalar %xq_r, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %xq_max = torch.aten.maximum %xq_a, %lo : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_min = torch.aten.minimum %xq_max, %hi : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_s = torch.aten.sub.Scalar %xq_min, %int0, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %xq = torch.aten.mul.Scalar %xq_s, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %total = torch.aten.sum.dim_IntList %xq, %dims, %true, %none : !torch.vtensor<[1,2,2,2],f32>, !torch.list<int>, !torch.bool, !torch.none -> !torch.vtensor<[1,2,1,1],f32>
  %scaled = torch.aten.mul.Scalar %total, %int1 : !torch.vtensor<[1,2,1,1],f32>, !torch.int -> !torch.vtensor<[1,2,1,1],f32>
  %p = torch.aten.div.Scalar %scaled, %int4 : !torch.vtensor<[1,2,1,1],f32>, !torch.int -> !torch.vtensor<[1,2,1,1],f32>
  // %y = fake_quantize_per_tensor_affine(%p, %s, %int0, -128, 127)
  %y_d = torch.aten.div.Scalar %p, %s : !torch.vtensor<[1,2,1,1],f32>, !torch.float -> !torch.vtensor<[1,2,1,1],f32>
  %y_r = torch.aten.round %y_d : !torch.vtensor<[1,2,1,1],f32> -> !torch.vtensor<[1,2,1,1],f32>
  %y_a = torch.aten.add.Scalar %y_r, %int0, %int1 : !torch.vtensor<[1,2,1,1],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,1,1],f32>
  %y_max = torch.aten.maximum %y_a, %lo : !torch.vtensor<[1,2,1,1],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,1,1],f32>
  %y_min = torch.aten.minimum %y_max, %hi : !torch.vtensor<[1,2,1,1],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,1,1],f32>
  %y_s = torch.aten.sub.Scalar %y_min, %int0, %int1 : !torch.vtensor<[1,2,1,1],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,1,1],f32>
  %y = torch.aten.mul.Scalar %y_s, %s : !torch.vtensor<[1,2,1,1],f32>, !torch.float -> !torch.vtensor<[1,2,1,1],f32>
  func.return %y : !torch.vtensor<[1,2,1,1],f32>
}
// CHECK-NOT:  {{.}}
