// RUN: %tt-opt %s -p "qtrain-training{scheme=full classes=3 qas=false},qtrain-reorder-updates,convert-qtrain-to-mem" | %filecheck %s

// The buffers of a whole training step. Steps: 0 conv2d, 1 global_avgpool, 2 dequantize,
// 3 flatten, 4 linear, 5 softmax_cross_entropy, 6 its grad, 7 sum_batch, 8 sgd_update
// head.bias, 9 linear_grad_input, 10 linear_grad_weight, 11 sgd_update head.weight,
// 12 reshape, 13 dequantize_grad, 14 global_avgpool_grad, 15 clamp_grad, 16 requant_grad,
// 17 conv2d_grad_bias, 18 sgd_update c.b, 19 conv2d_grad_weight, 20 sgd_update c.w.

// CHECK-LABEL: func.func @train_step
// The image (4 B) is read again by the conv's weight gradient at step 19; the label (one
// i32) last by the loss gradient at step 6.
// CHECK-NEXT: mem.alloc lifetime [0, 19] role "input" : !mem.buffer<4, 4, sram>
// CHECK-NEXT: mem.alloc lifetime [0, 6] role "input" : !mem.buffer<4, 4, sram>
// The conv output (8 int8) dies in the forward pass; its clamp mask (8 bits = 1 B) is
// saved for clamp_grad at step 15.
// CHECK-NEXT: mem.alloc lifetime [0, 1] role "activation" : !mem.buffer<8, 4, sram>
// CHECK-NEXT: mem.alloc lifetime [0, 15] role "mask" : !mem.buffer<1, 4, sram>
// CHECK-NEXT: mem.alloc lifetime [1, 2] role "activation" : !mem.buffer<2, 4, sram>
// Dequantized features (2 f32), flattened in place, saved for the head's weight gradient.
// CHECK-NEXT: mem.alloc lifetime [2, 10] role "saved" : !mem.buffer<8, 4, sram>
// Logits (3 f32) and the loss, which is returned and so lives past the last step (21).
// CHECK-NEXT: mem.alloc lifetime [4, 6] role "saved" : !mem.buffer<12, 4, sram>
// CHECK-NEXT: mem.alloc lifetime [5, 21] role "saved" : !mem.buffer<4, 4, sram>
// dL/dlogits is read by sum_batch, linear_grad_input and linear_grad_weight; sum_batch
// cannot reuse it in place because it is read later.
// CHECK-NEXT: mem.alloc lifetime [6, 10] role "gradient" : !mem.buffer<12, 4, sram>
// CHECK-NEXT: mem.alloc lifetime [7, 8] role "gradient" : !mem.buffer<12, 4, sram>
// The input gradient of the head, reshaped and scaled by dequantize_grad in place.
// CHECK-NEXT: mem.alloc lifetime [9, 14] role "gradient" : !mem.buffer<8, 4, sram>
// CHECK-NEXT: mem.alloc lifetime [10, 11] role "gradient" : !mem.buffer<24, 4, sram>
// 1x2x2x2 f32 = 32 B from global_avgpool_grad; clamp_grad and requant_grad work in place.
// CHECK-NEXT: mem.alloc lifetime [14, 19] role "gradient" : !mem.buffer<32, 4, sram>
// CHECK-NEXT: mem.alloc lifetime [17, 18] role "gradient" : !mem.buffer<8, 4, sram>
// CHECK-NEXT: mem.alloc lifetime [19, 20] role "gradient" : !mem.buffer<8, 4, sram>
// CHECK-NOT:  mem.alloc
// CHECK:      %[[G:.*]] = mem.load %[[B:.*]] : !mem.buffer<32, 4, sram> -> tensor<1x2x2x2xf32>
// CHECK-NEXT: %[[M:.*]] = mem.load %{{.*}} : !mem.buffer<1, 4, sram> -> tensor<1x2x2x2xi1>
// CHECK-NEXT: %[[C:.*]] = qtrain.clamp_grad %[[G]], %[[M]]
// CHECK-NEXT: mem.store %[[C]], %[[B]] : tensor<1x2x2x2xf32>, !mem.buffer<32, 4, sram>
// CHECK-NEXT: %[[CL:.*]] = mem.load %[[B]]
// CHECK-NEXT: %[[R:.*]] = qtrain.requant_grad %[[CL]]
// CHECK-NEXT: mem.store %[[R]], %[[B]] : tensor<1x2x2x2xf32>, !mem.buffer<32, 4, sram>

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
