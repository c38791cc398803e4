// RUN: %tt-opt %s | %tt-opt | %filecheck %s
// RUN: %tt-opt %s --print-op-generic | %tt-opt | %filecheck %s

// CHECK: qtrain.param @conv0.bias trainable = dense<[12, -3]> : tensor<2xi32>
qtrain.param @conv0.bias trainable = dense<[12, -3]> : tensor<2xi32>

// CHECK-LABEL: func.func @read
func.func @read() -> tensor<2xi32> {
  // CHECK: %[[B:.*]] = qtrain.get_param @conv0.bias : tensor<2xi32>
  // CHECK-NEXT: func.return %[[B]] : tensor<2xi32>
  %b = qtrain.get_param @conv0.bias : tensor<2xi32>
  func.return %b : tensor<2xi32>
}
