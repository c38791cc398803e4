// The initialisation is deterministic: the same seed gives the same module, byte for byte;
// another seed gives other head values (and nothing else changes).
// RUN: %tt-opt %s -p 'qtrain-new-head{classes=3 seed=0}' > %t.seed0.a
// RUN: %tt-opt %s -p 'qtrain-new-head{classes=3 seed=0}' > %t.seed0.b
// RUN: diff %t.seed0.a %t.seed0.b
// RUN: %tt-opt %s -p 'qtrain-new-head{classes=3 seed=1}' > %t.seed1
// RUN: not diff %t.seed0.a %t.seed1
// RUN: %filecheck %s < %t.seed0.a
// RUN: %filecheck %s < %t.seed1

qtrain.param @fc.w = dense<0.5> : tensor<2x4xf32>
qtrain.param @fc.b = dense<[0.1, 0.2]> : tensor<2xf32>
func.func @main(%f: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %fw = qtrain.get_param @fc.w : tensor<2x4xf32>
  %fb = qtrain.get_param @fc.b : tensor<2xf32>
  %l = qtrain.linear %f, %fw, %fb : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  func.return %l : tensor<1x2xf32>
}

// Both seeds give the same structure: only the two head parameters (3 x 4 and 3), whose
// values lie in [-1/sqrt(4), 1/sqrt(4)] = [-0.5, 0.5].
// CHECK:      builtin.module {
// CHECK-NEXT:   qtrain.param @head.weight trainable = dense<{{\[(\[(-?0\.[0-4][0-9]*(, )?){4}\](, )?){3}\]}}> : tensor<3x4xf32>
// CHECK-NEXT:   qtrain.param @head.bias trainable = dense<{{\[(-?0\.[0-4][0-9]*(, )?){3}\]}}> : tensor<3xf32>
// CHECK-NEXT:   func.func @main(%f: tensor<1x4xf32>) -> tensor<1x3xf32> {
// CHECK-NEXT:     %[[W:.*]] = qtrain.get_param @head.weight : tensor<3x4xf32>
// CHECK-NEXT:     %[[B:.*]] = qtrain.get_param @head.bias : tensor<3xf32>
// CHECK-NEXT:     %[[L:.*]] = qtrain.linear %f, %[[W]], %[[B]] : (tensor<1x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<1x3xf32>
// CHECK-NEXT:     func.return %[[L]] : tensor<1x3xf32>
// CHECK-NEXT:   }
// CHECK-NEXT: }
