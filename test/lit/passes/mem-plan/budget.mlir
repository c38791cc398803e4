// RUN: %tt-opt %s -p "qtrain-training{scheme=full classes=3 qas=false},qtrain-reorder-updates,convert-qtrain-to-mem,mem-plan{algorithm=optimal budget=100}" --verify-diagnostics | %filecheck %s
// RUN: %tt-opt %s -p "qtrain-training{scheme=full classes=3 qas=false},qtrain-reorder-updates,convert-qtrain-to-mem,mem-plan{algorithm=optimal budget=110}" | %filecheck %s --check-prefix=FITS

// A plan over budget names the total, the excess and the breakdown at the peak step.
// The arena is 64 B (= the lower bound); the trainable parameters add 46 B of SRAM:
// conv weight 2 int8 + bias 2 int32 = 10 B, head weight 3x2 f32 = 24 B, head bias 3 f32 =
// 12 B. At step 10 (linear_grad_weight) these are live: the image (4 B), the clamp mask
// (1 B padded to 4), the saved features (8 B) and the loss (4 B), and three gradients: dL/dlogits
// (12 B), the head's input gradient (8 B) and its weight gradient (24 B).

// CHECK:      mem-plan: the plan needs 110 B of SRAM (arena 64 B + trainable weights 46 B), over the budget of 100 B by 10 B; peak at step 10 (qtrain.linear_grad_weight):
// CHECK-NEXT:   inputs                       4 B
// CHECK-NEXT:   activations                  0 B
// CHECK-NEXT:   saved activations           12 B
// CHECK-NEXT:   clamp masks                  4 B
// CHECK-NEXT:   gradients                   44 B
// CHECK-NEXT:   scratch                      0 B
// CHECK-NEXT:   arena unused here            0 B (fragmentation)
// CHECK-NEXT:   trainable weights           46 B (SRAM, outside the arena)
// CHECK-NEXT:   total                      110 B

// Exactly at the budget, it fits.
// FITS: mem.arena @arena size 64 align 4 space sram

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
