// RUN: %tt-opt %s --split-input-file --verify-diagnostics | %filecheck %s

// conv2d_dw: the depthwise filters must match the first conv's output channels (2 here).
func.func @f(%x: tensor<1x3x8x8x!qtrain.qi8<0.1, 3>>, %w: tensor<2x3x1x1xi8>, %b: tensor<2xi32>, %v: tensor<3x1x3x3xi8>, %c: tensor<3xi32>) {
  %y = qtrain.conv2d_dw %x, %w, %b, %v, %c {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, w_scales = array<f32: 0.01, 0.02>, dw_stride = array<i64: 1, 1>, dw_pad = array<i64: 1, 1, 1, 1>, dw_w_scales = array<f32: 0.05, 0.04, 0.1>, mid = !qtrain.qi8<0.02, -128>} : (tensor<1x3x8x8x!qtrain.qi8<0.1, 3>>, tensor<2x3x1x1xi8>, tensor<2xi32>, tensor<3x1x3x3xi8>, tensor<3xi32>) -> tensor<1x3x8x8x!qtrain.qi8<0.05, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d_dw: the depthwise weight 3x1x3x3 must have one 1-channel filter per output channel of the first conv (2){{$}}

// -----

// Errors of either convolution are reported with the part they come from.
func.func @f(%x: tensor<1x3x8x8x!qtrain.qi8<0.1, 3>>, %w: tensor<2x3x1x1xi8>, %b: tensor<2xi32>, %v: tensor<2x1x3x3xi8>, %c: tensor<2xi32>) {
  %y = qtrain.conv2d_dw %x, %w, %b, %v, %c {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, w_scales = array<f32: 0.01>, dw_stride = array<i64: 1, 1>, dw_pad = array<i64: 1, 1, 1, 1>, dw_w_scales = array<f32: 0.05, 0.04>, mid = !qtrain.qi8<0.02, -128>} : (tensor<1x3x8x8x!qtrain.qi8<0.1, 3>>, tensor<2x3x1x1xi8>, tensor<2xi32>, tensor<2x1x3x3xi8>, tensor<2xi32>) -> tensor<1x2x8x8x!qtrain.qi8<0.05, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d_dw: first conv: w_scales has 1 elements, expected one per output channel (2){{$}}

// -----

func.func @f(%x: tensor<1x3x8x8x!qtrain.qi8<0.1, 3>>, %w: tensor<2x3x1x1xi8>, %b: tensor<2xi32>, %v: tensor<2x1x3x3xi8>, %c: tensor<2xi32>) {
  %y = qtrain.conv2d_dw %x, %w, %b, %v, %c {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, w_scales = array<f32: 0.01, 0.02>, dw_stride = array<i64: 2, 2>, dw_pad = array<i64: 1, 1, 1, 1>, dw_w_scales = array<f32: 0.05, 0.04>, mid = !qtrain.qi8<0.02, -128>} : (tensor<1x3x8x8x!qtrain.qi8<0.1, 3>>, tensor<2x3x1x1xi8>, tensor<2xi32>, tensor<2x1x3x3xi8>, tensor<2xi32>) -> tensor<1x2x8x8x!qtrain.qi8<0.05, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d_dw: depthwise conv: result shape 1x2x8x8 does not match the computed shape 1x2x4x4{{$}}

// -----

func.func @f(%x: tensor<1x3x8x8x!qtrain.qi8<0.1, 3>>, %w: tensor<2x3x1x1xi8>, %b: tensor<2xi32>, %v: tensor<2x1x3x3xi8>, %c: tensor<2xi32>) {
  %y = qtrain.conv2d_dw %x, %w, %b, %v, %c {stride = array<i64: 0, 1>, pad = array<i64: 0, 0, 0, 0>, w_scales = array<f32: 0.01, 0.02>, dw_stride = array<i64: 1, 1>, dw_pad = array<i64: 1, 1, 1, 1>, dw_w_scales = array<f32: 0.05, 0.04>, mid = !qtrain.qi8<0.02, -128>} : (tensor<1x3x8x8x!qtrain.qi8<0.1, 3>>, tensor<2x3x1x1xi8>, tensor<2xi32>, tensor<2x1x3x3xi8>, tensor<2xi32>) -> tensor<1x2x8x8x!qtrain.qi8<0.05, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d_dw: stride must be array<i64: sh, sw> with values >= 1{{$}}

// -----

func.func @f(%x: tensor<1x3x8x8x!qtrain.qi8<0.1, 3>>, %w: tensor<2x3x1x1xi8>, %b: tensor<2xi32>, %v: tensor<2x1x3x3xi8>, %c: tensor<2xi32>) {
  %y = qtrain.conv2d_dw %x, %w, %b, %v, %c {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, w_scales = array<f32: 0.01, 0.02>, dw_stride = array<i64: 1, 1>, dw_pad = array<i64: 1, 1, 1>, dw_w_scales = array<f32: 0.05, 0.04>, mid = !qtrain.qi8<0.02, -128>} : (tensor<1x3x8x8x!qtrain.qi8<0.1, 3>>, tensor<2x3x1x1xi8>, tensor<2xi32>, tensor<2x1x3x3xi8>, tensor<2xi32>) -> tensor<1x2x8x8x!qtrain.qi8<0.05, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d_dw: dw_pad must be array<i64: top, left, bottom, right> >= 0{{$}}

// -----

// The scratch holds one channel of the 8x8 intermediate tensor: 64 bytes at least.
func.func @f(%x: tensor<1x3x8x8x!qtrain.qi8<0.1, 3>>, %w: tensor<2x3x1x1xi8>, %b: tensor<2xi32>, %v: tensor<2x1x3x3xi8>, %c: tensor<2xi32>, %s: !mem.buffer<32, 4, sram>) {
  %y = qtrain.conv2d_dw %x, %w, %b, %v, %c scratch %s : !mem.buffer<32, 4, sram> {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, w_scales = array<f32: 0.01, 0.02>, dw_stride = array<i64: 1, 1>, dw_pad = array<i64: 1, 1, 1, 1>, dw_w_scales = array<f32: 0.05, 0.04>, mid = !qtrain.qi8<0.02, -128>} : (tensor<1x3x8x8x!qtrain.qi8<0.1, 3>>, tensor<2x3x1x1xi8>, tensor<2xi32>, tensor<2x1x3x3xi8>, tensor<2xi32>) -> tensor<1x2x8x8x!qtrain.qi8<0.05, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d_dw: scratch must be a !mem.buffer of at least 64 bytes (one channel of the intermediate tensor), got !mem.buffer<32, 4, sram>{{$}}

// -----

func.func @f(%x: tensor<1x3x8x8x!qtrain.qi8<0.1, 3>>, %w: tensor<2x3x1x1xi8>, %b: tensor<2xi32>, %v: tensor<2x1x3x3xi8>, %c: tensor<2xi32>, %s: tensor<64xi8>) {
  %y = qtrain.conv2d_dw %x, %w, %b, %v, %c scratch %s : tensor<64xi8> {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, w_scales = array<f32: 0.01, 0.02>, dw_stride = array<i64: 1, 1>, dw_pad = array<i64: 1, 1, 1, 1>, dw_w_scales = array<f32: 0.05, 0.04>, mid = !qtrain.qi8<0.02, -128>} : (tensor<1x3x8x8x!qtrain.qi8<0.1, 3>>, tensor<2x3x1x1xi8>, tensor<2xi32>, tensor<2x1x3x3xi8>, tensor<2xi32>) -> tensor<1x2x8x8x!qtrain.qi8<0.05, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d_dw: scratch must be a !mem.buffer of at least 64 bytes (one channel of the intermediate tensor), got tensor<64xi8>{{$}}

// -----

func.func @f(%x: tensor<1x3x8x8xi8>, %w: tensor<2x3x1x1xi8>, %b: tensor<2xi32>, %v: tensor<2x1x3x3xi8>, %c: tensor<2xi32>) {
  %y = qtrain.conv2d_dw %x, %w, %b, %v, %c {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, w_scales = array<f32: 0.01, 0.02>, dw_stride = array<i64: 1, 1>, dw_pad = array<i64: 1, 1, 1, 1>, dw_w_scales = array<f32: 0.05, 0.04>, mid = !qtrain.qi8<0.02, -128>} : (tensor<1x3x8x8xi8>, tensor<2x3x1x1xi8>, tensor<2xi32>, tensor<2x1x3x3xi8>, tensor<2xi32>) -> tensor<1x2x8x8x!qtrain.qi8<0.05, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d_dw: input must have element type !qtrain.qi8, got i8{{$}}

// -----

qtrain.param @w trainable = dense<1> : tensor<2x3x1x1xi8>
qtrain.param @frozen = dense<1> : tensor<2x3x1x1xi8>
qtrain.param @b trainable = dense<1> : tensor<2xi32>

// conv2d_weight_update: the weight must be trainable...
func.func @f(%x: tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, %g: tensor<1x2x4x4xf32>) {
  qtrain.conv2d_weight_update @frozen, %x, %g {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, channels = 2 : i64, lr = 1.0e-03 : f32} : tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x2x4x4xf32>
  func.return
}
// CHECK: {{^}}qtrain.conv2d_weight_update: @frozen is not marked trainable{{$}}

// -----

qtrain.param @b trainable = dense<1> : tensor<2xi32>
// ...a conv weight...
func.func @f(%x: tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, %g: tensor<1x2x4x4xf32>) {
  qtrain.conv2d_weight_update @b, %x, %g {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, channels = 2 : i64, lr = 1.0e-03 : f32} : tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x2x4x4xf32>
  func.return
}
// CHECK: {{^}}qtrain.conv2d_weight_update: @b is not a conv weight (2){{$}}

// -----

qtrain.param @w trainable = dense<1> : tensor<3x3x1x1xi8>
// ...with one output channel per gradient channel...
func.func @f(%x: tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, %g: tensor<1x2x4x4xf32>) {
  qtrain.conv2d_weight_update @w, %x, %g {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, channels = 2 : i64, lr = 1.0e-03 : f32} : tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x2x4x4xf32>
  func.return
}
// CHECK: {{^}}qtrain.conv2d_weight_update: @w has 3 output channels, the gradient 2{{$}}

// -----

qtrain.param @w trainable = dense<1> : tensor<2x3x3x3xi8>
// ...and the gradient's spatial size is the conv's output (3x3 kernel, no padding: 2x2).
func.func @f(%x: tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, %g: tensor<1x2x4x4xf32>) {
  qtrain.conv2d_weight_update @w, %x, %g {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, channels = 2 : i64, lr = 1.0e-03 : f32} : tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x2x4x4xf32>
  func.return
}
// CHECK: {{^}}qtrain.conv2d_weight_update: gradient spatial size 4x4 does not match the convolution's output 2x2{{$}}

// -----

// The input (perhaps a saved slice) must hold the trained channels.
qtrain.param @w trainable = dense<1> : tensor<2x5x1x1xi8>
func.func @f(%x: tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, %g: tensor<1x2x4x4xf32>) {
  qtrain.conv2d_weight_update @w, %x, %g {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, channels = 4 : i64, lr = 1.0e-03 : f32} : tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x2x4x4xf32>
  func.return
}
// CHECK: {{^}}qtrain.conv2d_weight_update: channels must be in [1, 3] (the input's channels), got 4{{$}}

// -----

qtrain.param @w trainable = dense<1> : tensor<2x3x1x1xi8>
func.func @f(%x: tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, %g: tensor<1x2x4x4xf32>) {
  qtrain.conv2d_weight_update @w, %x, %g {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, channels = 2 : i64, lr = -1.0 : f32} : tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x2x4x4xf32>
  func.return
}
// CHECK: {{^}}qtrain.conv2d_weight_update: lr must be finite and >= 0, got -1.0{{$}}

// -----

qtrain.param @w trainable = dense<1> : tensor<2x3x1x1xi8>
func.func @f(%x: tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, %g: tensor<1x2x4x4xf32>) {
  qtrain.conv2d_weight_update @w, %x, %g {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, channels = 2 : i64, lr = 1.0e-03 : f32, factors = array<f32: 1.0>} : tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x2x4x4xf32>
  func.return
}
// CHECK: {{^}}qtrain.conv2d_weight_update: factors must be array<f32> with one value per trained output channel (2), got 1{{$}}

// -----

qtrain.param @w trainable = dense<1> : tensor<2x1x1x1xi8>
func.func @f(%x: tensor<1x2x4x4x!qtrain.qi8<0.1, 3>>, %g: tensor<2x2x4x4xf32>) {
  qtrain.conv2d_weight_update @w, %x, %g {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, channels = 1 : i64, lr = 1.0e-03 : f32} : tensor<1x2x4x4x!qtrain.qi8<0.1, 3>>, tensor<2x2x4x4xf32>
  func.return
}
// CHECK: {{^}}qtrain.conv2d_weight_update: batch sizes differ (1 and 2){{$}}

// -----

qtrain.param @w trainable = dense<1> : tensor<4x2x1x1xi8>
func.func @f(%x: tensor<1x4x4x4x!qtrain.qi8<0.1, 3>>, %g: tensor<1x4x4x4xf32>) {
  qtrain.conv2d_weight_update @w, %x, %g {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 2 : i64, channels = 1 : i64, lr = 1.0e-03 : f32} : tensor<1x4x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x4x4x4xf32>
  func.return
}
// CHECK: {{^}}qtrain.conv2d_weight_update: only regular (groups = 1) and depthwise convolutions train weights{{$}}

// -----

func.func @f(%x: tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, %g: tensor<1x2x4x4xf32>) {
  qtrain.conv2d_weight_update @nothing, %x, %g {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, channels = 2 : i64, lr = 1.0e-03 : f32} : tensor<1x3x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x2x4x4xf32>
  func.return
}
// CHECK: {{^}}qtrain.conv2d_weight_update: no qtrain.param named @nothing{{$}}

// -----

// More trained channels than the weight has.
qtrain.param @w trainable = dense<1> : tensor<2x3x1x1xi8>
func.func @f(%x: tensor<1x4x4x4x!qtrain.qi8<0.1, 3>>, %g: tensor<1x2x4x4xf32>) {
  qtrain.conv2d_weight_update @w, %x, %g {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, channels = 4 : i64, lr = 1.0e-03 : f32} : tensor<1x4x4x4x!qtrain.qi8<0.1, 3>>, tensor<1x2x4x4xf32>
  func.return
}
// CHECK: {{^}}qtrain.conv2d_weight_update: gradient 2x4x1x1 is not a leading slice of @w (2x3x1x1){{$}}
