// RUN: %tt-opt %s -p convert-torch-to-qtrain --split-input-file --verify-diagnostics | %filecheck %s

// Diagnostics of convert-torch-to-qtrain: the float head.
// One failure per chunk. The pass raises a PassFailedException, which tt-opt prints (and
// exits 0) under --verify-diagnostics; between chunks it prints the split marker, matched
// below as `{{//}} -----` so that the CHECK line does not split this file. Each chunk
// produces its message and nothing else (CHECK-NEXT all the way).

// A view to [2, 1] is not a flatten of [1, 2, 1, 1] to N x features.
// CHECK:      convert-torch-to-qtrain: torch.aten.view to (2, 1) is not a flatten to N x features
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
  %shape = torch.prim.ListConstruct %int2, %int1 : (!torch.int, !torch.int) -> !torch.list<int>
  %flat = torch.aten.view %xq, %shape : !torch.vtensor<[1,2,1,1],f32>, !torch.list<int> -> !torch.vtensor<[2,1],f32>
  %perm = torch.prim.ListConstruct %int1, %int0 : (!torch.int, !torch.int) -> !torch.list<int>
  %wt = torch.aten.permute %w, %perm : !torch.vtensor<[3,2],f32>, !torch.list<int> -> !torch.vtensor<[2,3],f32>
  %mm = torch.aten.mm %flat, %wt : !torch.vtensor<[2,1],f32>, !torch.vtensor<[2,3],f32> -> !torch.vtensor<[1,3],f32>
  %mm1 = torch.aten.mul.Scalar %mm, %int1 : !torch.vtensor<[1,3],f32>, !torch.int -> !torch.vtensor<[1,3],f32>
  %b1 = torch.aten.mul.Scalar %b, %int1 : !torch.vtensor<[3],f32>, !torch.int -> !torch.vtensor<[3],f32>
  %y = torch.aten.add.Tensor %mm1, %b1, %int1 : !torch.vtensor<[1,3],f32>, !torch.vtensor<[3],f32>, !torch.int -> !torch.vtensor<[1,3],f32>
  func.return %y : !torch.vtensor<[1,3],f32>
}

// -----

// A linear layer whose product is scaled by 2 (addmm with alpha = 2).
// CHECK-NEXT: {{//}} -----
// CHECK-NEXT: convert-torch-to-qtrain: a linear layer with scaling factors is not supported
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
  %flat = torch.aten.view %xq, %shape : !torch.vtensor<[1,2,1,1],f32>, !torch.list<int> -> !torch.vtensor<[1,2],f32>
  %perm = torch.prim.ListConstruct %int1, %int0 : (!torch.int, !torch.int) -> !torch.list<int>
  %wt = torch.aten.permute %w, %perm : !torch.vtensor<[3,2],f32>, !torch.list<int> -> !torch.vtensor<[2,3],f32>
  %mm = torch.aten.mm %flat, %wt : !torch.vtensor<[1,2],f32>, !torch.vtensor<[2,3],f32> -> !torch.vtensor<[1,3],f32>
  %mm1 = torch.aten.mul.Scalar %mm, %int2 : !torch.vtensor<[1,3],f32>, !torch.int -> !torch.vtensor<[1,3],f32>
  %b1 = torch.aten.mul.Scalar %b, %int1 : !torch.vtensor<[3],f32>, !torch.int -> !torch.vtensor<[3],f32>
  %y = torch.aten.add.Tensor %mm1, %b1, %int1 : !torch.vtensor<[1,3],f32>, !torch.vtensor<[3],f32>, !torch.int -> !torch.vtensor<[1,3],f32>
  func.return %y : !torch.vtensor<[1,3],f32>
}

// -----

// A linear layer whose bias add has alpha = 2.
// CHECK-NEXT: {{//}} -----
// CHECK-NEXT: convert-torch-to-qtrain: a linear layer with scaling factors is not supported
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
  %flat = torch.aten.view %xq, %shape : !torch.vtensor<[1,2,1,1],f32>, !torch.list<int> -> !torch.vtensor<[1,2],f32>
  %perm = torch.prim.ListConstruct %int1, %int0 : (!torch.int, !torch.int) -> !torch.list<int>
  %wt = torch.aten.permute %w, %perm : !torch.vtensor<[3,2],f32>, !torch.list<int> -> !torch.vtensor<[2,3],f32>
  %mm = torch.aten.mm %flat, %wt : !torch.vtensor<[1,2],f32>, !torch.vtensor<[2,3],f32> -> !torch.vtensor<[1,3],f32>
  %mm1 = torch.aten.mul.Scalar %mm, %int1 : !torch.vtensor<[1,3],f32>, !torch.int -> !torch.vtensor<[1,3],f32>
  %b1 = torch.aten.mul.Scalar %b, %int1 : !torch.vtensor<[3],f32>, !torch.int -> !torch.vtensor<[3],f32>
  %y = torch.aten.add.Tensor %mm1, %b1, %int2 : !torch.vtensor<[1,3],f32>, !torch.vtensor<[3],f32>, !torch.int -> !torch.vtensor<[1,3],f32>
  func.return %y : !torch.vtensor<[1,3],f32>
}

// -----

// A ReLU on the logits.
// CHECK-NEXT: {{//}} -----
// CHECK-NEXT: convert-torch-to-qtrain: cannot convert torch.aten.relu in the float head
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
  %flat = torch.aten.view %xq, %shape : !torch.vtensor<[1,2,1,1],f32>, !torch.list<int> -> !torch.vtensor<[1,2],f32>
  %perm = torch.prim.ListConstruct %int1, %int0 : (!torch.int, !torch.int) -> !torch.list<int>
  %wt = torch.aten.permute %w, %perm : !torch.vtensor<[3,2],f32>, !torch.list<int> -> !torch.vtensor<[2,3],f32>
  %mm = torch.aten.mm %flat, %wt : !torch.vtensor<[1,2],f32>, !torch.vtensor<[2,3],f32> -> !torch.vtensor<[1,3],f32>
  %mm1 = torch.aten.mul.Scalar %mm, %int1 : !torch.vtensor<[1,3],f32>, !torch.int -> !torch.vtensor<[1,3],f32>
  %b1 = torch.aten.mul.Scalar %b, %int1 : !torch.vtensor<[3],f32>, !torch.int -> !torch.vtensor<[3],f32>
  %y = torch.aten.add.Tensor %mm1, %b1, %int1 : !torch.vtensor<[1,3],f32>, !torch.vtensor<[3],f32>, !torch.int -> !torch.vtensor<[1,3],f32>
  %r = torch.aten.relu %y : !torch.vtensor<[1,3],f32> -> !torch.vtensor<[1,3],f32>
  func.return %r : !torch.vtensor<[1,3],f32>
}

// -----

// A plain mm without the bias add.
// CHECK-NEXT: {{//}} -----
// CHECK-NEXT: convert-torch-to-qtrain: cannot convert torch.aten.mm in the float head
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
  %flat = torch.aten.view %xq, %shape : !torch.vtensor<[1,2,1,1],f32>, !torch.list<int> -> !torch.vtensor<[1,2],f32>
  %perm = torch.prim.ListConstruct %int1, %int0 : (!torch.int, !torch.int) -> !torch.list<int>
  %wt = torch.aten.permute %w, %perm : !torch.vtensor<[3,2],f32>, !torch.list<int> -> !torch.vtensor<[2,3],f32>
  %mm = torch.aten.mm %flat, %wt : !torch.vtensor<[1,2],f32>, !torch.vtensor<[2,3],f32> -> !torch.vtensor<[1,3],f32>
  %mm1 = torch.aten.mul.Scalar %mm, %int1 : !torch.vtensor<[1,3],f32>, !torch.int -> !torch.vtensor<[1,3],f32>
  %b1 = torch.aten.mul.Scalar %b, %int1 : !torch.vtensor<[3],f32>, !torch.int -> !torch.vtensor<[3],f32>
  %y = torch.aten.add.Tensor %mm1, %b1, %int1 : !torch.vtensor<[1,3],f32>, !torch.vtensor<[3],f32>, !torch.int -> !torch.vtensor<[1,3],f32>
  func.return %mm : !torch.vtensor<[1,3],f32>
}

// -----

// An add.Tensor that is not the addmm form of a linear layer (W transposed by torch.aten.t, not permute).
// CHECK-NEXT: {{//}} -----
// CHECK-NEXT: convert-torch-to-qtrain: cannot convert torch.aten.add.Tensor in the float head
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
  %flat = torch.aten.view %xq, %shape : !torch.vtensor<[1,2,1,1],f32>, !torch.list<int> -> !torch.vtensor<[1,2],f32>
  %perm = torch.prim.ListConstruct %int1, %int0 : (!torch.int, !torch.int) -> !torch.list<int>
  %wt = torch.aten.t %w : !torch.vtensor<[3,2],f32> -> !torch.vtensor<[2,3],f32>
  %mm = torch.aten.mm %flat, %wt : !torch.vtensor<[1,2],f32>, !torch.vtensor<[2,3],f32> -> !torch.vtensor<[1,3],f32>
  %mm1 = torch.aten.mul.Scalar %mm, %int1 : !torch.vtensor<[1,3],f32>, !torch.int -> !torch.vtensor<[1,3],f32>
  %b1 = torch.aten.mul.Scalar %b, %int1 : !torch.vtensor<[3],f32>, !torch.int -> !torch.vtensor<[3],f32>
  %y = torch.aten.add.Tensor %mm1, %b1, %int1 : !torch.vtensor<[1,3],f32>, !torch.vtensor<[3],f32>, !torch.int -> !torch.vtensor<[1,3],f32>
  func.return %y : !torch.vtensor<[1,3],f32>
}

// -----

// The head weight is computed rather than a literal.
// CHECK-NEXT: {{//}} -----
// CHECK-NEXT: convert-torch-to-qtrain: expected torch.vtensor.literal, found torch.aten.mul.Scalar
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
  %flat = torch.aten.view %xq, %shape : !torch.vtensor<[1,2,1,1],f32>, !torch.list<int> -> !torch.vtensor<[1,2],f32>
  %w2 = torch.aten.mul.Scalar %w, %int2 : !torch.vtensor<[3,2],f32>, !torch.int -> !torch.vtensor<[3,2],f32>
  %perm = torch.prim.ListConstruct %int1, %int0 : (!torch.int, !torch.int) -> !torch.list<int>
  %wt = torch.aten.permute %w2, %perm : !torch.vtensor<[3,2],f32>, !torch.list<int> -> !torch.vtensor<[2,3],f32>
  %mm = torch.aten.mm %flat, %wt : !torch.vtensor<[1,2],f32>, !torch.vtensor<[2,3],f32> -> !torch.vtensor<[1,3],f32>
  %mm1 = torch.aten.mul.Scalar %mm, %int1 : !torch.vtensor<[1,3],f32>, !torch.int -> !torch.vtensor<[1,3],f32>
  %b1 = torch.aten.mul.Scalar %b, %int1 : !torch.vtensor<[3],f32>, !torch.int -> !torch.vtensor<[3],f32>
  %y = torch.aten.add.Tensor %mm1, %b1, %int1 : !torch.vtensor<[1,3],f32>, !torch.vtensor<[3],f32>, !torch.int -> !torch.vtensor<[1,3],f32>
  func.return %y : !torch.vtensor<[1,3],f32>
}
// CHECK-NOT:  {{.}}
