// RUN: %tt-opt %s -p convert-torch-to-qtrain --split-input-file --verify-diagnostics | %filecheck %s

// Diagnostics of convert-torch-to-qtrain: function inputs.
// One failure per chunk. The pass raises a PassFailedException, which tt-opt prints (and
// exits 0) under --verify-diagnostics; between chunks it prints the split marker, matched
// below as `{{//}} -----` so that the CHECK line does not split this file. Each chunk
// produces its message and nothing else (CHECK-NEXT all the way).

// The same input fake-quantized with scale 0.5 and with scale 0.25.
// CHECK:      convert-torch-to-qtrain: function input 0 is fake-quantized twice with different parameters
func.func @input(%x: !torch.vtensor<[1,2,2,2],f32>) -> (!torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1,2,2,2],f32>) {
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
  // %x2 = fake_quantize_per_tensor_affine(%x, %t, %z, -128, 127)
  %x2_d = torch.aten.div.Scalar %x, %t : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %x2_r = torch.aten.round %x2_d : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  %x2_a = torch.aten.add.Scalar %x2_r, %z, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %x2_max = torch.aten.maximum %x2_a, %lo : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %x2_min = torch.aten.minimum %x2_max, %hi : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %x2_s = torch.aten.sub.Scalar %x2_min, %z, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %x2 = torch.aten.mul.Scalar %x2_s, %t : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  func.return %xq, %x2 : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1,2,2,2],f32>
}

// -----

// A function input that is never fake-quantized (here: unused).
// CHECK-NEXT: {{//}} -----
// CHECK-NEXT: convert-torch-to-qtrain: function inputs [1] are not used through a fake-quantize
func.func @input(%x: !torch.vtensor<[1,2,2,2],f32>, %unused: !torch.vtensor<[1,2,2,2],f32>) -> !torch.vtensor<[1,2,2,2],f32> {
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
  func.return %xq : !torch.vtensor<[1,2,2,2],f32>
}

// -----

// A function input reaching the float head without a fake-quantize.
// CHECK-NEXT: {{//}} -----
// CHECK-NEXT: convert-torch-to-qtrain: function inputs must be fake-quantized
func.func @head(%x: !torch.vtensor<[1,2,1,1],f32>) -> !torch.vtensor<[1,3],f32> {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<-128> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %hi = torch.vtensor.literal(dense<127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %s = torch.constant.float 5.000000e-01 : f64
  %int2 = torch.constant.int 2 : i64
  %w = torch.vtensor.literal(dense<1.0> : tensor<3x2xf32>) : !torch.vtensor<[3,2],f32>
  %b = torch.vtensor.literal(dense<0.0> : tensor<3xf32>) : !torch.vtensor<[3],f32>
  // %xq = fake_quantize_per_tensor_affine(%x, %s, %int0, -128, 127)
  %xq_d = torch.aten.div.Scalar %x, %s : !torch.vtensor<[1,2,1,1],f32>, !torch.float -> !torch.vtensor<[1,2,1,1],f32>
  %xq_r = torch.aten.round %xq_d : !torch.vtensor<[1,2,1,1],f32> -> !torch.vtensor<[1,2,1,1],f32>
  %xq_a = torch.aten.add.Scalar %xq_r, %int0, %int1 : !torch.vtensor<[1,2,1,1],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,1,1],f32>
  %xq_max = torch.aten.maximum %xq_a, %lo : !torch.vtensor<[1,2,1,1],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,1,1],f32>
  %xq_min = torch.aten.minimum %xq_max, %hi : !torch.vtensor<[1,2,1,1],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,1,1],f32>
  %xq_s = torch.aten.sub.Scalar %xq_min, %int0, %int1 : !torch.vtensor<[1,2,1,1],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,1,1],f32>
  %xq = torch.aten.mul.Scalar %xq_s, %s : !torch.vtensor<[1,2,1,1],f32>, !torch.float -> !torch.vtensor<[1,2,1,1],f32>
  %shape = torch.prim.ListConstruct %int1, %int2 : (!torch.int, !torch.int) -> !torch.list<int>
  %flat = torch.aten.view %x, %shape : !torch.vtensor<[1,2,1,1],f32>, !torch.list<int> -> !torch.vtensor<[1,2],f32>
  %perm = torch.prim.ListConstruct %int1, %int0 : (!torch.int, !torch.int) -> !torch.list<int>
  %wt = torch.aten.permute %w, %perm : !torch.vtensor<[3,2],f32>, !torch.list<int> -> !torch.vtensor<[2,3],f32>
  %mm = torch.aten.mm %flat, %wt : !torch.vtensor<[1,2],f32>, !torch.vtensor<[2,3],f32> -> !torch.vtensor<[1,3],f32>
  %mm1 = torch.aten.mul.Scalar %mm, %int1 : !torch.vtensor<[1,3],f32>, !torch.int -> !torch.vtensor<[1,3],f32>
  %b1 = torch.aten.mul.Scalar %b, %int1 : !torch.vtensor<[3],f32>, !torch.int -> !torch.vtensor<[3],f32>
  %y = torch.aten.add.Tensor %mm1, %b1, %int1 : !torch.vtensor<[1,3],f32>, !torch.vtensor<[3],f32>, !torch.int -> !torch.vtensor<[1,3],f32>
  func.return %y : !torch.vtensor<[1,3],f32>
}

// -----

// A function input returned as it is.
// CHECK-NEXT: {{//}} -----
// CHECK-NEXT: convert-torch-to-qtrain: function inputs must be fake-quantized
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
  func.return %x : !torch.vtensor<[1,2,2,2],f32>
}
// CHECK-NOT:  {{.}}
