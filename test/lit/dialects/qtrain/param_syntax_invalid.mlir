// RUN: %tt-opt %s --split-input-file --parsing-diagnostics | %filecheck %s

// The data must fit the type: the parser checks element count and shape.
qtrain.param @p = dense<[1, 2, 3]> : tensor<2xi32>
// CHECK: {{^}}Shape mismatch in dense literal. Expected [2] shape from the type, but got [3] shape.{{$}}

// -----

qtrain.param @p = dense<[[1, 2], [3, 4]]> : tensor<4xi32>
// CHECK: {{^}}Shape mismatch in dense literal. Expected [4] shape from the type, but got [2, 2] shape.{{$}}

// -----

qtrain.param @p = dense<"0x0102"> : tensor<4xi8>
// CHECK: {{^}}Shape mismatch in dense literal. Expected 4 elements from the type, but got 2 elements.{{$}}

// -----

// Parameters need static shapes.
qtrain.param @p = dense<1> : tensor<?xi8>
// CHECK: {{^}}Dense literal attribute should have a static shape.{{$}}
