// RUN: not %tt-opt %s -t c 2>&1 | %filecheck %s

// C needs the planned arena: a module on tensors is refused.

qtrain.param @w = dense<[[[[2]]]]> : tensor<1x1x1x1xi8>
qtrain.param @b = dense<[1]> : tensor<1xi32>
func.func @main(%x: tensor<1x1x2x2x!qtrain.qi8<0.5, 0>>) -> tensor<1x1x2x2x!qtrain.qi8<0.25, -3>> {
  %w = qtrain.get_param @w : tensor<1x1x1x1xi8>
  %b = qtrain.get_param @b : tensor<1xi32>
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.125>} : (tensor<1x1x2x2x!qtrain.qi8<0.5, 0>>, tensor<1x1x1x1xi8>, tensor<1xi32>) -> tensor<1x1x2x2x!qtrain.qi8<0.25, -3>>
  func.return %y : tensor<1x1x2x2x!qtrain.qi8<0.25, -3>>
}

// CHECK: tt-opt: error: c target: the module has no mem.arena (run qtrain-memory first)
