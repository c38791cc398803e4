// RUN: %tt-opt %s --split-input-file --parsing-diagnostics | %filecheck %s

// An op outside the accepted subset is rejected by name.
func.func @hardswish(%arg0: !torch.vtensor<[1,4],f32>) -> !torch.vtensor<[1,4],f32> {
  %0 = "torch.aten.hardswish"(%arg0) : (!torch.vtensor<[1,4],f32>) -> !torch.vtensor<[1,4],f32>
  func.return %0 : !torch.vtensor<[1,4],f32>
}
// CHECK: Operation torch.aten.hardswish is not registered

// -----

func.func @list(%arg0: !torch.list<vtensor>) {
  func.return
}
// CHECK: !torch.list<vtensor> is not supported (only int, float, bool)
