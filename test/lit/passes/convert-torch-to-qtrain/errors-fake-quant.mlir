// RUN: %tt-opt %s -p convert-torch-to-qtrain --split-input-file --verify-diagnostics | %filecheck %s

// Diagnostics of convert-torch-to-qtrain: the fake-quantize pattern (div, round, add, maximum, minimum, sub, mul) itself.
// One failure per chunk. The pass raises a PassFailedException, which tt-opt prints (and
// exits 0) under --verify-diagnostics; between chunks it prints the split marker, matched
// below as `{{//}} -----` so that the CHECK line does not split this file. Each chunk
// produces its message and nothing else (CHECK-NEXT all the way).

// The div.Scalar of a fake-quantize divides by 0.25, its mul.Scalar multiplies by 0.5.
// CHECK:      convert-torch-to-qtrain: inconsistent scale or zero point inside a fake-quantize
func.func @input(%x: !torch.vtensor<[1,2,2,2],f32>) -> !torch.vtensor<[1,2,2,2],f32> {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<-128> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %hi = torch.vtensor.literal(dense<127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %s = torch.constant.float 5.000000e-01 : f64
  %t = torch.constant.float 2.500000e-01 : f64
  %z = torch.constant.int 0 : i64
  // %xq = fake_quantize_per_tensor_affine(%x, %s, %z, -128, 127)
  %xq_d = torch.aten.div.Scalar %x, %t : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %xq_r = torch.aten.round %xq_d : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_a = torch.aten.add.Scalar %xq_r, %z, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %xq_max = torch.aten.maximum %xq_a, %lo : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_min = torch.aten.minimum %xq_max, %hi : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_s = torch.aten.sub.Scalar %xq_min, %z, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %xq = torch.aten.mul.Scalar %xq_s, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  func.return %xq : !torch.vtensor<[1,2,2,2],f32>
}

// -----

// The add.Scalar of a fake-quantize adds zero point 0, its sub.Scalar subtracts 1.
// CHECK-NEXT: {{//}} -----
// CHECK-NEXT: convert-torch-to-qtrain: inconsistent scale or zero point inside a fake-quantize
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
  %xq_s = torch.aten.sub.Scalar %xq_min, %int1, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %xq = torch.aten.mul.Scalar %xq_s, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  func.return %xq : !torch.vtensor<[1,2,2,2],f32>
}

// -----

// Activations quantized to the symmetric [-127, 127] instead of [-128, 127].
// CHECK-NEXT: {{//}} -----
// CHECK-NEXT: convert-torch-to-qtrain: activations must be quantized to [-128, 127], got [-127, 127]
func.func @input(%x: !torch.vtensor<[1,2,2,2],f32>) -> !torch.vtensor<[1,2,2,2],f32> {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<-127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
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

// Activations quantized to uint8 [0, 255].
// CHECK-NEXT: {{//}} -----
// CHECK-NEXT: convert-torch-to-qtrain: activations must be quantized to [-128, 127], got [0, 255]
func.func @input(%x: !torch.vtensor<[1,2,2,2],f32>) -> !torch.vtensor<[1,2,2,2],f32> {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<0> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %hi = torch.vtensor.literal(dense<255> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
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

// A zero point outside the int8 range.
// CHECK-NEXT: {{//}} -----
// CHECK-NEXT: convert-torch-to-qtrain: zero point 128 outside [-128, 127]
func.func @input(%x: !torch.vtensor<[1,2,2,2],f32>) -> !torch.vtensor<[1,2,2,2],f32> {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<-128> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %hi = torch.vtensor.literal(dense<127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %s = torch.constant.float 5.000000e-01 : f64
  %t = torch.constant.float 2.500000e-01 : f64
  %z = torch.constant.int 128 : i64
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

// The clamp bounds of a fake-quantize are not one-element literals.
// CHECK-NEXT: {{//}} -----
// CHECK-NEXT: convert-torch-to-qtrain: expected a one-element literal, got shape (2,)
func.func @input(%x: !torch.vtensor<[1,2,2,2],f32>) -> !torch.vtensor<[1,2,2,2],f32> {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<-128> : tensor<2xsi64>) : !torch.vtensor<[2],si64>
  %hi = torch.vtensor.literal(dense<127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %s = torch.constant.float 5.000000e-01 : f64
  %t = torch.constant.float 2.500000e-01 : f64
  %z = torch.constant.int 0 : i64
  // %xq = fake_quantize_per_tensor_affine(%x, %s, %z, -128, 127)
  %xq_d = torch.aten.div.Scalar %x, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %xq_r = torch.aten.round %xq_d : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_a = torch.aten.add.Scalar %xq_r, %z, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %xq_max = torch.aten.maximum %xq_a, %lo : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[2],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_min = torch.aten.minimum %xq_max, %hi : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_s = torch.aten.sub.Scalar %xq_min, %z, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %xq = torch.aten.mul.Scalar %xq_s, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  func.return %xq : !torch.vtensor<[1,2,2,2],f32>
}

// -----

// A negative activation scale is rejected by the !qtrain.qi8 type the pass builds (the message is the type's).
// CHECK-NEXT: {{//}} -----
// CHECK-NEXT: qi8 scale must be finite and positive, got -0.5
func.func @input(%x: !torch.vtensor<[1,2,2,2],f32>) -> !torch.vtensor<[1,2,2,2],f32> {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<-128> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %hi = torch.vtensor.literal(dense<127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %s = torch.constant.float -5.000000e-01 : f64
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

// The scale of a fake-quantize is not a constant.
// CHECK-NEXT: {{//}} -----
// CHECK-NEXT: convert-torch-to-qtrain: expected a float constant, found a function argument
func.func @input(%x: !torch.vtensor<[1,2,2,2],f32>, %arg_s: !torch.float) -> !torch.vtensor<[1,2,2,2],f32> {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<-128> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %hi = torch.vtensor.literal(dense<127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %t = torch.constant.float 2.500000e-01 : f64
  %z = torch.constant.int 0 : i64
  // %xq = fake_quantize_per_tensor_affine(%x, %s, %z, -128, 127)
  %xq_d = torch.aten.div.Scalar %x, %arg_s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %xq_r = torch.aten.round %xq_d : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_a = torch.aten.add.Scalar %xq_r, %z, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %xq_max = torch.aten.maximum %xq_a, %lo : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_min = torch.aten.minimum %xq_max, %hi : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_s = torch.aten.sub.Scalar %xq_min, %z, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %xq = torch.aten.mul.Scalar %xq_s, %arg_s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  func.return %xq : !torch.vtensor<[1,2,2,2],f32>
}

// -----

// The zero point of a fake-quantize is not an int constant.
// CHECK-NEXT: {{//}} -----
// CHECK-NEXT: convert-torch-to-qtrain: expected torch.constant.int, found torch.constant.float
func.func @input(%x: !torch.vtensor<[1,2,2,2],f32>) -> !torch.vtensor<[1,2,2,2],f32> {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<-128> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %hi = torch.vtensor.literal(dense<127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %s = torch.constant.float 5.000000e-01 : f64
  %t = torch.constant.float 2.500000e-01 : f64
  %z = torch.constant.float 0.000000e+00 : f64
  // %xq = fake_quantize_per_tensor_affine(%x, %s, %z, -128, 127)
  %xq_d = torch.aten.div.Scalar %x, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  %xq_r = torch.aten.round %xq_d : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_a = torch.aten.add.Scalar %xq_r, %z, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.float, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %xq_max = torch.aten.maximum %xq_a, %lo : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_min = torch.aten.minimum %xq_max, %hi : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
  %xq_s = torch.aten.sub.Scalar %xq_min, %z, %int1 : !torch.vtensor<[1,2,2,2],f32>, !torch.float, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
  %xq = torch.aten.mul.Scalar %xq_s, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
  func.return %xq : !torch.vtensor<[1,2,2,2],f32>
}

// -----

// A fake-quantized value of unknown batch size.
// CHECK-NEXT: {{//}} -----
// CHECK-NEXT: convert-torch-to-qtrain: dynamic shapes are not supported (!torch.vtensor<[-1,2,2,2],f32>)
func.func @input(%x: !torch.vtensor<[-1,2,2,2],f32>) -> !torch.vtensor<[-1,2,2,2],f32> {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<-128> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %hi = torch.vtensor.literal(dense<127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %s = torch.constant.float 5.000000e-01 : f64
  %t = torch.constant.float 2.500000e-01 : f64
  %z = torch.constant.int 0 : i64
  // %xq = fake_quantize_per_tensor_affine(%x, %s, %z, -128, 127)
  %xq_d = torch.aten.div.Scalar %x, %s : !torch.vtensor<[-1,2,2,2],f32>, !torch.float -> !torch.vtensor<[-1,2,2,2],f32>
  %xq_r = torch.aten.round %xq_d : !torch.vtensor<[-1,2,2,2],f32> -> !torch.vtensor<[-1,2,2,2],f32>
  %xq_a = torch.aten.add.Scalar %xq_r, %z, %int1 : !torch.vtensor<[-1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[-1,2,2,2],f32>
  %xq_max = torch.aten.maximum %xq_a, %lo : !torch.vtensor<[-1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[-1,2,2,2],f32>
  %xq_min = torch.aten.minimum %xq_max, %hi : !torch.vtensor<[-1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[-1,2,2,2],f32>
  %xq_s = torch.aten.sub.Scalar %xq_min, %z, %int1 : !torch.vtensor<[-1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[-1,2,2,2],f32>
  %xq = torch.aten.mul.Scalar %xq_s, %s : !torch.vtensor<[-1,2,2,2],f32>, !torch.float -> !torch.vtensor<[-1,2,2,2],f32>
  func.return %xq : !torch.vtensor<[-1,2,2,2],f32>
}

// -----

// A fake-quantize whose result is a builtin tensor instead of a !torch.vtensor.
// CHECK-NEXT: {{//}} -----
// CHECK-NEXT: convert-torch-to-qtrain: expected a !torch.vtensor, got tensor<1x2x2x2xf32>
func.func @input(%x: !torch.vtensor<[1,2,2,2],f32>) -> tensor<1x2x2x2xf32> {
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
  %xq = torch.aten.mul.Scalar %xq_s, %s : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> tensor<1x2x2x2xf32>
  func.return %xq : tensor<1x2x2x2xf32>
}
// CHECK-NOT:  {{.}}
