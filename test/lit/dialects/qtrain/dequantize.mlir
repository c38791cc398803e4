// RUN: %tt-opt %s | %tt-opt | %filecheck %s
// RUN: %tt-opt %s --print-op-generic | %tt-opt | %filecheck %s

// int8 to f32, same shape (the docstring example).
// CHECK-LABEL: func.func @dequantize(
// CHECK-SAME:  %[[X:.*]]: tensor<1x8x1x1x!qtrain.qi8<0.1, -128>>) -> tensor<1x8x1x1xf32> {
// CHECK-NEXT: %[[Y:.*]] = qtrain.dequantize %[[X]] : tensor<1x8x1x1x!qtrain.qi8<0.1, -128>> -> tensor<1x8x1x1xf32>
// CHECK-NEXT: func.return %[[Y]] : tensor<1x8x1x1xf32>
// CHECK-NEXT: }
func.func @dequantize(%x: tensor<1x8x1x1x!qtrain.qi8<0.1, -128>>) -> tensor<1x8x1x1xf32> {
  %y = qtrain.dequantize %x : tensor<1x8x1x1x!qtrain.qi8<0.1, -128>> -> tensor<1x8x1x1xf32>
  func.return %y : tensor<1x8x1x1xf32>
}

// Any rank, any quantization; a scale with an exponent and a positive zero point.
// CHECK-LABEL: func.func @dequantize_ranks(
// CHECK-SAME:  %[[A:.*]]: tensor<2x3x5x7x!qtrain.qi8<1.0e-05, 127>>, %[[B:.*]]: tensor<1x10x!qtrain.qi8<0.0235294118, -128>>, %[[C:.*]]: tensor<13x!qtrain.qi8<0.5, -1>>) -> (tensor<2x3x5x7xf32>, tensor<1x10xf32>, tensor<13xf32>) {
// CHECK-NEXT: %[[YA:.*]] = qtrain.dequantize %[[A]] : tensor<2x3x5x7x!qtrain.qi8<1.0e-05, 127>> -> tensor<2x3x5x7xf32>
// CHECK-NEXT: %[[YB:.*]] = qtrain.dequantize %[[B]] : tensor<1x10x!qtrain.qi8<0.0235294118, -128>> -> tensor<1x10xf32>
// CHECK-NEXT: %[[YC:.*]] = qtrain.dequantize %[[C]] : tensor<13x!qtrain.qi8<0.5, -1>> -> tensor<13xf32>
// CHECK-NEXT: func.return %[[YA]], %[[YB]], %[[YC]] : tensor<2x3x5x7xf32>, tensor<1x10xf32>, tensor<13xf32>
// CHECK-NEXT: }
func.func @dequantize_ranks(%a: tensor<2x3x5x7x!qtrain.qi8<1.0e-05, 127>>, %b: tensor<1x10x!qtrain.qi8<0.0235294118, -128>>, %c: tensor<13x!qtrain.qi8<0.5, -1>>) -> (tensor<2x3x5x7xf32>, tensor<1x10xf32>, tensor<13xf32>) {
  %ya = qtrain.dequantize %a : tensor<2x3x5x7x!qtrain.qi8<1.0e-05, 127>> -> tensor<2x3x5x7xf32>
  %yb = qtrain.dequantize %b : tensor<1x10x!qtrain.qi8<0.0235294118, -128>> -> tensor<1x10xf32>
  %yc = qtrain.dequantize %c : tensor<13x!qtrain.qi8<0.5, -1>> -> tensor<13xf32>
  func.return %ya, %yb, %yc : tensor<2x3x5x7xf32>, tensor<1x10xf32>, tensor<13xf32>
}

// The bridge from the int8 feature extractor to the fp32 head.
// CHECK-LABEL: func.func @pool_then_dequantize(
// CHECK-SAME:  %[[X:.*]]: tensor<1x8x5x5x!qtrain.qi8<0.1, -128>>) -> tensor<1x8x1x1xf32> {
// CHECK-NEXT: %[[P:.*]] = qtrain.global_avgpool %[[X]] : tensor<1x8x5x5x!qtrain.qi8<0.1, -128>> -> tensor<1x8x1x1x!qtrain.qi8<0.1, -128>>
// CHECK-NEXT: %[[Y:.*]] = qtrain.dequantize %[[P]] : tensor<1x8x1x1x!qtrain.qi8<0.1, -128>> -> tensor<1x8x1x1xf32>
// CHECK-NEXT: func.return %[[Y]] : tensor<1x8x1x1xf32>
// CHECK-NEXT: }
func.func @pool_then_dequantize(%x: tensor<1x8x5x5x!qtrain.qi8<0.1, -128>>) -> tensor<1x8x1x1xf32> {
  %p = qtrain.global_avgpool %x : tensor<1x8x5x5x!qtrain.qi8<0.1, -128>> -> tensor<1x8x1x1x!qtrain.qi8<0.1, -128>>
  %y = qtrain.dequantize %p : tensor<1x8x1x1x!qtrain.qi8<0.1, -128>> -> tensor<1x8x1x1xf32>
  func.return %y : tensor<1x8x1x1xf32>
}
