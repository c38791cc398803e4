// RUN: %tt-opt %s -p convert-torch-to-qtrain | %filecheck %s

// End to end on the importer's own output: frontends.torch_import.import_to_torch_dialect
// of a tiny fakequant model, QuantizeInput(0.5, -1) -> QConv2d (1x1, 2 -> 2) ->
// QConv2d (depthwise 3x3, stride 2, pad 1) -> QAdd(z, z) -> QGlobalAvgPool -> LinearHead,
// on a [1, 2, 4, 4] input, printed as is (literals already materialized as `dense`).
//   conv: s_x = 0.5,  s_w = [0.25, 0.5]   W_q = [[1, -2], [3, 4]], b_q = [3, -4]
//   dw:   s_x = 0.25, s_w = [0.125, 0.5]  W_q = [-8 .. 0] and [1 .. 9], b_q = [1, 2]
// (literal values: channel 0 of dw is [-1.0, -0.875, ..., 0.0] = [-8, ..., 0] * 0.125).

// CHECK:       qtrain.param @conv.weight = dense<{{\[\[\[\[}}1]], {{\[\[}}-2]]], {{\[\[\[}}3]], {{\[\[}}4]]]]> : tensor<2x2x1x1xi8>
// CHECK-NEXT:  qtrain.param @conv.bias = dense<[3, -4]> : tensor<2xi32>
// CHECK-NEXT:  qtrain.param @dw.weight = dense<{{\[\[\[\[}}-8, -7, -6], [-5, -4, -3], [-2, -1, 0]]], {{\[\[\[}}1, 2, 3], [4, 5, 6], [7, 8, 9]]]]> : tensor<2x1x3x3xi8>
// CHECK-NEXT:  qtrain.param @dw.bias = dense<[1, 2]> : tensor<2xi32>
// CHECK-NEXT:  qtrain.param @head.linear.weight = dense<{{\[\[}}1.000000e+00, -1.000000e+00], [5.000000e-01, 2.000000e+00], [0.000000e+00, -2.500000e-01]]> : tensor<3x2xf32>
// CHECK-NEXT:  qtrain.param @head.linear.bias = dense<[5.000000e-01, 0.000000e+00, -1.000000e+00]> : tensor<3xf32>
// CHECK-NEXT:  func.func @main(%[[X:.*]]: tensor<1x2x4x4x!qtrain.qi8<0.5, -1>>) -> tensor<1x3xf32> {
// CHECK-NEXT:    %[[W0:.*]] = qtrain.get_param @conv.weight : tensor<2x2x1x1xi8>
// CHECK-NEXT:    %[[B0:.*]] = qtrain.get_param @conv.bias : tensor<2xi32>
// CHECK-NEXT:    %[[Y0:.*]] = qtrain.conv2d %[[X]], %[[W0]], %[[B0]] {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 2.500000e-01, 5.000000e-01>} : (tensor<1x2x4x4x!qtrain.qi8<0.5, -1>>, tensor<2x2x1x1xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.25, 0>>
// CHECK-NEXT:    %[[W1:.*]] = qtrain.get_param @dw.weight : tensor<2x1x3x3xi8>
// CHECK-NEXT:    %[[B1:.*]] = qtrain.get_param @dw.bias : tensor<2xi32>
// CHECK-NEXT:    %[[Y1:.*]] = qtrain.conv2d %[[Y0]], %[[W1]], %[[B1]] {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 2 : i64, w_scales = array<f32: 1.250000e-01, 5.000000e-01>} : (tensor<1x2x4x4x!qtrain.qi8<0.25, 0>>, tensor<2x1x3x3xi8>, tensor<2xi32>) -> tensor<1x2x2x2x!qtrain.qi8<0.25, -128>>
// CHECK-NEXT:    %[[S:.*]] = qtrain.add %[[Y1]], %[[Y1]] : (tensor<1x2x2x2x!qtrain.qi8<0.25, -128>>, tensor<1x2x2x2x!qtrain.qi8<0.25, -128>>) -> tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>
// CHECK-NEXT:    %[[P:.*]] = qtrain.global_avgpool %[[S]] : tensor<1x2x2x2x!qtrain.qi8<0.5, 0>> -> tensor<1x2x1x1x!qtrain.qi8<0.5, 0>>
// CHECK-NEXT:    %[[D:.*]] = qtrain.dequantize %[[P]] : tensor<1x2x1x1x!qtrain.qi8<0.5, 0>> -> tensor<1x2x1x1xf32>
// CHECK-NEXT:    %[[F:.*]] = qtrain.flatten %[[D]] : tensor<1x2x1x1xf32> -> tensor<1x2xf32>
// CHECK-NEXT:    %[[HW:.*]] = qtrain.get_param @head.linear.weight : tensor<3x2xf32>
// CHECK-NEXT:    %[[HB:.*]] = qtrain.get_param @head.linear.bias : tensor<3xf32>
// CHECK-NEXT:    %[[L:.*]] = qtrain.linear %[[F]], %[[HW]], %[[HB]] : (tensor<1x2xf32>, tensor<3x2xf32>, tensor<3xf32>) -> tensor<1x3xf32>
// CHECK-NEXT:    func.return %[[L]] : tensor<1x3xf32>
// CHECK-NEXT:  }
// CHECK-NEXT: }

builtin.module {
  func.func @main(%arg0: !torch.vtensor<[1,2,4,4],f32>) -> !torch.vtensor<[1,3],f32> {
    %0 = torch.constant.int 4 : i64
    %1 = torch.vtensor.literal(dense<127> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
    %2 = torch.vtensor.literal(dense<-128> : tensor<1xsi64>) : !torch.vtensor<[1],si64>
    %3 = torch.vtensor.literal(dense<[5.000000e-01, 0.000000e+00, -1.000000e+00]> : tensor<3xf32>) {tt.param_name = "head.linear.bias"} : !torch.vtensor<[3],f32>
    %4 = torch.vtensor.literal(dense<[[1.000000e+00, -1.000000e+00], [5.000000e-01, 2.000000e+00], [0.000000e+00, -2.500000e-01]]> : tensor<3x2xf32>) {tt.param_name = "head.linear.weight"} : !torch.vtensor<[3,2],f32>
    %5 = torch.constant.bool true
    %6 = torch.vtensor.literal(dense<[3.125000e-02, 1.250000e-01]> : tensor<2xf32>) {tt.param_name = "dw.bias_scale"} : !torch.vtensor<[2],f32>
    %7 = torch.vtensor.literal(dense<[1, 2]> : tensor<2xsi32>) {tt.param_name = "dw.bias_q"} : !torch.vtensor<[2],si32>
    %8 = torch.constant.int 2 : i64
    %9 = torch.vtensor.literal(dense<0> : tensor<2xsi32>) {tt.param_name = "dw.w_zero_points"} : !torch.vtensor<[2],si32>
    %10 = torch.vtensor.literal(dense<[1.250000e-01, 5.000000e-01]> : tensor<2xf32>) {tt.param_name = "dw.w_scales"} : !torch.vtensor<[2],f32>
    %11 = torch.vtensor.literal(dense<[[[[-1.000000e+00, -8.750000e-01, -7.500000e-01], [-6.250000e-01, -5.000000e-01, -3.750000e-01], [-2.500000e-01, -1.250000e-01, 0.000000e+00]]], [[[5.000000e-01, 1.000000e+00, 1.500000e+00], [2.000000e+00, 2.500000e+00, 3.000000e+00], [3.500000e+00, 4.000000e+00, 4.500000e+00]]]]> : tensor<2x1x3x3xf32>) {tt.param_name = "dw.weight"} : !torch.vtensor<[2,1,3,3],f32>
    %12 = torch.constant.float 2.500000e-01 : f64
    %13 = torch.vtensor.literal(dense<[1.250000e-01, 2.500000e-01]> : tensor<2xf32>) {tt.param_name = "conv.bias_scale"} : !torch.vtensor<[2],f32>
    %14 = torch.constant.int 6 : i64
    %15 = torch.constant.int 3 : i64
    %16 = torch.vtensor.literal(dense<[3, -4]> : tensor<2xsi32>) {tt.param_name = "conv.bias_q"} : !torch.vtensor<[2],si32>
    %17 = torch.constant.bool false
    %18 = torch.constant.int 1 : i64
    %19 = torch.constant.none
    %20 = torch.constant.int -127 : i64
    %21 = torch.constant.int 0 : i64
    %22 = torch.vtensor.literal(dense<0> : tensor<2xsi32>) {tt.param_name = "conv.w_zero_points"} : !torch.vtensor<[2],si32>
    %23 = torch.vtensor.literal(dense<[2.500000e-01, 5.000000e-01]> : tensor<2xf32>) {tt.param_name = "conv.w_scales"} : !torch.vtensor<[2],f32>
    %24 = torch.vtensor.literal(dense<[[[[2.500000e-01]], [[-5.000000e-01]]], [[[1.500000e+00]], [[2.000000e+00]]]]> : tensor<2x2x1x1xf32>) {tt.param_name = "conv.weight"} : !torch.vtensor<[2,2,1,1],f32>
    %25 = torch.constant.float 5.000000e-01 : f64
    %26 = torch.constant.int -1 : i64
    %27 = torch.constant.int -128 : i64
    %28 = torch.constant.int 127 : i64
    %29 = torch.aten.div.Scalar %arg0, %25 : !torch.vtensor<[1,2,4,4],f32>, !torch.float -> !torch.vtensor<[1,2,4,4],f32>
    %30 = torch.aten.round %29 : !torch.vtensor<[1,2,4,4],f32> -> !torch.vtensor<[1,2,4,4],f32>
    %31 = torch.aten.add.Scalar %30, %26, %18 : !torch.vtensor<[1,2,4,4],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,4,4],f32>
    %32 = torch.aten.maximum %31, %2 : !torch.vtensor<[1,2,4,4],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,4,4],f32>
    %33 = torch.aten.minimum %32, %1 : !torch.vtensor<[1,2,4,4],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,4,4],f32>
    %34 = torch.aten.sub.Scalar %33, %26, %18 : !torch.vtensor<[1,2,4,4],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,4,4],f32>
    %35 = torch.aten.mul.Scalar %34, %25 : !torch.vtensor<[1,2,4,4],f32>, !torch.float -> !torch.vtensor<[1,2,4,4],f32>
    %36 = torch.aten.fake_quantize_per_channel_affine %24, %23, %22, %21, %20, %28 : !torch.vtensor<[2,2,1,1],f32>, !torch.vtensor<[2],f32>, !torch.vtensor<[2],si32>, !torch.int, !torch.int, !torch.int -> !torch.vtensor<[2,2,1,1],f32>
    %37 = torch.prim.ListConstruct %18, %18 : (!torch.int, !torch.int) -> !torch.list<int>
    %38 = torch.prim.ListConstruct %21, %21 : (!torch.int, !torch.int) -> !torch.list<int>
    %39 = torch.prim.ListConstruct %18, %18 : (!torch.int, !torch.int) -> !torch.list<int>
    %40 = torch.prim.ListConstruct %21, %21 : (!torch.int, !torch.int) -> !torch.list<int>
    %41 = torch.aten.convolution %35, %36, %19, %37, %38, %39, %17, %40, %18 : !torch.vtensor<[1,2,4,4],f32>, !torch.vtensor<[2,2,1,1],f32>, !torch.none, !torch.list<int>, !torch.list<int>, !torch.list<int>, !torch.bool, !torch.list<int>, !torch.int -> !torch.vtensor<[1,2,4,4],f32>
    %42 = torch.aten.to.dtype %16, %14, %17, %17, %19 : !torch.vtensor<[2],si32>, !torch.int, !torch.bool, !torch.bool, !torch.none -> !torch.vtensor<[2],f32>
    %43 = torch.aten.mul.Tensor %42, %13 : !torch.vtensor<[2],f32>, !torch.vtensor<[2],f32> -> !torch.vtensor<[2],f32>
    %44 = torch.prim.ListConstruct %18, %26, %18, %18 : (!torch.int, !torch.int, !torch.int, !torch.int) -> !torch.list<int>
    %45 = torch.aten.view %43, %44 : !torch.vtensor<[2],f32>, !torch.list<int> -> !torch.vtensor<[1,2,1,1],f32>
    %46 = torch.aten.add.Tensor %41, %45, %18 : !torch.vtensor<[1,2,4,4],f32>, !torch.vtensor<[1,2,1,1],f32>, !torch.int -> !torch.vtensor<[1,2,4,4],f32>
    %47 = torch.aten.div.Scalar %46, %12 : !torch.vtensor<[1,2,4,4],f32>, !torch.float -> !torch.vtensor<[1,2,4,4],f32>
    %48 = torch.aten.round %47 : !torch.vtensor<[1,2,4,4],f32> -> !torch.vtensor<[1,2,4,4],f32>
    %49 = torch.aten.add.Scalar %48, %21, %18 : !torch.vtensor<[1,2,4,4],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,4,4],f32>
    %50 = torch.aten.maximum %49, %2 : !torch.vtensor<[1,2,4,4],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,4,4],f32>
    %51 = torch.aten.minimum %50, %1 : !torch.vtensor<[1,2,4,4],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,4,4],f32>
    %52 = torch.aten.sub.Scalar %51, %21, %18 : !torch.vtensor<[1,2,4,4],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,4,4],f32>
    %53 = torch.aten.mul.Scalar %52, %12 : !torch.vtensor<[1,2,4,4],f32>, !torch.float -> !torch.vtensor<[1,2,4,4],f32>
    %54 = torch.aten.fake_quantize_per_channel_affine %11, %10, %9, %21, %20, %28 : !torch.vtensor<[2,1,3,3],f32>, !torch.vtensor<[2],f32>, !torch.vtensor<[2],si32>, !torch.int, !torch.int, !torch.int -> !torch.vtensor<[2,1,3,3],f32>
    %55 = torch.prim.ListConstruct %8, %8 : (!torch.int, !torch.int) -> !torch.list<int>
    %56 = torch.prim.ListConstruct %18, %18 : (!torch.int, !torch.int) -> !torch.list<int>
    %57 = torch.prim.ListConstruct %18, %18 : (!torch.int, !torch.int) -> !torch.list<int>
    %58 = torch.prim.ListConstruct %21, %21 : (!torch.int, !torch.int) -> !torch.list<int>
    %59 = torch.aten.convolution %53, %54, %19, %55, %56, %57, %17, %58, %8 : !torch.vtensor<[1,2,4,4],f32>, !torch.vtensor<[2,1,3,3],f32>, !torch.none, !torch.list<int>, !torch.list<int>, !torch.list<int>, !torch.bool, !torch.list<int>, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
    %60 = torch.aten.to.dtype %7, %14, %17, %17, %19 : !torch.vtensor<[2],si32>, !torch.int, !torch.bool, !torch.bool, !torch.none -> !torch.vtensor<[2],f32>
    %61 = torch.aten.mul.Tensor %60, %6 : !torch.vtensor<[2],f32>, !torch.vtensor<[2],f32> -> !torch.vtensor<[2],f32>
    %62 = torch.prim.ListConstruct %18, %26, %18, %18 : (!torch.int, !torch.int, !torch.int, !torch.int) -> !torch.list<int>
    %63 = torch.aten.view %61, %62 : !torch.vtensor<[2],f32>, !torch.list<int> -> !torch.vtensor<[1,2,1,1],f32>
    %64 = torch.aten.add.Tensor %59, %63, %18 : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1,2,1,1],f32>, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
    %65 = torch.aten.div.Scalar %64, %12 : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
    %66 = torch.aten.round %65 : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
    %67 = torch.aten.add.Scalar %66, %27, %18 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
    %68 = torch.aten.maximum %67, %2 : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
    %69 = torch.aten.minimum %68, %1 : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
    %70 = torch.aten.sub.Scalar %69, %27, %18 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
    %71 = torch.aten.mul.Scalar %70, %12 : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
    %72 = torch.aten.add.Tensor %71, %71, %18 : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1,2,2,2],f32>, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
    %73 = torch.aten.div.Scalar %72, %25 : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
    %74 = torch.aten.round %73 : !torch.vtensor<[1,2,2,2],f32> -> !torch.vtensor<[1,2,2,2],f32>
    %75 = torch.aten.add.Scalar %74, %21, %18 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
    %76 = torch.aten.maximum %75, %2 : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
    %77 = torch.aten.minimum %76, %1 : !torch.vtensor<[1,2,2,2],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,2,2],f32>
    %78 = torch.aten.sub.Scalar %77, %21, %18 : !torch.vtensor<[1,2,2,2],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,2,2],f32>
    %79 = torch.aten.mul.Scalar %78, %25 : !torch.vtensor<[1,2,2,2],f32>, !torch.float -> !torch.vtensor<[1,2,2,2],f32>
    %80 = torch.prim.ListConstruct %8, %15 : (!torch.int, !torch.int) -> !torch.list<int>
    %81 = torch.aten.sum.dim_IntList %79, %80, %5, %19 : !torch.vtensor<[1,2,2,2],f32>, !torch.list<int>, !torch.bool, !torch.none -> !torch.vtensor<[1,2,1,1],f32>
    %82 = torch.aten.div.Scalar %81, %0 : !torch.vtensor<[1,2,1,1],f32>, !torch.int -> !torch.vtensor<[1,2,1,1],f32>
    %83 = torch.aten.div.Scalar %82, %25 : !torch.vtensor<[1,2,1,1],f32>, !torch.float -> !torch.vtensor<[1,2,1,1],f32>
    %84 = torch.aten.round %83 : !torch.vtensor<[1,2,1,1],f32> -> !torch.vtensor<[1,2,1,1],f32>
    %85 = torch.aten.add.Scalar %84, %21, %18 : !torch.vtensor<[1,2,1,1],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,1,1],f32>
    %86 = torch.aten.maximum %85, %2 : !torch.vtensor<[1,2,1,1],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,1,1],f32>
    %87 = torch.aten.minimum %86, %1 : !torch.vtensor<[1,2,1,1],f32>, !torch.vtensor<[1],si64> -> !torch.vtensor<[1,2,1,1],f32>
    %88 = torch.aten.sub.Scalar %87, %21, %18 : !torch.vtensor<[1,2,1,1],f32>, !torch.int, !torch.int -> !torch.vtensor<[1,2,1,1],f32>
    %89 = torch.aten.mul.Scalar %88, %25 : !torch.vtensor<[1,2,1,1],f32>, !torch.float -> !torch.vtensor<[1,2,1,1],f32>
    %90 = torch.prim.ListConstruct %18, %8 : (!torch.int, !torch.int) -> !torch.list<int>
    %91 = torch.aten.view %89, %90 : !torch.vtensor<[1,2,1,1],f32>, !torch.list<int> -> !torch.vtensor<[1,2],f32>
    %92 = torch.prim.ListConstruct %18, %21 : (!torch.int, !torch.int) -> !torch.list<int>
    %93 = torch.aten.permute %4, %92 : !torch.vtensor<[3,2],f32>, !torch.list<int> -> !torch.vtensor<[2,3],f32>
    %94 = torch.aten.mm %91, %93 : !torch.vtensor<[1,2],f32>, !torch.vtensor<[2,3],f32> -> !torch.vtensor<[1,3],f32>
    %95 = torch.aten.mul.Scalar %94, %18 : !torch.vtensor<[1,3],f32>, !torch.int -> !torch.vtensor<[1,3],f32>
    %96 = torch.aten.mul.Scalar %3, %18 : !torch.vtensor<[3],f32>, !torch.int -> !torch.vtensor<[3],f32>
    %97 = torch.aten.add.Tensor %95, %96, %18 : !torch.vtensor<[1,3],f32>, !torch.vtensor<[3],f32>, !torch.int -> !torch.vtensor<[1,3],f32>
    func.return %97 : !torch.vtensor<[1,3],f32>
  }
}
