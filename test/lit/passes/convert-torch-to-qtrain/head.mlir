// RUN: %tt-opt %s -p convert-torch-to-qtrain --split-input-file | %filecheck %s

// Head pattern: linear(flatten(x)) on int8 features -> qtrain.dequantize, qtrain.flatten,
// qtrain.linear, in the addmm form torch-mlir gives LinearHead: flatten as a view to
// [N, features], then (x @ permute(W, [1, 0])) * 1 + b * 1. The fp32 weight and bias
// become f32 parameters named by their `tt.param_name`, with their values unchanged.

// CHECK:       qtrain.param @head.linear.weight = dense<{{\[\[}}5.000000e-01, -1.000000e+00], [2.000000e+00, 2.500000e-01], [-1.250000e-01, 3.000000e+00]]> : tensor<3x2xf32>
// CHECK-NEXT:  qtrain.param @head.linear.bias = dense<[1.500000e+00, -2.000000e+00, 0.000000e+00]> : tensor<3xf32>
// CHECK-LABEL: func.func @head(
// CHECK-SAME:  %[[X:.*]]: tensor<1x2x1x1x!qtrain.qi8<0.5, 0>>) -> tensor<1x3xf32> {
// CHECK-NEXT:    %[[D:.*]] = qtrain.dequantize %[[X]] : tensor<1x2x1x1x!qtrain.qi8<0.5, 0>> -> tensor<1x2x1x1xf32>
// CHECK-NEXT:    %[[F:.*]] = qtrain.flatten %[[D]] : tensor<1x2x1x1xf32> -> tensor<1x2xf32>
// CHECK-NEXT:    %[[W:.*]] = qtrain.get_param @head.linear.weight : tensor<3x2xf32>
// CHECK-NEXT:    %[[B:.*]] = qtrain.get_param @head.linear.bias : tensor<3xf32>
// CHECK-NEXT:    %[[Y:.*]] = qtrain.linear %[[F]], %[[W]], %[[B]] : (tensor<1x2xf32>, tensor<3x2xf32>, tensor<3xf32>) -> tensor<1x3xf32>
// CHECK-NEXT:    func.return %[[Y]] : tensor<1x3xf32>
// CHECK-NEXT:  }
// CHECK-NOT:   torch.

func.func @head(%x: !torch.vtensor<[1,2,1,1],f32>) -> !torch.vtensor<[1,3],f32> {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<-128> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %hi = torch.vtensor.literal(dense<127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %s = torch.constant.float 5.000000e-01 : f64
  %int2 = torch.constant.int 2 : i64
  %w = torch.vtensor.literal(dense<[[0.5, -1.0], [2.0, 0.25], [-0.125, 3.0]]> : tensor<3x2xf32>) {tt.param_name = "head.linear.weight"} : !torch.vtensor<[3,2],f32>
  %b = torch.vtensor.literal(dense<[1.5, -2.0, 0.0]> : tensor<3xf32>) {tt.param_name = "head.linear.bias"} : !torch.vtensor<[3],f32>
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
  func.return %y : !torch.vtensor<[1,3],f32>
}

// -----

// torch.aten.flatten.using_ints and the undecomposed torch.aten.linear, on a batch of 2.
// Untagged literals are named @head.weight and @head.bias.

// CHECK:       qtrain.param @head.weight = dense<{{\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00], [-1.000000e+00, -2.000000e+00, -3.000000e+00, -4.000000e+00]]> : tensor<2x4xf32>
// CHECK-NEXT:  qtrain.param @head.bias = dense<[2.500000e-01, -2.500000e-01]> : tensor<2xf32>
// CHECK-LABEL: func.func @head_linear(
// CHECK-SAME:  %[[X:.*]]: tensor<2x4x1x1x!qtrain.qi8<0.25, -3>>) -> tensor<2x2xf32> {
// CHECK-NEXT:    %[[D:.*]] = qtrain.dequantize %[[X]] : tensor<2x4x1x1x!qtrain.qi8<0.25, -3>> -> tensor<2x4x1x1xf32>
// CHECK-NEXT:    %[[F:.*]] = qtrain.flatten %[[D]] : tensor<2x4x1x1xf32> -> tensor<2x4xf32>
// CHECK-NEXT:    %[[W:.*]] = qtrain.get_param @head.weight : tensor<2x4xf32>
// CHECK-NEXT:    %[[B:.*]] = qtrain.get_param @head.bias : tensor<2xf32>
// CHECK-NEXT:    %[[Y:.*]] = qtrain.linear %[[F]], %[[W]], %[[B]] : (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<2x2xf32>
// CHECK-NEXT:    func.return %[[Y]] : tensor<2x2xf32>
// CHECK-NEXT:  }

func.func @head_linear(%x: !torch.vtensor<[2,4,1,1],f32>) -> !torch.vtensor<[2,2],f32> {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<-128> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %hi = torch.vtensor.literal(dense<127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %s = torch.constant.float 2.500000e-01 : f64
  %z = torch.constant.int -3 : i64
  %intm1 = torch.constant.int -1 : i64
  %w = torch.vtensor.literal(dense<[[1.0, 2.0, 3.0, 4.0], [-1.0, -2.0, -3.0, -4.0]]> : tensor<2x4xf32>) : !torch.vtensor<[2,4],f32>
  %b = torch.vtensor.literal(dense<[0.25, -0.25]> : tensor<2xf32>) : !torch.vtensor<[2],f32>
  // %xq = fake_quantize_per_tensor_affine(%x, %s, %z, -128, 127)
  %xq_d = torch.aten.div.Scalar %x, %s : !torch.vtensor<[2,4,1,1],f32>, !torch.float -> !torch.vtensor<[2,4,1,1],f32>
  %xq_r = torch.aten.round %xq_d : !torch.vtensor<[2,4,1,1],f32> -> !torch.vtensor<[2,4,1,1],f32>
  %xq_a = torch.aten.add.Scalar %xq_r, %z, %int1 : !torch.vtensor<[2,4,1,1],f32>, !torch.int, !torch.int -> !torch.vtensor<[2,4,1,1],f32>
  %xq_max = torch.aten.maximum %xq_a, %lo : !torch.vtensor<[2,4,1,1],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[2,4,1,1],f32>
  %xq_min = torch.aten.minimum %xq_max, %hi : !torch.vtensor<[2,4,1,1],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[2,4,1,1],f32>
  %xq_s = torch.aten.sub.Scalar %xq_min, %z, %int1 : !torch.vtensor<[2,4,1,1],f32>, !torch.int, !torch.int -> !torch.vtensor<[2,4,1,1],f32>
  %xq = torch.aten.mul.Scalar %xq_s, %s : !torch.vtensor<[2,4,1,1],f32>, !torch.float -> !torch.vtensor<[2,4,1,1],f32>
  %flat = torch.aten.flatten.using_ints %xq, %int1, %intm1 : !torch.vtensor<[2,4,1,1],f32>, !torch.int, !torch.int -> !torch.vtensor<[2,4],f32>
  %y = torch.aten.linear %flat, %w, %b : !torch.vtensor<[2,4],f32>, !torch.vtensor<[2,4],f32>, !torch.vtensor<[2],f32> -> !torch.vtensor<[2,2],f32>
  func.return %y : !torch.vtensor<[2,2],f32>
}

// -----

// Two heads on the same int8 features (flattened once by reshape, once by
// flatten.using_ints), which are also returned: one qtrain.dequantize is shared, and
// the returned features stay int8.

// CHECK:       qtrain.param @head.weight = dense<1.000000e+00> : tensor<1x4xf32>
// CHECK-NEXT:  qtrain.param @head.bias = dense<0.000000e+00> : tensor<1xf32>
// CHECK-NEXT:  qtrain.param @head.weight_1 = dense<-1.000000e+00> : tensor<1x4xf32>
// CHECK-NEXT:  qtrain.param @head.bias_1 = dense<1.000000e+00> : tensor<1xf32>
// CHECK-LABEL: func.func @two_heads(
// CHECK-SAME:  %[[X:.*]]: tensor<1x2x2x1x!qtrain.qi8<0.5, 0>>) -> (tensor<1x2x2x1x!qtrain.qi8<0.5, 0>>, tensor<1x1xf32>, tensor<1x1xf32>) {
// CHECK-NEXT:    %[[D:.*]] = qtrain.dequantize %[[X]] : tensor<1x2x2x1x!qtrain.qi8<0.5, 0>> -> tensor<1x2x2x1xf32>
// CHECK-NEXT:    %[[F1:.*]] = qtrain.flatten %[[D]] : tensor<1x2x2x1xf32> -> tensor<1x4xf32>
// CHECK-NEXT:    %[[W1:.*]] = qtrain.get_param @head.weight : tensor<1x4xf32>
// CHECK-NEXT:    %[[B1:.*]] = qtrain.get_param @head.bias : tensor<1xf32>
// CHECK-NEXT:    %[[Y1:.*]] = qtrain.linear %[[F1]], %[[W1]], %[[B1]] : (tensor<1x4xf32>, tensor<1x4xf32>, tensor<1xf32>) -> tensor<1x1xf32>
// CHECK-NEXT:    %[[F2:.*]] = qtrain.flatten %[[D]] : tensor<1x2x2x1xf32> -> tensor<1x4xf32>
// CHECK-NEXT:    %[[W2:.*]] = qtrain.get_param @head.weight_1 : tensor<1x4xf32>
// CHECK-NEXT:    %[[B2:.*]] = qtrain.get_param @head.bias_1 : tensor<1xf32>
// CHECK-NEXT:    %[[Y2:.*]] = qtrain.linear %[[F2]], %[[W2]], %[[B2]] : (tensor<1x4xf32>, tensor<1x4xf32>, tensor<1xf32>) -> tensor<1x1xf32>
// CHECK-NEXT:    func.return %[[X]], %[[Y1]], %[[Y2]] : tensor<1x2x2x1x!qtrain.qi8<0.5, 0>>, tensor<1x1xf32>, tensor<1x1xf32>
// CHECK-NEXT:  }

func.func @two_heads(%x: !torch.vtensor<[1,2,2,1],f32>) -> (!torch.vtensor<[1,2,2,1],f32>, !torch.vtensor<[1,1],f32>, !torch.vtensor<[1,1],f32>) {
  %int0 = torch.constant.int 0 : i64
  %int1 = torch.constant.int 1 : i64
  %lo = torch.vtensor.literal(dense<-128> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %hi = torch.vtensor.literal(dense<127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
  %s = torch.constant.float 5.000000e-01 : f64
  %int4 = torch.constant.int 4 : i64
  %intm1 = torch.constant.int -1 : i64
  %w1 = torch.vtensor.literal(dense<1.0> : tensor<1x4xf32>) : !torch.vtensor<[1,4],f32>
  %b1 = torch.vtensor.literal(dense<0.0> : tensor<1xf32>) : !torch.vtensor<[1],f32>
  %w2 = torch.vtensor.literal(dense<-1.0> : tensor<1x4xf32>) : !torch.vtensor<[1,4],f32>
  %b2 = torch.vtensor.literal(dense<1.0> : tensor<1xf32>) : !torch.vtensor<[1],f32>
  // %xq = fake_quantize_per_tensor_affine(%x, %s, %int0, -128, 127)
  %xq_d = torch.aten.div.Scalar %x, %s : !torch.vtensor<[1,2,2,1],f32>, !torch.float -> !torch.vtensor<[1,2,2,1],f32>
  %xq_r = torch.aten.round %xq_d : !torch.vtensor<[1,2,2,1],f32> -> !torch.vtensor<[1,2,2,1],f32>
  %xq_a = torch.aten.add.Scalar %xq_r, %int0, %int1 : !torch.vtensor<[1,2,2,1],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,1],f32>
  %xq_max = torch.aten.maximum %xq_a, %lo : !torch.vtensor<[1,2,2,1],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,1],f32>
  %xq_min = torch.aten.minimum %xq_max, %hi : !torch.vtensor<[1,2,2,1],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,1],f32>
  %xq_s = torch.aten.sub.Scalar %xq_min, %int0, %int1 : !torch.vtensor<[1,2,2,1],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,1],f32>
  %xq = torch.aten.mul.Scalar %xq_s, %s : !torch.vtensor<[1,2,2,1],f32>, !torch.float -> !torch.vtensor<[1,2,2,1],f32>
  %shape = torch.prim.ListConstruct %int1, %int4 : (!torch.int, !torch.int) -> !torch.list<int>
  %flat1 = torch.aten.reshape %xq, %shape : !torch.vtensor<[1,2,2,1],f32>, !torch.list<int> -> !torch.vtensor<[1,4],f32>
  %y1 = torch.aten.linear %flat1, %w1, %b1 : !torch.vtensor<[1,4],f32>, !torch.vtensor<[1,4],f32>, !torch.vtensor<[1],f32> -> !torch.vtensor<[1,1],f32>
  %flat2 = torch.aten.flatten.using_ints %xq, %int1, %intm1 : !torch.vtensor<[1,2,2,1],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,4],f32>
  %y2 = torch.aten.linear %flat2, %w2, %b2 : !torch.vtensor<[1,4],f32>, !torch.vtensor<[1,4],f32>, !torch.vtensor<[1],f32> -> !torch.vtensor<[1,1],f32>
  func.return %xq, %y1, %y2 : !torch.vtensor<[1,2,2,1],f32>, !torch.vtensor<[1,1],f32>, !torch.vtensor<[1,1],f32>
}
