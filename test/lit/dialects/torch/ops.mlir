// RUN: %tt-opt %s | %tt-opt | %filecheck %s
// RUN: %tt-opt %s --print-op-generic | %tt-opt | %filecheck %s

// The generic form that torch-mlir's FX importer prints parses into the accepted subset.

// CHECK-LABEL: func.func @main
func.func @main(%arg0: !torch.vtensor<[1,3,8,8],f32>) -> !torch.vtensor<[1,4,4,4],f32> {
  // CHECK: %[[W:.*]] = torch.vtensor.literal(dense<1.000000e+00> : tensor<4x3x3x3xf32>) : !torch.vtensor<[4,3,3,3],f32>
  %w = "torch.vtensor.literal"() <{value = dense<1.0> : tensor<4x3x3x3xf32>}> : () -> !torch.vtensor<[4,3,3,3],f32>
  // CHECK-NEXT: %[[NONE:.*]] = torch.constant.none
  %none = "torch.constant.none"() : () -> !torch.none
  // CHECK-NEXT: %[[FALSE:.*]] = torch.constant.bool false
  %false = "torch.constant.bool"() <{value = false}> : () -> !torch.bool
  // CHECK-NEXT: %[[ONE:.*]] = torch.constant.int 1 : i64
  %one = "torch.constant.int"() <{value = 1 : i64}> : () -> !torch.int
  // CHECK-NEXT: %[[TWO:.*]] = torch.constant.int 2 : i64
  %two = "torch.constant.int"() <{value = 2 : i64}> : () -> !torch.int
  // CHECK-NEXT: %[[ZERO:.*]] = torch.constant.int 0 : i64
  %zero = "torch.constant.int"() <{value = 0 : i64}> : () -> !torch.int
  // CHECK-NEXT: %[[S:.*]] = torch.prim.ListConstruct %[[TWO]], %[[TWO]] : (!torch.int, !torch.int) -> !torch.list<int>
  %stride = "torch.prim.ListConstruct"(%two, %two) : (!torch.int, !torch.int) -> !torch.list<int>
  %pad = "torch.prim.ListConstruct"(%one, %one) : (!torch.int, !torch.int) -> !torch.list<int>
  %dil = "torch.prim.ListConstruct"(%one, %one) : (!torch.int, !torch.int) -> !torch.list<int>
  %outpad = "torch.prim.ListConstruct"(%zero, %zero) : (!torch.int, !torch.int) -> !torch.list<int>
  // CHECK: %[[Y:.*]] = torch.aten.convolution %arg0, %[[W]], %[[NONE]], %[[S]], %{{.*}}, %{{.*}}, %[[FALSE]], %{{.*}}, %[[ONE]] : !torch.vtensor<[1,3,8,8],f32>, !torch.vtensor<[4,3,3,3],f32>, !torch.none, !torch.list<int>, !torch.list<int>, !torch.list<int>, !torch.bool, !torch.list<int>, !torch.int -> !torch.vtensor<[1,4,4,4],f32>
  %y = "torch.aten.convolution"(%arg0, %w, %none, %stride, %pad, %dil, %false, %outpad, %one) : (!torch.vtensor<[1,3,8,8],f32>, !torch.vtensor<[4,3,3,3],f32>, !torch.none, !torch.list<int>, !torch.list<int>, !torch.list<int>, !torch.bool, !torch.list<int>, !torch.int) -> !torch.vtensor<[1,4,4,4],f32>
  // CHECK-NEXT: %[[R:.*]] = torch.aten.relu %[[Y]] : !torch.vtensor<[1,4,4,4],f32> -> !torch.vtensor<[1,4,4,4],f32>
  %r = "torch.aten.relu"(%y) : (!torch.vtensor<[1,4,4,4],f32>) -> !torch.vtensor<[1,4,4,4],f32>
  // CHECK-NEXT: func.return %[[R]] : !torch.vtensor<[1,4,4,4],f32>
  func.return %r : !torch.vtensor<[1,4,4,4],f32>
}
