// RUN: %tt-opt %s --split-input-file --verify-diagnostics | %filecheck %s

// The symbol must exist ...
func.func @f() {
  %0 = qtrain.get_param @missing : tensor<2xi32>
  func.return
}
// CHECK: {{^}}qtrain.get_param: no qtrain.param named @missing{{$}}

// -----

// ... also as a nested reference ...
qtrain.param @p = dense<[1, 2]> : tensor<2xi32>
func.func @f() {
  %0 = qtrain.get_param @p::@q : tensor<2xi32>
  func.return
}
// CHECK: {{^}}qtrain.get_param: no qtrain.param named @p::@q{{$}}

// -----

// ... and be a qtrain.param.
func.func @weights() {
  func.return
}
func.func @f() {
  %0 = qtrain.get_param @weights : tensor<2xi32>
  func.return
}
// CHECK: {{^}}qtrain.get_param: @weights is a func.func, not a qtrain.param{{$}}

// -----

// The result type is exactly the parameter's type: shape ...
qtrain.param @conv0.bias = dense<[12, -3]> : tensor<2xi32>
func.func @f() {
  %0 = qtrain.get_param @conv0.bias : tensor<3xi32>
  func.return
}
// CHECK: {{^}}qtrain.get_param: result type tensor<3xi32> does not match the type tensor<2xi32> of @conv0.bias{{$}}

// -----

// ... element type ...
qtrain.param @conv0.bias = dense<[12, -3]> : tensor<2xi32>
func.func @f() {
  %0 = qtrain.get_param @conv0.bias : tensor<2xi8>
  func.return
}
// CHECK: {{^}}qtrain.get_param: result type tensor<2xi8> does not match the type tensor<2xi32> of @conv0.bias{{$}}

// -----

// ... and rank; an int8 weight is not read as a quantized activation.
qtrain.param @conv0.weight = dense<[[[[1]]], [[[2]]]]> : tensor<2x1x1x1xi8>
func.func @f() {
  %0 = qtrain.get_param @conv0.weight : tensor<2x1x1x1x!qtrain.qi8<0.1, 0>>
  func.return
}
// CHECK: {{^}}qtrain.get_param: result type tensor<2x1x1x1x!qtrain.qi8<0.1, 0>> does not match the type tensor<2x1x1x1xi8> of @conv0.weight{{$}}

// -----

qtrain.param @conv0.weight = dense<[[[[1]]], [[[2]]]]> : tensor<2x1x1x1xi8>
func.func @f() {
  %0 = qtrain.get_param @conv0.weight : tensor<2xi8>
  func.return
}
// CHECK: {{^}}qtrain.get_param: result type tensor<2xi8> does not match the type tensor<2x1x1x1xi8> of @conv0.weight{{$}}

// -----

// The result must be a (ranked) tensor: checked by the IRDL result constraint.
qtrain.param @p = dense<[1, 2]> : tensor<2xi32>
func.func @f() {
  %0 = qtrain.get_param @p : vector<2xi32>
  func.return
}
// CHECK: {{^}}vector<2xi32> should be of base attribute tensor{{$}}
