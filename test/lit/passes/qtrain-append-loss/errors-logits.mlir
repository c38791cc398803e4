// Diagnostics of qtrain-append-loss on functions that do not return fp32 N x K logits:
// tt-opt prints the PassFailedException on stderr, no module, and exits 1 (hence `not`).

// RUN: not %tt-opt %s -p qtrain-append-loss 2>&1 | %filecheck %s --check-prefix=INT8
// RUN: not %tt-opt %s -p 'qtrain-append-loss{function=rank4}' 2>&1 | %filecheck %s --check-prefix=RANK4
// RUN: not %tt-opt %s -p 'qtrain-append-loss{function=two_results}' 2>&1 | %filecheck %s --check-prefix=TWO
// RUN: not %tt-opt %s -p 'qtrain-append-loss{function=missing}' 2>&1 | %filecheck %s --check-prefix=MISSING

qtrain.param @cls.w = dense<1> : tensor<5x4x1x1xi8>
qtrain.param @cls.b = dense<0> : tensor<5xi32>

// int8 logits of a pretrained classifier conv: qtrain-new-head must replace it first.
// INT8:     qtrain-append-loss: @main returns tensor<1x5x1x1x!qtrain.qi8<0.125, 0>>, expected fp32 logits N x K (run qtrain-new-head first for a model with int8 logits)
// INT8-NOT: builtin.module
func.func @main(%p: tensor<1x4x1x1x!qtrain.qi8<0.25, -128>>) -> tensor<1x5x1x1x!qtrain.qi8<0.125, 0>> {
  %cw = qtrain.get_param @cls.w : tensor<5x4x1x1xi8>
  %cb = qtrain.get_param @cls.b : tensor<5xi32>
  %l = qtrain.conv2d %p, %cw, %cb {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.5, 0.5, 0.5, 0.5, 0.5>} : (tensor<1x4x1x1x!qtrain.qi8<0.25, -128>>, tensor<5x4x1x1xi8>, tensor<5xi32>) -> tensor<1x5x1x1x!qtrain.qi8<0.125, 0>>
  func.return %l : tensor<1x5x1x1x!qtrain.qi8<0.125, 0>>
}

// fp32, but rank 4 (not flattened).
// RANK4:     qtrain-append-loss: @rank4 returns tensor<1x4x1x1xf32>, expected fp32 logits N x K
// RANK4-NOT: builtin.module
func.func @rank4(%p: tensor<1x4x1x1x!qtrain.qi8<0.25, -128>>) -> tensor<1x4x1x1xf32> {
  %d = qtrain.dequantize %p : tensor<1x4x1x1x!qtrain.qi8<0.25, -128>> -> tensor<1x4x1x1xf32>
  func.return %d : tensor<1x4x1x1xf32>
}

// TWO:     qtrain-append-loss: @two_results must return exactly the logits
// TWO-NOT: builtin.module
func.func @two_results(%f: tensor<1x4xf32>) -> (tensor<1x4xf32>, tensor<1x4xf32>) {
  func.return %f, %f : tensor<1x4xf32>, tensor<1x4xf32>
}

// MISSING:     qtrain-append-loss: no function @missing in the module
// MISSING-NOT: builtin.module
