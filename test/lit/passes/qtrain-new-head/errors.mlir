// Diagnostics of qtrain-new-head: tt-opt prints the PassFailedException on stderr, prints
// no module, and exits 1 (hence `not`). The functions below are selected with `function=`.

// RUN: not %tt-opt %s -p 'qtrain-new-head{classes=1 function=pooled}' 2>&1 | %filecheck %s --check-prefix=CLASSES1
// RUN: not %tt-opt %s -p 'qtrain-new-head{classes=0 function=pooled}' 2>&1 | %filecheck %s --check-prefix=CLASSES0
// RUN: not %tt-opt %s -p 'qtrain-new-head{classes=3 function=spatial}' 2>&1 | %filecheck %s --check-prefix=SPATIAL
// RUN: not %tt-opt %s -p 'qtrain-new-head{classes=3 function=dequantized}' 2>&1 | %filecheck %s --check-prefix=DEQUANT
// RUN: not %tt-opt %s -p 'qtrain-new-head{classes=3 function=two_results}' 2>&1 | %filecheck %s --check-prefix=TWO
// RUN: not %tt-opt %s -p 'qtrain-new-head{classes=3}' 2>&1 | %filecheck %s --check-prefix=NOMAIN

// A classifier needs at least two classes; checked before anything else.
// CLASSES1:     qtrain-new-head: classes must be >= 2, got 1
// CLASSES1-NOT: builtin.module
// CLASSES0:     qtrain-new-head: classes must be >= 2, got 0
// CLASSES0-NOT: builtin.module

qtrain.param @c.w = dense<1> : tensor<5x4x1x1xi8>
qtrain.param @c.b = dense<0> : tensor<5xi32>

// Returns pooled N x C x 1 x 1 features: valid input (a head would be added), used only for
// the `classes` checks.
func.func @pooled(%x: tensor<1x4x2x2x!qtrain.qi8<0.25, -128>>) -> tensor<1x4x1x1x!qtrain.qi8<0.25, -128>> {
  %p = qtrain.global_avgpool %x : tensor<1x4x2x2x!qtrain.qi8<0.25, -128>> -> tensor<1x4x1x1x!qtrain.qi8<0.25, -128>>
  func.return %p : tensor<1x4x1x1x!qtrain.qi8<0.25, -128>>
}

// A 1x1 int8 conv on 2x2 (unpooled) features is not a classifier, and its 1x5x2x2 result
// is not a feature either (features are N x C x 1 x 1).
// SPATIAL:     qtrain-new-head: @spatial returns tensor<1x5x2x2x!qtrain.qi8<0.125, 0>>; expected logits of an int8 1x1 qtrain.conv2d on 1x1 features or of a qtrain.linear, or features (N x C x 1 x 1 int8, N x C f32)
// SPATIAL-NOT: builtin.module
func.func @spatial(%x: tensor<1x4x2x2x!qtrain.qi8<0.25, -128>>) -> tensor<1x5x2x2x!qtrain.qi8<0.125, 0>> {
  %w = qtrain.get_param @c.w : tensor<5x4x1x1xi8>
  %b = qtrain.get_param @c.b : tensor<5xi32>
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.5, 0.5, 0.5, 0.5, 0.5>} : (tensor<1x4x2x2x!qtrain.qi8<0.25, -128>>, tensor<5x4x1x1xi8>, tensor<5xi32>) -> tensor<1x5x2x2x!qtrain.qi8<0.125, 0>>
  func.return %y : tensor<1x5x2x2x!qtrain.qi8<0.125, 0>>
}

// Dequantized but not flattened: an f32 feature must be N x C (rank 2), this is rank 4.
// DEQUANT:     qtrain-new-head: @dequantized returns tensor<1x4x1x1xf32>; expected logits of an int8 1x1 qtrain.conv2d
// DEQUANT-NOT: builtin.module
func.func @dequantized(%x: tensor<1x4x1x1x!qtrain.qi8<0.25, -128>>) -> tensor<1x4x1x1xf32> {
  %d = qtrain.dequantize %x : tensor<1x4x1x1x!qtrain.qi8<0.25, -128>> -> tensor<1x4x1x1xf32>
  func.return %d : tensor<1x4x1x1xf32>
}

// Two results: which one would be the logits?
// TWO:     qtrain-new-head: @two_results must return exactly the logits
// TWO-NOT: builtin.module
func.func @two_results(%f: tensor<1x4xf32>) -> (tensor<1x4xf32>, tensor<1x4xf32>) {
  func.return %f, %f : tensor<1x4xf32>, tensor<1x4xf32>
}

// The default function is @main, and this module has none.
// NOMAIN:     qtrain-new-head: no function @main in the module
// NOMAIN-NOT: builtin.module
