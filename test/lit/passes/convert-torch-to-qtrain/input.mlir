// RUN: %tt-opt %s -p convert-torch-to-qtrain --split-input-file | %filecheck %s

// Input pattern: fq(arg) -> a quantized function argument.
// torch.export decomposes fake_quantize_per_tensor_affine(x, 0.5, -1, -128, 127) into
// div.Scalar, round, add.Scalar, maximum, minimum, sub.Scalar, mul.Scalar. The pass turns
// the argument itself into the int8 tensor `!qtrain.qi8<0.5, -1>`: no op is left in the body.

// CHECK-LABEL: func.func @input(
// CHECK-SAME:  %[[X:.*]]: tensor<1x2x4x4x!qtrain.qi8<0.5, -1>>) -> tensor<1x2x4x4x!qtrain.qi8<0.5, -1>> {
// CHECK-NEXT:    func.return %[[X]] : tensor<1x2x4x4x!qtrain.qi8<0.5, -1>>
// CHECK-NEXT:  }
func.func @input(%x: !torch.vtensor<[1,2,4,4],f32>) -> !torch.vtensor<[1,2,4,4],f32> {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<-128> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %hi = torch.vtensor.literal(dense<127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %s = torch.constant.float 5.000000e-01 : f64
  %z = torch.constant.int -1 : i64
  // %q = fake_quantize_per_tensor_affine(%x, %s, %z, -128, 127)
  %q_d = torch.aten.div.Scalar %x, %s : !torch.vtensor<[1,2,4,4],f32>, !torch.float -> !torch.vtensor<[1,2,4,4],f32>
  %q_r = torch.aten.round %q_d : !torch.vtensor<[1,2,4,4],f32> -> !torch.vtensor<[1,2,4,4],f32>
  %q_a = torch.aten.add.Scalar %q_r, %z, %int1 : !torch.vtensor<[1,2,4,4],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,4,4],f32>
  %q_max = torch.aten.maximum %q_a, %lo : !torch.vtensor<[1,2,4,4],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,4,4],f32>
  %q_min = torch.aten.minimum %q_max, %hi : !torch.vtensor<[1,2,4,4],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,4,4],f32>
  %q_s = torch.aten.sub.Scalar %q_min, %z, %int1 : !torch.vtensor<[1,2,4,4],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,4,4],f32>
  %q = torch.aten.mul.Scalar %q_s, %s : !torch.vtensor<[1,2,4,4],f32>, !torch.float -> !torch.vtensor<[1,2,4,4],f32>
  func.return %q : !torch.vtensor<[1,2,4,4],f32>
}

// -----

// The same argument fake-quantized twice with the same parameters is one argument; an
// integer scale constant (torch.export prints `1` for 1.0) is accepted as a float.

// CHECK-LABEL: func.func @twice(
// CHECK-SAME:  %[[X:.*]]: tensor<1x2x4x4x!qtrain.qi8<1.0, 5>>) -> (tensor<1x2x4x4x!qtrain.qi8<1.0, 5>>, tensor<1x2x4x4x!qtrain.qi8<1.0, 5>>) {
// CHECK-NEXT:    func.return %[[X]], %[[X]] : tensor<1x2x4x4x!qtrain.qi8<1.0, 5>>, tensor<1x2x4x4x!qtrain.qi8<1.0, 5>>
// CHECK-NEXT:  }
func.func @twice(%x: !torch.vtensor<[1,2,4,4],f32>) -> (!torch.vtensor<[1,2,4,4],f32>, !torch.vtensor<[1,2,4,4],f32>) {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<-128> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %hi = torch.vtensor.literal(dense<127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %s = torch.constant.int 1 : i64
  %z = torch.constant.int 5 : i64
  // %q1 = fake_quantize_per_tensor_affine(%x, %s, %z, -128, 127)
  %q1_d = torch.aten.div.Scalar %x, %s : !torch.vtensor<[1,2,4,4],f32>, !torch.int -> !torch.vtensor<[1,2,4,4],f32>
  %q1_r = torch.aten.round %q1_d : !torch.vtensor<[1,2,4,4],f32> -> !torch.vtensor<[1,2,4,4],f32>
  %q1_a = torch.aten.add.Scalar %q1_r, %z, %int1 : !torch.vtensor<[1,2,4,4],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,4,4],f32>
  %q1_max = torch.aten.maximum %q1_a, %lo : !torch.vtensor<[1,2,4,4],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,4,4],f32>
  %q1_min = torch.aten.minimum %q1_max, %hi : !torch.vtensor<[1,2,4,4],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,4,4],f32>
  %q1_s = torch.aten.sub.Scalar %q1_min, %z, %int1 : !torch.vtensor<[1,2,4,4],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,4,4],f32>
  %q1 = torch.aten.mul.Scalar %q1_s, %s : !torch.vtensor<[1,2,4,4],f32>, !torch.int -> !torch.vtensor<[1,2,4,4],f32>
  // %q2 = fake_quantize_per_tensor_affine(%x, %s, %z, -128, 127)
  %q2_d = torch.aten.div.Scalar %x, %s : !torch.vtensor<[1,2,4,4],f32>, !torch.int -> !torch.vtensor<[1,2,4,4],f32>
  %q2_r = torch.aten.round %q2_d : !torch.vtensor<[1,2,4,4],f32> -> !torch.vtensor<[1,2,4,4],f32>
  %q2_a = torch.aten.add.Scalar %q2_r, %z, %int1 : !torch.vtensor<[1,2,4,4],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,4,4],f32>
  %q2_max = torch.aten.maximum %q2_a, %lo : !torch.vtensor<[1,2,4,4],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,4,4],f32>
  %q2_min = torch.aten.minimum %q2_max, %hi : !torch.vtensor<[1,2,4,4],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,4,4],f32>
  %q2_s = torch.aten.sub.Scalar %q2_min, %z, %int1 : !torch.vtensor<[1,2,4,4],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,4,4],f32>
  %q2 = torch.aten.mul.Scalar %q2_s, %s : !torch.vtensor<[1,2,4,4],f32>, !torch.int -> !torch.vtensor<[1,2,4,4],f32>
  func.return %q1, %q2 : !torch.vtensor<[1,2,4,4],f32>, !torch.vtensor<[1,2,4,4],f32>
}

// -----

// Zero points at both ends of the int8 range; one function per input. Each function keeps
// its own name and nothing of the torch dialect remains.

// CHECK-NOT:   torch.
// CHECK-LABEL: func.func @zp_min(
// CHECK-SAME:  %[[X:.*]]: tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>) -> tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>> {
// CHECK-NEXT:    func.return %[[X]]
// CHECK-LABEL: func.func @zp_max(
// CHECK-SAME:  %[[Y:.*]]: tensor<1x2x4x4x!qtrain.qi8<0.0078125, 127>>) -> tensor<1x2x4x4x!qtrain.qi8<0.0078125, 127>> {
// CHECK-NEXT:    func.return %[[Y]]
// CHECK-NOT:   torch.
func.func @zp_min(%x: !torch.vtensor<[1,2,4,4],f32>) -> !torch.vtensor<[1,2,4,4],f32> {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<-128> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %hi = torch.vtensor.literal(dense<127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %s = torch.constant.float 0.0235294118 : f64
  %z = torch.constant.int -128 : i64
  // %q = fake_quantize_per_tensor_affine(%x, %s, %z, -128, 127)
  %q_d = torch.aten.div.Scalar %x, %s : !torch.vtensor<[1,2,4,4],f32>, !torch.float -> !torch.vtensor<[1,2,4,4],f32>
  %q_r = torch.aten.round %q_d : !torch.vtensor<[1,2,4,4],f32> -> !torch.vtensor<[1,2,4,4],f32>
  %q_a = torch.aten.add.Scalar %q_r, %z, %int1 : !torch.vtensor<[1,2,4,4],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,4,4],f32>
  %q_max = torch.aten.maximum %q_a, %lo : !torch.vtensor<[1,2,4,4],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,4,4],f32>
  %q_min = torch.aten.minimum %q_max, %hi : !torch.vtensor<[1,2,4,4],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,4,4],f32>
  %q_s = torch.aten.sub.Scalar %q_min, %z, %int1 : !torch.vtensor<[1,2,4,4],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,4,4],f32>
  %q = torch.aten.mul.Scalar %q_s, %s : !torch.vtensor<[1,2,4,4],f32>, !torch.float -> !torch.vtensor<[1,2,4,4],f32>
  func.return %q : !torch.vtensor<[1,2,4,4],f32>
}
func.func @zp_max(%x: !torch.vtensor<[1,2,4,4],f32>) -> !torch.vtensor<[1,2,4,4],f32> {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<-128> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %hi = torch.vtensor.literal(dense<127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %s = torch.constant.float 7.812500e-03 : f64
  %z = torch.constant.int 127 : i64
  // %q = fake_quantize_per_tensor_affine(%x, %s, %z, -128, 127)
  %q_d = torch.aten.div.Scalar %x, %s : !torch.vtensor<[1,2,4,4],f32>, !torch.float -> !torch.vtensor<[1,2,4,4],f32>
  %q_r = torch.aten.round %q_d : !torch.vtensor<[1,2,4,4],f32> -> !torch.vtensor<[1,2,4,4],f32>
  %q_a = torch.aten.add.Scalar %q_r, %z, %int1 : !torch.vtensor<[1,2,4,4],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,4,4],f32>
  %q_max = torch.aten.maximum %q_a, %lo : !torch.vtensor<[1,2,4,4],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,4,4],f32>
  %q_min = torch.aten.minimum %q_max, %hi : !torch.vtensor<[1,2,4,4],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,4,4],f32>
  %q_s = torch.aten.sub.Scalar %q_min, %z, %int1 : !torch.vtensor<[1,2,4,4],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,4,4],f32>
  %q = torch.aten.mul.Scalar %q_s, %s : !torch.vtensor<[1,2,4,4],f32>, !torch.float -> !torch.vtensor<[1,2,4,4],f32>
  func.return %q : !torch.vtensor<[1,2,4,4],f32>
}
