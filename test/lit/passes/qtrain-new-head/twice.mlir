// RUN: %tt-opt %s -p "qtrain-new-head{classes=3},qtrain-new-head{classes=4}" | %filecheck %s

// Regression: replacing a head whose parameters already use the new head's names.
// CHECK:     qtrain.param @head.weight trainable = dense<{{.*}}> : tensor<4x2xf32>
// CHECK:     qtrain.param @head.bias trainable = dense<{{.*}}> : tensor<4xf32>
// CHECK-NOT: tensor<3x2xf32>
// CHECK-LABEL: func.func @main
// CHECK:     qtrain.linear {{.*}} -> tensor<1x4xf32>

func.func @main(%x: tensor<1x2x1x1x!qtrain.qi8<0.5, 0>>) -> tensor<1x2x1x1x!qtrain.qi8<0.5, 0>> {
  func.return %x : tensor<1x2x1x1x!qtrain.qi8<0.5, 0>>
}
