// Diagnostics of qtrain-training come from the pass that fails; tt-opt prints them on
// stderr, no module, and exits 1.

// classes=0 skips qtrain-new-head: the int8 logits then stop qtrain-append-loss.
// RUN: not %tt-opt %s -p 'qtrain-training{classes=0}' 2>&1 | %filecheck %s --check-prefix=NOHEAD
// RUN: not %tt-opt %s -p 'qtrain-training{classes=1}' 2>&1 | %filecheck %s --check-prefix=CLASSES
// RUN: not %tt-opt %s -p 'qtrain-training{classes=3 scheme=bogus}' 2>&1 | %filecheck %s --check-prefix=SCHEME
// One conv is left after the new head replaces the classifier: k = 2 is too many.
// RUN: not %tt-opt %s -p 'qtrain-training{classes=3 scheme=last-k k=2}' 2>&1 | %filecheck %s --check-prefix=LASTK
// RUN: not %tt-opt %s -p 'qtrain-training{classes=3 lr=-0.5}' 2>&1 | %filecheck %s --check-prefix=LR

// NOHEAD:      qtrain-append-loss: @main returns tensor<1x5x1x1x!qtrain.qi8<0.125, 0>>, expected fp32 logits N x K
// NOHEAD-NOT:  builtin.module
// CLASSES:     qtrain-new-head: classes must be >= 2, got 1
// CLASSES-NOT: builtin.module
// SCHEME:      qtrain-sparse-update: unknown scheme 'bogus'
// SCHEME-NOT:  builtin.module
// LASTK:       qtrain-sparse-update: scheme last-k: k must be in 1..1, got 2
// LASTK-NOT:   builtin.module
// LR:          qtrain-sgd: learning rates must be >= 0
// LR-NOT:      builtin.module

qtrain.param @c0.w = dense<1> : tensor<4x2x1x1xi8>
qtrain.param @c0.b = dense<[1, 2, 3, 4]> : tensor<4xi32>
qtrain.param @cls.w = dense<1> : tensor<5x4x1x1xi8>
qtrain.param @cls.b = dense<[1, 2, 3, 4, 5]> : tensor<5xi32>
func.func @main(%x: tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>) -> tensor<1x5x1x1x!qtrain.qi8<0.125, 0>> {
  %w0 = qtrain.get_param @c0.w : tensor<4x2x1x1xi8>
  %b0 = qtrain.get_param @c0.b : tensor<4xi32>
  %y0 = qtrain.conv2d %x, %w0, %b0 {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.25, 0.25, 0.25, 0.25>} : (tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>, tensor<4x2x1x1xi8>, tensor<4xi32>) -> tensor<1x4x2x2x!qtrain.qi8<0.25, -128>>
  %p = qtrain.global_avgpool %y0 : tensor<1x4x2x2x!qtrain.qi8<0.25, -128>> -> tensor<1x4x1x1x!qtrain.qi8<0.25, -128>>
  %cw = qtrain.get_param @cls.w : tensor<5x4x1x1xi8>
  %cb = qtrain.get_param @cls.b : tensor<5xi32>
  %l = qtrain.conv2d %p, %cw, %cb {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.5, 0.5, 0.5, 0.5, 0.5>} : (tensor<1x4x1x1x!qtrain.qi8<0.25, -128>>, tensor<5x4x1x1xi8>, tensor<5xi32>) -> tensor<1x5x1x1x!qtrain.qi8<0.125, 0>>
  func.return %l : tensor<1x5x1x1x!qtrain.qi8<0.125, 0>>
}
