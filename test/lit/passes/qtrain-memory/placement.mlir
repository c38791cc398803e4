// RUN: %tt-opt %S/../../targets/c/train_step.mlir -p 'qtrain-training{scheme="%S/../../targets/c/Inputs/partial.json" classes=4 seed=3},qtrain-memory{algorithm=greedy-by-size}' | %filecheck %s

// qtrain-memory ends with mem-place-params, so the planned IR says where each parameter
// lives: with the first input channel of @c1.w (regular conv, 1 of 2) and the first
// channel of @c2.w (depthwise, 1 of 3) trained, both weights are split; the biases and
// the head train whole. The C target (targets/c/train_step.mlir) prints these placements.

// CHECK:      qtrain.param @c1.w trainable = {{.*}} : tensor<3x2x1x1xi8> {placement = "split", split_axis = 1 : i64, split_channels = 1 : i64}
// CHECK-NEXT: qtrain.param @c1.b trainable = {{.*}} {placement = "sram"}
// CHECK-NEXT: qtrain.param @c2.w trainable = {{.*}} : tensor<3x1x3x3xi8> {placement = "split", split_axis = 0 : i64, split_channels = 1 : i64}
// CHECK-NEXT: qtrain.param @c2.b trainable = {{.*}} {placement = "sram"}
// CHECK-NEXT: qtrain.param @head.weight trainable = {{.*}} {placement = "sram"}
// CHECK-NEXT: qtrain.param @head.bias trainable = {{.*}} {placement = "sram"}
// CHECK:      mem.arena @arena
