// RUN: %tt-opt %s --split-input-file --verify-diagnostics | %filecheck %s

// Diagnostics of the update-side ops: accumulate, param_grad, scale_channels,
// sgd_update and slice_channels (with the symbol-user checks of param_grad and sgd_update).

// === qtrain.accumulate ===

// Operands are f32 gradients ...
func.func @f(%a: tensor<2xi32>) {
  %g = qtrain.accumulate %a, %a : tensor<2xi32>
  func.return
}
// CHECK: {{^}}qtrain.accumulate: lhs must be a tensor of f32, got tensor<2xi32>{{$}}

// -----

// ... with a static shape ...
func.func @f(%a: tensor<?xf32>) {
  %g = qtrain.accumulate %a, %a : tensor<?xf32>
  func.return
}
// CHECK: {{^}}qtrain.accumulate: lhs must have a static shape, got tensor<?xf32>{{$}}

// -----

// ... that is not empty.
func.func @f(%a: tensor<2x0xf32>) {
  %g = qtrain.accumulate %a, %a : tensor<2x0xf32>
  func.return
}
// CHECK: {{^}}qtrain.accumulate: lhs must not be empty, got tensor<2x0xf32>{{$}}

// -----

// lhs, rhs and result share one type (the IRDL variable T; the shape checks of rhs
// and result in verify_ can therefore not be reached).
func.func @f(%a: tensor<2xf32>, %b: tensor<3xf32>) {
  %g = "qtrain.accumulate"(%a, %b) : (tensor<2xf32>, tensor<3xf32>) -> tensor<2xf32>
  func.return
}
// CHECK: {{^}}operand 'rhs' at position 1 does not verify:{{$}}
// CHECK-NEXT: {{^}}attribute tensor<2xf32> expected from variable 'T', but got tensor<3xf32>{{$}}

// -----

func.func @f(%a: tensor<2xf32>) {
  %g = "qtrain.accumulate"(%a, %a) : (tensor<2xf32>, tensor<2xf32>) -> tensor<3xf32>
  func.return
}
// CHECK: {{^}}result 'output' at position 0 does not verify:{{$}}
// CHECK-NEXT: {{^}}attribute tensor<2xf32> expected from variable 'T', but got tensor<3xf32>{{$}}

// -----

// Only (ranked) tensors: checked by the IRDL constraint.
func.func @f(%a: vector<2xf32>) {
  %g = qtrain.accumulate %a, %a : vector<2xf32>
  func.return
}
// CHECK: {{^}}vector<2xf32> should be of base attribute tensor{{$}}

// -----

// === qtrain.param_grad ===

// The symbol must exist ...
func.func @f(%a: tensor<2xf32>) {
  qtrain.param_grad @missing, %a : tensor<2xf32>
  func.return
}
// CHECK: {{^}}qtrain.param_grad: no qtrain.param named @missing{{$}}

// -----

// ... also as a nested reference ...
qtrain.param @p = dense<[1, 2]> : tensor<2xi32>
func.func @f(%a: tensor<2xf32>) {
  qtrain.param_grad @p::@q, %a : tensor<2xf32>
  func.return
}
// CHECK: {{^}}qtrain.param_grad: no qtrain.param named @p::@q{{$}}

// -----

// ... and be a qtrain.param.
func.func @weights() {
  func.return
}
func.func @f(%a: tensor<2xf32>) {
  qtrain.param_grad @weights, %a : tensor<2xf32>
  func.return
}
// CHECK: {{^}}qtrain.param_grad: @weights is a func.func, not a qtrain.param{{$}}

// -----

// The gradient is the parameter or a leading slice of it: not larger ...
qtrain.param @p = dense<[1, 2]> : tensor<2xi32>
func.func @f(%a: tensor<3xf32>) {
  qtrain.param_grad @p, %a : tensor<3xf32>
  func.return
}
// CHECK: {{^}}qtrain.param_grad: gradient 3 is not a leading slice of @p (2){{$}}

// -----

// ... and of the same rank.
qtrain.param @p = dense<1> : tensor<2x3xi8>
func.func @f(%a: tensor<2xf32>) {
  qtrain.param_grad @p, %a : tensor<2xf32>
  func.return
}
// CHECK: {{^}}qtrain.param_grad: gradient 2 is not a leading slice of @p (2x3){{$}}

// -----

// The gradient is f32 (even for an int32 parameter) ...
qtrain.param @p = dense<[1, 2]> : tensor<2xi32>
func.func @f(%a: tensor<2xi32>) {
  qtrain.param_grad @p, %a : tensor<2xi32>
  func.return
}
// CHECK: {{^}}qtrain.param_grad: gradient must be a tensor of f32, got tensor<2xi32>{{$}}

// -----

// ... static ...
qtrain.param @p = dense<[1, 2]> : tensor<2xi32>
func.func @f(%a: tensor<?xf32>) {
  qtrain.param_grad @p, %a : tensor<?xf32>
  func.return
}
// CHECK: {{^}}qtrain.param_grad: gradient must have a static shape, got tensor<?xf32>{{$}}

// -----

// ... and not empty.
qtrain.param @p = dense<[1, 2]> : tensor<2xi32>
func.func @f(%a: tensor<0xf32>) {
  qtrain.param_grad @p, %a : tensor<0xf32>
  func.return
}
// CHECK: {{^}}qtrain.param_grad: gradient must not be empty, got tensor<0xf32>{{$}}

// -----

// The gradient is a tensor: checked by the IRDL constraint.
qtrain.param @p = dense<[1, 2]> : tensor<2xi32>
func.func @f(%a: vector<2xf32>) {
  qtrain.param_grad @p, %a : vector<2xf32>
  func.return
}
// CHECK: {{^}}vector<2xf32> should be of base attribute tensor{{$}}

// -----

// === qtrain.scale_channels ===

// The input is an f32 tensor ...
func.func @f(%a: tensor<2xi32>) {
  %y = qtrain.scale_channels %a {factors = array<f32: 1.0, 2.0>} : tensor<2xi32>
  func.return
}
// CHECK: {{^}}qtrain.scale_channels: input must be a tensor of f32, got tensor<2xi32>{{$}}

// -----

// ... with a static shape ...
func.func @f(%a: tensor<?x3xf32>) {
  %y = qtrain.scale_channels %a {factors = array<f32: 1.0, 2.0>} : tensor<?x3xf32>
  func.return
}
// CHECK: {{^}}qtrain.scale_channels: input must have a static shape, got tensor<?x3xf32>{{$}}

// -----

// ... that is not empty.
func.func @f(%a: tensor<2x0xf32>) {
  %y = qtrain.scale_channels %a {factors = array<f32: 1.0, 2.0>} : tensor<2x0xf32>
  func.return
}
// CHECK: {{^}}qtrain.scale_channels: input must not be empty, got tensor<2x0xf32>{{$}}

// -----

// One factor per leading-axis slice ...
func.func @f(%a: tensor<2x3xf32>) {
  %y = qtrain.scale_channels %a {factors = array<f32: 1.0, 2.0, 3.0>} : tensor<2x3xf32>
  func.return
}
// CHECK: {{^}}qtrain.scale_channels: factors must be array<f32> with one value per leading-axis slice (2), got 3{{$}}

// -----

// ... as f32, not f64 ...
func.func @f(%a: tensor<2x3xf32>) {
  %y = qtrain.scale_channels %a {factors = array<f64: 1.0, 2.0>} : tensor<2x3xf32>
  func.return
}
// CHECK: {{^}}qtrain.scale_channels: factors must be array<f32> with one value per leading-axis slice (2), got 2{{$}}

// -----

// ... nor integers ...
func.func @f(%a: tensor<2x3xf32>) {
  %y = qtrain.scale_channels %a {factors = array<i32: 1, 2>} : tensor<2x3xf32>
  func.return
}
// CHECK: {{^}}qtrain.scale_channels: factors must be array<f32> with one value per leading-axis slice (2), got 2{{$}}

// -----

// ... and a scalar (rank-0) input has no leading axis.
func.func @f(%a: tensor<f32>) {
  %y = qtrain.scale_channels %a {factors = array<f32: 1.0>} : tensor<f32>
  func.return
}
// CHECK: {{^}}qtrain.scale_channels: factors must be array<f32> with one value per leading-axis slice (0), got 1{{$}}

// -----

func.func @f(%a: tensor<f32>) {
  %y = qtrain.scale_channels %a {factors = array<f32>} : tensor<f32>
  func.return
}
// CHECK: {{^}}qtrain.scale_channels: factors must be array<f32> with one value per leading-axis slice (0), got 0{{$}}

// -----

// Input and result share one type (the IRDL variable T).
func.func @f(%a: tensor<2xf32>) {
  %y = "qtrain.scale_channels"(%a) <{factors = array<f32: 1.0, 2.0>}> : (tensor<2xf32>) -> tensor<3xf32>
  func.return
}
// CHECK: {{^}}result 'output' at position 0 does not verify:{{$}}
// CHECK-NEXT: {{^}}attribute tensor<2xf32> expected from variable 'T', but got tensor<3xf32>{{$}}

// -----

// factors is required and is a dense array: IRDL checks.
func.func @f(%a: tensor<2xf32>) {
  %y = qtrain.scale_channels %a : tensor<2xf32>
  func.return
}
// CHECK: {{^}}property 'factors' expected in operation 'qtrain.scale_channels'{{$}}

// -----

func.func @f(%a: tensor<2xf32>) {
  %y = qtrain.scale_channels %a {factors = dense<[1.0, 2.0]> : tensor<2xf32>} : tensor<2xf32>
  func.return
}
// CHECK: {{^}}dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32> should be of base attribute array{{$}}

// -----

// === qtrain.sgd_update ===

// The symbol must exist ...
func.func @f(%a: tensor<2xf32>) {
  qtrain.sgd_update @missing, %a {lr = 0.1 : f32} : tensor<2xf32>
  func.return
}
// CHECK: {{^}}qtrain.sgd_update: no qtrain.param named @missing{{$}}

// -----

// ... also as a nested reference ...
qtrain.param @p trainable = dense<[1, 2]> : tensor<2xi32>
func.func @f(%a: tensor<2xf32>) {
  qtrain.sgd_update @p::@q, %a {lr = 0.1 : f32} : tensor<2xf32>
  func.return
}
// CHECK: {{^}}qtrain.sgd_update: no qtrain.param named @p::@q{{$}}

// -----

// ... be a qtrain.param ...
func.func @weights() {
  func.return
}
func.func @f(%a: tensor<2xf32>) {
  qtrain.sgd_update @weights, %a {lr = 0.1 : f32} : tensor<2xf32>
  func.return
}
// CHECK: {{^}}qtrain.sgd_update: @weights is a func.func, not a qtrain.param{{$}}

// -----

// ... and be trainable (checked before the lr).
qtrain.param @p = dense<[1, 2]> : tensor<2xi32>
func.func @f(%a: tensor<2xf32>) {
  qtrain.sgd_update @p, %a {lr = -0.5 : f32} : tensor<2xf32>
  func.return
}
// CHECK: {{^}}qtrain.sgd_update: @p is not marked trainable{{$}}

// -----

// The gradient is the parameter or a leading slice of it: not larger ...
qtrain.param @p trainable = dense<[1, 2]> : tensor<2xi32>
func.func @f(%a: tensor<3xf32>) {
  qtrain.sgd_update @p, %a {lr = 0.1 : f32} : tensor<3xf32>
  func.return
}
// CHECK: {{^}}qtrain.sgd_update: gradient 3 is not a leading slice of @p (2){{$}}

// -----

// ... and of the same rank.
qtrain.param @p trainable = dense<1> : tensor<4x3x1x1xi8>
func.func @f(%a: tensor<2x3xf32>) {
  qtrain.sgd_update @p, %a {lr = 0.1 : f32} : tensor<2x3xf32>
  func.return
}
// CHECK: {{^}}qtrain.sgd_update: gradient 2x3 is not a leading slice of @p (4x3x1x1){{$}}

// -----

// The gradient is f32 ...
qtrain.param @p trainable = dense<[1, 2]> : tensor<2xi32>
func.func @f(%a: tensor<2xi32>) {
  qtrain.sgd_update @p, %a {lr = 0.1 : f32} : tensor<2xi32>
  func.return
}
// CHECK: {{^}}qtrain.sgd_update: gradient must be a tensor of f32, got tensor<2xi32>{{$}}

// -----

// ... static ...
qtrain.param @p trainable = dense<[1, 2]> : tensor<2xi32>
func.func @f(%a: tensor<?xf32>) {
  qtrain.sgd_update @p, %a {lr = 0.1 : f32} : tensor<?xf32>
  func.return
}
// CHECK: {{^}}qtrain.sgd_update: gradient must have a static shape, got tensor<?xf32>{{$}}

// -----

// ... and not empty.
qtrain.param @p trainable = dense<[1, 2]> : tensor<2xi32>
func.func @f(%a: tensor<0xf32>) {
  qtrain.sgd_update @p, %a {lr = 0.1 : f32} : tensor<0xf32>
  func.return
}
// CHECK: {{^}}qtrain.sgd_update: gradient must not be empty, got tensor<0xf32>{{$}}

// -----

// The learning rate is finite and >= 0: not negative ...
qtrain.param @p trainable = dense<[1, 2]> : tensor<2xi32>
func.func @f(%a: tensor<2xf32>) {
  qtrain.sgd_update @p, %a {lr = -0.5 : f32} : tensor<2xf32>
  func.return
}
// CHECK: {{^}}qtrain.sgd_update: lr must be finite and >= 0, got -0.5{{$}}

// -----

// ... not +inf ...
qtrain.param @p trainable = dense<[1, 2]> : tensor<2xi32>
func.func @f(%a: tensor<2xf32>) {
  qtrain.sgd_update @p, %a {lr = 0x7F800000 : f32} : tensor<2xf32>
  func.return
}
// CHECK: {{^}}qtrain.sgd_update: lr must be finite and >= 0, got inf{{$}}

// -----

// ... not -inf ...
qtrain.param @p trainable = dense<[1, 2]> : tensor<2xi32>
func.func @f(%a: tensor<2xf32>) {
  qtrain.sgd_update @p, %a {lr = 0xFF800000 : f32} : tensor<2xf32>
  func.return
}
// CHECK: {{^}}qtrain.sgd_update: lr must be finite and >= 0, got -inf{{$}}

// -----

// ... and not NaN.
qtrain.param @p trainable = dense<[1, 2]> : tensor<2xi32>
func.func @f(%a: tensor<2xf32>) {
  qtrain.sgd_update @p, %a {lr = 0x7FC00000 : f32} : tensor<2xf32>
  func.return
}
// CHECK: {{^}}qtrain.sgd_update: lr must be finite and >= 0, got nan{{$}}

// -----

// lr is required and is a float: IRDL checks.
qtrain.param @p trainable = dense<[1, 2]> : tensor<2xi32>
func.func @f(%a: tensor<2xf32>) {
  qtrain.sgd_update @p, %a : tensor<2xf32>
  func.return
}
// CHECK: {{^}}property 'lr' expected in operation 'qtrain.sgd_update'{{$}}

// -----

qtrain.param @p trainable = dense<[1, 2]> : tensor<2xi32>
func.func @f(%a: tensor<2xf32>) {
  qtrain.sgd_update @p, %a {lr = 1 : i32} : tensor<2xf32>
  func.return
}
// CHECK: {{^}}1 : i32 should be of base attribute float{{$}}

// -----

// === qtrain.slice_channels ===

// The input is a rank-4 ...
func.func @f(%x: tensor<1x4x8xf32>) {
  %s = qtrain.slice_channels %x : tensor<1x4x8xf32> -> tensor<1x2x8x8x!qtrain.qi8<0.1, -128>>
  func.return
}
// CHECK: {{^}}qtrain.slice_channels: input must have rank 4, got rank 3{{$}}

// -----

// ... static ...
func.func @f(%x: tensor<1x4x?x8x!qtrain.qi8<0.1, -128>>) {
  %s = qtrain.slice_channels %x : tensor<1x4x?x8x!qtrain.qi8<0.1, -128>> -> tensor<1x2x8x8x!qtrain.qi8<0.1, -128>>
  func.return
}
// CHECK: {{^}}qtrain.slice_channels: input must have a static shape, got tensor<1x4x?x8x!qtrain.qi8<0.1, -128>>{{$}}

// -----

// ... non-empty ...
func.func @f(%x: tensor<1x4x0x8x!qtrain.qi8<0.1, -128>>) {
  %s = qtrain.slice_channels %x : tensor<1x4x0x8x!qtrain.qi8<0.1, -128>> -> tensor<1x2x8x8x!qtrain.qi8<0.1, -128>>
  func.return
}
// CHECK: {{^}}qtrain.slice_channels: input must not be empty, got tensor<1x4x0x8x!qtrain.qi8<0.1, -128>>{{$}}

// -----

// ... quantized int8 activation.
func.func @f(%x: tensor<1x4x8x8xi8>) {
  %s = qtrain.slice_channels %x : tensor<1x4x8x8xi8> -> tensor<1x2x8x8x!qtrain.qi8<0.1, -128>>
  func.return
}
// CHECK: {{^}}qtrain.slice_channels: input must have element type !qtrain.qi8, got i8{{$}}

// -----

// The input is a tensor: checked by the IRDL constraint.
func.func @f(%x: vector<1x4x8x8xf32>) {
  %s = qtrain.slice_channels %x : vector<1x4x8x8xf32> -> tensor<1x4x8x8x!qtrain.qi8<0.1, -128>>
  func.return
}
// CHECK: {{^}}vector<1x4x8x8xf32> should be of base attribute tensor{{$}}

// -----

// The same for the result: rank 4 ...
func.func @f(%x: tensor<1x4x8x8x!qtrain.qi8<0.1, -128>>) {
  %s = qtrain.slice_channels %x : tensor<1x4x8x8x!qtrain.qi8<0.1, -128>> -> tensor<1x2x8x!qtrain.qi8<0.1, -128>>
  func.return
}
// CHECK: {{^}}qtrain.slice_channels: result must have rank 4, got rank 3{{$}}

// -----

// ... static ...
func.func @f(%x: tensor<1x4x8x8x!qtrain.qi8<0.1, -128>>) {
  %s = qtrain.slice_channels %x : tensor<1x4x8x8x!qtrain.qi8<0.1, -128>> -> tensor<1x?x8x8x!qtrain.qi8<0.1, -128>>
  func.return
}
// CHECK: {{^}}qtrain.slice_channels: result must have a static shape, got tensor<1x?x8x8x!qtrain.qi8<0.1, -128>>{{$}}

// -----

// ... non-empty (zero channels) ...
func.func @f(%x: tensor<1x4x8x8x!qtrain.qi8<0.1, -128>>) {
  %s = qtrain.slice_channels %x : tensor<1x4x8x8x!qtrain.qi8<0.1, -128>> -> tensor<1x0x8x8x!qtrain.qi8<0.1, -128>>
  func.return
}
// CHECK: {{^}}qtrain.slice_channels: result must not be empty, got tensor<1x0x8x8x!qtrain.qi8<0.1, -128>>{{$}}

// -----

// ... quantized int8.
func.func @f(%x: tensor<1x4x8x8x!qtrain.qi8<0.1, -128>>) {
  %s = qtrain.slice_channels %x : tensor<1x4x8x8x!qtrain.qi8<0.1, -128>> -> tensor<1x2x8x8xf32>
  func.return
}
// CHECK: {{^}}qtrain.slice_channels: result must have element type !qtrain.qi8, got f32{{$}}

// -----

// The result takes at most the input's channels ...
func.func @f(%x: tensor<1x4x8x8x!qtrain.qi8<0.1, -128>>) {
  %s = qtrain.slice_channels %x : tensor<1x4x8x8x!qtrain.qi8<0.1, -128>> -> tensor<1x5x8x8x!qtrain.qi8<0.1, -128>>
  func.return
}
// CHECK: {{^}}qtrain.slice_channels: result 1x5x8x8 is not a leading-channel slice of 1x4x8x8{{$}}

// -----

// ... and keeps batch ...
func.func @f(%x: tensor<1x4x8x8x!qtrain.qi8<0.1, -128>>) {
  %s = qtrain.slice_channels %x : tensor<1x4x8x8x!qtrain.qi8<0.1, -128>> -> tensor<2x2x8x8x!qtrain.qi8<0.1, -128>>
  func.return
}
// CHECK: {{^}}qtrain.slice_channels: result 2x2x8x8 is not a leading-channel slice of 1x4x8x8{{$}}

// -----

// ... height ...
func.func @f(%x: tensor<1x4x8x8x!qtrain.qi8<0.1, -128>>) {
  %s = qtrain.slice_channels %x : tensor<1x4x8x8x!qtrain.qi8<0.1, -128>> -> tensor<1x2x4x8x!qtrain.qi8<0.1, -128>>
  func.return
}
// CHECK: {{^}}qtrain.slice_channels: result 1x2x4x8 is not a leading-channel slice of 1x4x8x8{{$}}

// -----

// ... and width.
func.func @f(%x: tensor<1x4x8x8x!qtrain.qi8<0.1, -128>>) {
  %s = qtrain.slice_channels %x : tensor<1x4x8x8x!qtrain.qi8<0.1, -128>> -> tensor<1x2x8x4x!qtrain.qi8<0.1, -128>>
  func.return
}
// CHECK: {{^}}qtrain.slice_channels: result 1x2x8x4 is not a leading-channel slice of 1x4x8x8{{$}}

// -----

// The slice keeps the input's scale ...
func.func @f(%x: tensor<1x4x8x8x!qtrain.qi8<0.1, -128>>) {
  %s = qtrain.slice_channels %x : tensor<1x4x8x8x!qtrain.qi8<0.1, -128>> -> tensor<1x2x8x8x!qtrain.qi8<0.2, -128>>
  func.return
}
// CHECK: {{^}}qtrain.slice_channels: the slice must keep the input's quantization{{$}}

// -----

// ... and zero point.
func.func @f(%x: tensor<1x4x8x8x!qtrain.qi8<0.1, -128>>) {
  %s = qtrain.slice_channels %x : tensor<1x4x8x8x!qtrain.qi8<0.1, -128>> -> tensor<1x2x8x8x!qtrain.qi8<0.1, 0>>
  func.return
}
// CHECK: {{^}}qtrain.slice_channels: the slice must keep the input's quantization{{$}}
