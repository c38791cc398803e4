// RUN: %tt-opt %s --split-input-file --verify-diagnostics | %filecheck %s

// The value must be a tensor (a dense vector is a DenseIntOrFPElementsAttr too).
qtrain.param @p = dense<[1, 2]> : vector<2xi32>
// CHECK: {{^}}qtrain.param @p: value must be a tensor, got vector<2xi32>{{$}}

// -----

// Only i8 weights, i32 biases and f32 head data are parameters.
qtrain.param @p = dense<[1, 2]> : tensor<2xi16>
// CHECK: {{^}}qtrain.param @p: element type must be i8, i32 or f32, got i16{{$}}

// -----

qtrain.param @p = dense<[1.0, 2.0]> : tensor<2xf64>
// CHECK: {{^}}qtrain.param @p: element type must be i8, i32 or f32, got f64{{$}}

// -----

qtrain.param @p = dense<[1.0, 2.0]> : tensor<2xf16>
// CHECK: {{^}}qtrain.param @p: element type must be i8, i32 or f32, got f16{{$}}

// -----

qtrain.param @p = dense<[true, false]> : tensor<2xi1>
// CHECK: {{^}}qtrain.param @p: element type must be i8, i32 or f32, got i1{{$}}

// -----

qtrain.param @p = dense<[1, 2]> : tensor<2xui8>
// CHECK: {{^}}qtrain.param @p: element type must be i8, i32 or f32, got ui8{{$}}

// -----

// "holds N values but its type needs M" cannot be
// reached with N != M: the parser expands a splat to the full value and rejects
// a list or hex string of the wrong length. Empty tensors get their own message.
qtrain.param @p = dense<> : tensor<0xi8>
// CHECK: {{^}}qtrain.param @p: parameters must not be empty, got tensor<0xi8>{{$}}

// -----

qtrain.param @p = dense<> : tensor<2x0xf32>
// CHECK: {{^}}qtrain.param @p: parameters must not be empty, got tensor<2x0xf32>{{$}}

// -----

// Parameters live at module level (HasParent(ModuleOp)).
func.func @f() {
  qtrain.param @p = dense<[1, 2]> : tensor<2xi32>
  func.return
}
// CHECK: {{^}}'qtrain.param' expects parent op 'builtin.module'{{$}}

// -----

// Parameter names are symbols: a name can be defined only once.
qtrain.param @p = dense<[1, 2]> : tensor<2xi32>
qtrain.param @p = dense<[3, 4]> : tensor<2xi32>
// CHECK: {{^}}Redefinition of symbol "p"{{$}}
