// RUN: %tt-opt %s -p "qtrain-training{scheme=full classes=3 qas=false},qtrain-reorder-updates" | %filecheck %s

// After the training pipeline every update sits at the end of @train_step. Reordering moves
// each update right after its gradient: the head bias as soon as sum_batch is done, the
// head weight right after its gradient (the head's input gradient reads the weight first), the
// conv bias and weight right after their gradients.

qtrain.param @c.w = dense<[[[[3]]], [[[-2]]]]> : tensor<2x1x1x1xi8>
qtrain.param @c.b = dense<[1, 2]> : tensor<2xi32>
func.func @main(%x: tensor<1x1x2x2x!qtrain.qi8<0.5, 0>>) -> tensor<1x2xf32> {
  %w = qtrain.get_param @c.w : tensor<2x1x1x1xi8>
  %b = qtrain.get_param @c.b : tensor<2xi32>
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.25, 0.25>} : (tensor<1x1x2x2x!qtrain.qi8<0.5, 0>>, tensor<2x1x1x1xi8>, tensor<2xi32>) -> tensor<1x2x2x2x!qtrain.qi8<0.125, -128>>
  %p = qtrain.global_avgpool %y : tensor<1x2x2x2x!qtrain.qi8<0.125, -128>> -> tensor<1x2x1x1x!qtrain.qi8<0.125, -128>>
  %d = qtrain.dequantize %p : tensor<1x2x1x1x!qtrain.qi8<0.125, -128>> -> tensor<1x2x1x1xf32>
  %f = qtrain.flatten %d : tensor<1x2x1x1xf32> -> tensor<1x2xf32>
  func.return %f : tensor<1x2xf32>
}

// CHECK-LABEL: func.func @train_step
// CHECK:      %[[DL:.*]] = qtrain.softmax_cross_entropy_grad
// CHECK-NEXT: %[[DB:.*]] = qtrain.sum_batch %[[DL]]
// CHECK-NEXT: qtrain.sgd_update @head.bias, %[[DB]]
// CHECK-NEXT: %[[DX:.*]] = qtrain.linear_grad_input %[[DL]]
// CHECK-NEXT: %[[DW:.*]] = qtrain.linear_grad_weight %[[DL]]
// CHECK-NEXT: qtrain.sgd_update @head.weight, %[[DW]]
// CHECK:      %[[G:.*]] = qtrain.requant_grad
// CHECK-NEXT: %[[CB:.*]] = qtrain.conv2d_grad_bias %[[G]]
// CHECK-NEXT: qtrain.sgd_update @c.b, %[[CB]]
// CHECK-NEXT: %[[CW:.*]] = qtrain.conv2d_grad_weight %x, %[[G]]
// CHECK-NEXT: qtrain.sgd_update @c.w, %[[CW]]
// CHECK-NEXT: func.return
