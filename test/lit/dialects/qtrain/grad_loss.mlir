// RUN: %tt-opt %s | %tt-opt | %filecheck %s
// RUN: %tt-opt %s --print-op-generic | %tt-opt | %filecheck %s

// Round trip of the loss ops: qtrain.softmax_cross_entropy and qtrain.softmax_cross_entropy_grad.

// Mean softmax cross-entropy over a batch of 2 rows of 10 logits, and its gradient.
// CHECK-LABEL: func.func @loss(
// CHECK-SAME:  %[[LOGITS:.*]]: tensor<2x10xf32>, %[[LABEL:.*]]: tensor<2xi32>) -> (tensor<f32>, tensor<2x10xf32>) {
// CHECK-NEXT: %[[LOSS:.*]] = qtrain.softmax_cross_entropy %[[LOGITS]], %[[LABEL]] : (tensor<2x10xf32>, tensor<2xi32>) -> tensor<f32>
// CHECK-NEXT: %[[D:.*]] = qtrain.softmax_cross_entropy_grad %[[LOGITS]], %[[LABEL]] : (tensor<2x10xf32>, tensor<2xi32>) -> tensor<2x10xf32>
// CHECK-NEXT: func.return %[[LOSS]], %[[D]] : tensor<f32>, tensor<2x10xf32>
// CHECK-NEXT: }
func.func @loss(%logits: tensor<2x10xf32>, %label: tensor<2xi32>) -> (tensor<f32>, tensor<2x10xf32>) {
  %loss = qtrain.softmax_cross_entropy %logits, %label : (tensor<2x10xf32>, tensor<2xi32>) -> tensor<f32>
  %d = qtrain.softmax_cross_entropy_grad %logits, %label : (tensor<2x10xf32>, tensor<2xi32>) -> tensor<2x10xf32>
  func.return %loss, %d : tensor<f32>, tensor<2x10xf32>
}

// Batch 1, two classes (the smallest head).
// CHECK-LABEL: func.func @loss_batch1(
// CHECK-SAME:  %[[LOGITS:.*]]: tensor<1x2xf32>, %[[LABEL:.*]]: tensor<1xi32>) -> (tensor<f32>, tensor<1x2xf32>) {
// CHECK-NEXT: %[[LOSS:.*]] = qtrain.softmax_cross_entropy %[[LOGITS]], %[[LABEL]] : (tensor<1x2xf32>, tensor<1xi32>) -> tensor<f32>
// CHECK-NEXT: %[[D:.*]] = qtrain.softmax_cross_entropy_grad %[[LOGITS]], %[[LABEL]] : (tensor<1x2xf32>, tensor<1xi32>) -> tensor<1x2xf32>
// CHECK-NEXT: func.return %[[LOSS]], %[[D]] : tensor<f32>, tensor<1x2xf32>
// CHECK-NEXT: }
func.func @loss_batch1(%logits: tensor<1x2xf32>, %label: tensor<1xi32>) -> (tensor<f32>, tensor<1x2xf32>) {
  %loss = qtrain.softmax_cross_entropy %logits, %label : (tensor<1x2xf32>, tensor<1xi32>) -> tensor<f32>
  %d = qtrain.softmax_cross_entropy_grad %logits, %label : (tensor<1x2xf32>, tensor<1xi32>) -> tensor<1x2xf32>
  func.return %loss, %d : tensor<f32>, tensor<1x2xf32>
}
