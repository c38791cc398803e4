// Diagnostics of qtrain-sparse-update: schemes that do not exist, are malformed, or do not
// fit this 3-conv model. tt-opt prints the PassFailedException on stderr, no module, and
// exits 1 (hence `not`).

// RUN: not %tt-opt %s -p 'qtrain-append-loss,qtrain-autodiff,qtrain-sparse-update{scheme=bogus}' 2>&1 | %filecheck %s --check-prefix=UNKNOWN
// RUN: not %tt-opt %s -p 'qtrain-append-loss,qtrain-autodiff,qtrain-sparse-update{scheme=last-k k=4}' 2>&1 | %filecheck %s --check-prefix=LASTK
// RUN: not %tt-opt %s -p 'qtrain-append-loss,qtrain-autodiff,qtrain-sparse-update{scheme=last-k}' 2>&1 | %filecheck %s --check-prefix=LASTK0
// RUN: echo '{"weight_idx": [3], "weight_ratio": [1]}' > %t.index.json
// RUN: not %tt-opt %s -p 'qtrain-append-loss,qtrain-autodiff,qtrain-sparse-update{scheme="%t.index.json"}' 2>&1 | %filecheck %s --check-prefix=INDEX
// RUN: echo '{"weight_idx": [-1], "weight_ratio": [1]}' > %t.negative.json
// RUN: not %tt-opt %s -p 'qtrain-append-loss,qtrain-autodiff,qtrain-sparse-update{scheme="%t.negative.json"}' 2>&1 | %filecheck %s --check-prefix=NEGATIVE
// RUN: echo '{"n_bias_update": 4}' > %t.bias.json
// RUN: not %tt-opt %s -p 'qtrain-append-loss,qtrain-autodiff,qtrain-sparse-update{scheme="%t.bias.json"}' 2>&1 | %filecheck %s --check-prefix=NBIAS
// RUN: echo '{"weight_idx": [1], "weight_ratio": [1.5]}' > %t.ratio.json
// RUN: not %tt-opt %s -p 'qtrain-append-loss,qtrain-autodiff,qtrain-sparse-update{scheme="%t.ratio.json"}' 2>&1 | %filecheck %s --check-prefix=RATIO
// RUN: echo '{"weight_idx": [1, 2], "weight_ratio": [1]}' > %t.lengths.json
// RUN: not %tt-opt %s -p 'qtrain-append-loss,qtrain-autodiff,qtrain-sparse-update{scheme="%t.lengths.json"}' 2>&1 | %filecheck %s --check-prefix=LENGTHS
// RUN: echo '{"weight_idx": [1, 1], "weight_ratio": [1, 1]}' > %t.repeat.json
// RUN: not %tt-opt %s -p 'qtrain-append-loss,qtrain-autodiff,qtrain-sparse-update{scheme="%t.repeat.json"}' 2>&1 | %filecheck %s --check-prefix=REPEAT
// RUN: echo '{"weight_idx": [1], "weight_ratio": [1], "n_weight_update": 2}' > %t.keys.json
// RUN: not %tt-opt %s -p 'qtrain-append-loss,qtrain-autodiff,qtrain-sparse-update{scheme="%t.keys.json"}' 2>&1 | %filecheck %s --check-prefix=KEYS
// RUN: echo '{"weight_idx": [1' > %t.bad.json
// RUN: not %tt-opt %s -p 'qtrain-append-loss,qtrain-autodiff,qtrain-sparse-update{scheme="%t.bad.json"}' 2>&1 | %filecheck %s --check-prefix=JSON
// RUN: echo '[1, 2]' > %t.list.json
// RUN: not %tt-opt %s -p 'qtrain-append-loss,qtrain-autodiff,qtrain-sparse-update{scheme="%t.list.json"}' 2>&1 | %filecheck %s --check-prefix=LIST
// RUN: not %tt-opt %s -p 'qtrain-append-loss,qtrain-autodiff,qtrain-sparse-update{scheme="%t.missing.json"}' 2>&1 | %filecheck %s --check-prefix=MISSING

// UNKNOWN:     qtrain-sparse-update: unknown scheme 'bogus' (presets: mcunet-5fps-49kb, {{.*}}; modes: full, bias-only, head-only, last-k; or a .json file)
// UNKNOWN-NOT: builtin.module
// The model has 3 convs: k is 1..3; the default k = 0 is not valid either.
// LASTK:       qtrain-sparse-update: scheme last-k: k must be in 1..3, got 4
// LASTK-NOT:   builtin.module
// LASTK0:      qtrain-sparse-update: scheme last-k: k must be in 1..3, got 0
// Layer indices are 0..2. The scheme is named after the file's stem.
// INDEX:       qtrain-sparse-update: scheme {{.*}}.index.json: weight layer index 3 out of range (the model has 3 convs, valid 0..2)
// INDEX-NOT:   builtin.module
// NEGATIVE:    qtrain-sparse-update: scheme {{.*}}.negative.json: weight layer index -1 out of range (the model has 3 convs, valid 0..2)
// NBIAS:       qtrain-sparse-update: scheme {{.*}}.bias.json: n_bias_update 4 out of range (the model has 3 convs, valid 0..3)
// Ratios are fractions of a layer's channels, in [0, 1].
// RATIO:       qtrain-sparse-update: scheme {{.*}}.ratio.json: weight ratio 1.5 of layer 1 outside [0, 1]
// RATIO-NOT:   builtin.module
// LENGTHS:     qtrain-sparse-update: scheme {{.*}}.lengths.json: weight_idx has 2 entries, weight_ratio 1
// REPEAT:      qtrain-sparse-update: scheme {{.*}}.repeat.json: weight_idx repeats layer 1
// KEYS:        qtrain-sparse-update: scheme file {{.*}}.keys.json: unknown keys ['n_weight_update']
// JSON:        qtrain-sparse-update: scheme file {{.*}}.bad.json: not valid JSON
// JSON-NOT:    builtin.module
// LIST:        qtrain-sparse-update: scheme file {{.*}}.list.json: expected a JSON object
// MISSING:     qtrain-sparse-update: scheme file {{.*}}.missing.json: No such file or directory

qtrain.param @c0.w = dense<1> : tensor<4x2x3x3xi8>
qtrain.param @c0.b = dense<[1, 2, 3, 4]> : tensor<4xi32>
qtrain.param @c1.w = dense<2> : tensor<4x1x3x3xi8>
qtrain.param @c1.b = dense<[5, 6, 7, 8]> : tensor<4xi32>
qtrain.param @c2.w = dense<3> : tensor<4x4x1x1xi8>
qtrain.param @c2.b = dense<[9, 10, 11, 12]> : tensor<4xi32>
qtrain.param @fc.w = dense<0.5> : tensor<3x4xf32>
qtrain.param @fc.b = dense<[0.1, 0.2, 0.3]> : tensor<3xf32>
func.func @main(%x: tensor<1x2x4x4x!qtrain.qi8<0.5, 0>>) -> tensor<1x3xf32> {
  %w0 = qtrain.get_param @c0.w : tensor<4x2x3x3xi8>
  %b0 = qtrain.get_param @c0.b : tensor<4xi32>
  %y0 = qtrain.conv2d %x, %w0, %b0 {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.25, 0.125, 0.5, 1.0>} : (tensor<1x2x4x4x!qtrain.qi8<0.5, 0>>, tensor<4x2x3x3xi8>, tensor<4xi32>) -> tensor<1x4x4x4x!qtrain.qi8<0.25, -128>>
  %w1 = qtrain.get_param @c1.w : tensor<4x1x3x3xi8>
  %b1 = qtrain.get_param @c1.b : tensor<4xi32>
  %y1 = qtrain.conv2d %y0, %w1, %b1 {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 4 : i64, w_scales = array<f32: 0.5, 0.25, 0.125, 0.0625>} : (tensor<1x4x4x4x!qtrain.qi8<0.25, -128>>, tensor<4x1x3x3xi8>, tensor<4xi32>) -> tensor<1x4x4x4x!qtrain.qi8<0.25, -128>>
  %w2 = qtrain.get_param @c2.w : tensor<4x4x1x1xi8>
  %b2 = qtrain.get_param @c2.b : tensor<4xi32>
  %y2 = qtrain.conv2d %y1, %w2, %b2 {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.125, 0.125, 0.25, 0.25>} : (tensor<1x4x4x4x!qtrain.qi8<0.25, -128>>, tensor<4x4x1x1xi8>, tensor<4xi32>) -> tensor<1x4x4x4x!qtrain.qi8<0.25, -128>>
  %s = qtrain.add %y0, %y2 : (tensor<1x4x4x4x!qtrain.qi8<0.25, -128>>, tensor<1x4x4x4x!qtrain.qi8<0.25, -128>>) -> tensor<1x4x4x4x!qtrain.qi8<0.5, -128>>
  %p = qtrain.global_avgpool %s : tensor<1x4x4x4x!qtrain.qi8<0.5, -128>> -> tensor<1x4x1x1x!qtrain.qi8<0.5, -128>>
  %d = qtrain.dequantize %p : tensor<1x4x1x1x!qtrain.qi8<0.5, -128>> -> tensor<1x4x1x1xf32>
  %f = qtrain.flatten %d : tensor<1x4x1x1xf32> -> tensor<1x4xf32>
  %fw = qtrain.get_param @fc.w : tensor<3x4xf32>
  %fb = qtrain.get_param @fc.b : tensor<3xf32>
  %l = qtrain.linear %f, %fw, %fb : (tensor<1x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<1x3xf32>
  func.return %l : tensor<1x3xf32>
}
