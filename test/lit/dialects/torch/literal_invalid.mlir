// RUN: %tt-opt %s --verify-diagnostics | %filecheck %s

func.func @bad() -> !torch.vtensor<[4],f32> {
  %0 = "torch.vtensor.literal"() <{value = dense<1.0> : tensor<3xf32>}> : () -> !torch.vtensor<[4],f32>
  func.return %0 : !torch.vtensor<[4],f32>
}
// CHECK: torch.vtensor.literal: literal type tensor<3xf32> does not match !torch.vtensor<[4],f32>
