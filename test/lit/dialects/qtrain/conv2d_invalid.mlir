// RUN: %tt-opt %s --split-input-file --verify-diagnostics | %filecheck %s

// _check_tensor: operand ranks.
func.func @conv(%x: tensor<3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: input must have rank 4, got rank 3{{$}}

// -----

func.func @conv(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x27xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x27xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: weight must have rank 4, got rank 2{{$}}

// -----

func.func @conv(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<1x2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<1x2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: bias must have rank 1, got rank 2{{$}}

// -----

func.func @conv(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> tensor<2x4x4x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: result must have rank 4, got rank 3{{$}}

// -----

// _check_tensor: element kinds (class constraint !qtrain.qi8, then exact types).
func.func @conv(%x: tensor<1x3x8x8xi8>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8xi8>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: input must have element type !qtrain.qi8, got i8{{$}}

// -----

func.func @conv(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x4xf32>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: result must have element type !qtrain.qi8, got f32{{$}}

// -----

func.func @conv(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3x!qtrain.qi8<0.1, 0>>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3x!qtrain.qi8<0.1, 0>>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: weight must have element type i8, got !qtrain.qi8<0.1, 0>{{$}}

// -----

func.func @conv(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xui8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xui8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: weight must have element type i8, got ui8{{$}}

// -----

func.func @conv(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi64>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi64>) -> tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: bias must have element type i32, got i64{{$}}

// -----

func.func @conv(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xf32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xf32>) -> tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: bias must have element type i32, got f32{{$}}

// -----

// _check_tensor "must be a ranked tensor" cannot be reached: the IRDL operand
// constraint (TensorType, ranked only) rejects an unranked tensor first.
func.func @conv(%x: tensor<*x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<*x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}tensor<*x!qtrain.qi8<0.0078125, 0>> should be of base attribute tensor{{$}}

// -----

// _check_mask: the mask must have the result shape and i1 elements.
func.func @conv(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) {
  %y, %m = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> (tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>, tensor<1x2x4x4xi8>)
  func.return
}
// CHECK: {{^}}qtrain.conv2d: mask must be tensor<1x2x4x4xi1> (the result's shape, i1), got tensor<1x2x4x4xi8>{{$}}

// -----

func.func @conv(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) {
  %y, %m = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> (tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>, tensor<1x2x2x2xi1>)
  func.return
}
// CHECK: {{^}}qtrain.conv2d: mask must be tensor<1x2x4x4xi1> (the result's shape, i1), got tensor<1x2x2x2xi1>{{$}}

// -----

// stride, pad and w_scales array kinds.
func.func @conv(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i32: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: stride must be array<i64: sh, sw>, got array<i32: 2, 2>{{$}}

// -----

func.func @conv(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: stride must be array<i64: sh, sw>, got array<i64: 2>{{$}}

// -----

func.func @conv(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: stride must be array<i64: sh, sw>, got array<i64: 1, 2, 2>{{$}}

// -----

func.func @conv(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: pad must be array<i64: top, left, bottom, right>, got array<i64: 1, 1>{{$}}

// -----

func.func @conv(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i32: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: pad must be array<i64: top, left, bottom, right>, got array<i32: 1, 1, 1, 1>{{$}}

// -----

func.func @conv(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f64: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: w_scales must be an array<f32: ...>, got array<f64: 1.000000e-02, 2.000000e-02>{{$}}

// -----

// strides and padding.
func.func @conv(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 0, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: strides must be >= 1, got [0, 2]{{$}}

// -----

func.func @conv(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, -1>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: strides must be >= 1, got [2, -1]{{$}}

// -----

func.func @conv(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, -1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: padding must be >= 0, got [1, -1, 1, 1]{{$}}

// -----

// groups.
func.func @conv(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 0 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: groups must be >= 1, got 0{{$}}

// -----

func.func @conv(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = -2 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: groups must be >= 1, got -2{{$}}

// -----

// groups must divide the input channels ...
func.func @conv(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x1x3x3xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 2 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x1x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: groups (2) must divide input channels (3) and output channels (2){{$}}

// -----

// ... and the output channels (channel multiplier 1/2 is not a convolution).
func.func @conv(%x: tensor<1x4x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x1x3x3xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 4 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x4x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x1x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: groups (4) must divide input channels (4) and output channels (2){{$}}

// -----

// The weight's I dimension is the input channels per group.
func.func @conv(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x2x3x3xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x2x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: weight has 2 input channels per group, expected 3 (input channels 3 / groups 1){{$}}

// -----

// Depthwise weights have one input channel per group.
func.func @conv(%x: tensor<1x2x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x2x3x3xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 2 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x2x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x2x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: weight has 2 input channels per group, expected 1 (input channels 2 / groups 2){{$}}

// -----

// One bias and one weight scale per output channel.
func.func @conv(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<3xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<3xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: bias has 3 elements, expected one per output channel (2){{$}}

// -----

func.func @conv(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: w_scales has 1 elements, expected one per output channel (2){{$}}

// -----

func.func @conv(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02, 0.03>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: w_scales has 3 elements, expected one per output channel (2){{$}}

// -----

// Weight scales must be positive (an infinite or NaN f32 cannot be written in an array<f32: ...>).
func.func @conv(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: -0.5, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: w_scales[0] must be finite and positive, got -0.5{{$}}

// -----

func.func @conv(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.0>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: w_scales[1] must be finite and positive, got 0.0{{$}}

// -----

// The int32 accumulator bound: at most 65793 products of 255 * 128 per output
// (65793 itself is accepted, see conv2d.mlir).
func.func @conv(%x: tensor<1x65794x1x1x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x65794x1x1xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x65794x1x1x!qtrain.qi8<0.0078125, 0>>, tensor<2x65794x1x1xi8>, tensor<2xi32>) -> tensor<1x2x1x1x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: 65794 products per output (1x1x65794) could overflow the int32 accumulator (at most 65793){{$}}

// -----

func.func @conv(%x: tensor<1x1343x9x9x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x1343x7x7xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x1343x9x9x!qtrain.qi8<0.0078125, 0>>, tensor<2x1343x7x7xi8>, tensor<2xi32>) -> tensor<1x2x3x3x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: 65807 products per output (7x7x1343) could overflow the int32 accumulator (at most 65793){{$}}

// -----

// The kernel must fit into the padded input.
func.func @conv(%x: tensor<1x3x2x2x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x2x2x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> tensor<1x2x1x1x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: kernel 3x3 is larger than the padded input 2x2{{$}}

// -----

func.func @conv(%x: tensor<1x3x8x2x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x2x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> tensor<1x2x6x1x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: kernel 3x3 is larger than the padded input 8x2{{$}}

// -----

// The result shape is computed from input, kernel, stride and padding.
func.func @conv(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> tensor<1x2x8x8x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: result shape 1x2x8x8 does not match the computed shape 1x2x4x4{{$}}

// -----

func.func @conv(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 0, 2, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x3x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: result shape 1x2x4x3 does not match the computed shape 1x2x5x4{{$}}

// -----

func.func @conv(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> tensor<2x2x4x4x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: result shape 2x2x4x4 does not match the computed shape 1x2x4x4{{$}}

// -----

func.func @conv(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 1 : i64, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> tensor<1x3x4x4x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}qtrain.conv2d: result shape 1x3x4x4 does not match the computed shape 1x2x4x4{{$}}

// -----

// A missing property is reported by the IRDL verifier.
func.func @conv(%x: tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, %w: tensor<2x3x3x3xi8>, %b: tensor<2xi32>) {
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, w_scales = array<f32: 0.01, 0.02>} : (tensor<1x3x8x8x!qtrain.qi8<0.0078125, 0>>, tensor<2x3x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.0235294118, -128>>
  func.return
}
// CHECK: {{^}}property 'groups' expected in operation 'qtrain.conv2d'{{$}}
