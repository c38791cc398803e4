// RUN: %tt-opt %s -p 'convert-qtrain-to-mem{function=f}' | %filecheck %s

// Buffers of a small forward function (steps: 0 conv2d, 1 add, 2 global_avgpool,
// 3 dequantize, 4 flatten; the return reads after the last op, at step 5):
// - %x: 1x2x2x2 int8 = 8 B, an input, read only by the conv at step 0: [0, 0];
// - %y: 8 B from step 0; `add %y, %y` is elementwise, same size, and nothing reads %y
//   after step 1, so %z reuses %y's buffer in place, which lives on to step 2;
// - %p: 1x2x1x1 int8 = 2 B, steps 2-3 (the 4-byte alignment pads it only in the arena);
// - %d: 1x2x1x1 f32 = 8 B from step 3; flatten's result is the same bytes, returned: [3, 5].
// Every compute op loads its operands and stores its results; the return loads its value.

qtrain.param @c.w = dense<[[[[3]], [[1]]], [[[-2]], [[1]]]]> : tensor<2x2x1x1xi8>
qtrain.param @c.b = dense<[1, 2]> : tensor<2xi32>
func.func @f(%x: tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>) -> tensor<1x2xf32> {
  %w = qtrain.get_param @c.w : tensor<2x2x1x1xi8>
  %b = qtrain.get_param @c.b : tensor<2xi32>
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.25, 0.25>} : (tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>, tensor<2x2x1x1xi8>, tensor<2xi32>) -> tensor<1x2x2x2x!qtrain.qi8<0.125, -128>>
  %z = qtrain.add %y, %y : (tensor<1x2x2x2x!qtrain.qi8<0.125, -128>>, tensor<1x2x2x2x!qtrain.qi8<0.125, -128>>) -> tensor<1x2x2x2x!qtrain.qi8<0.25, -128>>
  %p = qtrain.global_avgpool %z : tensor<1x2x2x2x!qtrain.qi8<0.25, -128>> -> tensor<1x2x1x1x!qtrain.qi8<0.25, -128>>
  %d = qtrain.dequantize %p : tensor<1x2x1x1x!qtrain.qi8<0.25, -128>> -> tensor<1x2x1x1xf32>
  %f = qtrain.flatten %d : tensor<1x2x1x1xf32> -> tensor<1x2xf32>
  func.return %f : tensor<1x2xf32>
}

// CHECK-LABEL: func.func @f
// CHECK-NEXT:  %[[X:.*]] = mem.alloc lifetime [0, 0] role "input" : !mem.buffer<8, 4, sram>
// CHECK-NEXT:  %[[Y:.*]] = mem.alloc lifetime [0, 2] role "activation" : !mem.buffer<8, 4, sram>
// CHECK-NEXT:  %[[P:.*]] = mem.alloc lifetime [2, 3] role "activation" : !mem.buffer<2, 4, sram>
// CHECK-NEXT:  %[[D:.*]] = mem.alloc lifetime [3, 5] role "activation" : !mem.buffer<8, 4, sram>
// CHECK-NEXT:  mem.store %x, %[[X]]
// CHECK-NEXT:  %w = qtrain.get_param @c.w
// CHECK-NEXT:  %b = qtrain.get_param @c.b
// CHECK-NEXT:  %[[XL:.*]] = mem.load %[[X]] : !mem.buffer<8, 4, sram> -> tensor<1x2x2x2x!qtrain.qi8<0.5, 0>>
// CHECK-NEXT:  %y = qtrain.conv2d %[[XL]], %w, %b
// CHECK-NEXT:  mem.store %y, %[[Y]]
// CHECK-NEXT:  %[[L1:.*]] = mem.load %[[Y]]
// CHECK-NEXT:  %[[L2:.*]] = mem.load %[[Y]]
// CHECK-NEXT:  %z = qtrain.add %[[L1]], %[[L2]]
// CHECK-NEXT:  mem.store %z, %[[Y]] : tensor<1x2x2x2x!qtrain.qi8<0.25, -128>>, !mem.buffer<8, 4, sram>
// CHECK-NEXT:  %[[ZL:.*]] = mem.load %[[Y]] : !mem.buffer<8, 4, sram> -> tensor<1x2x2x2x!qtrain.qi8<0.25, -128>>
// CHECK-NEXT:  %p = qtrain.global_avgpool %[[ZL]]
// CHECK-NEXT:  mem.store %p, %[[P]]
// CHECK-NEXT:  %[[PL:.*]] = mem.load %[[P]]
// CHECK-NEXT:  %d = qtrain.dequantize %[[PL]]
// CHECK-NEXT:  mem.store %d, %[[D]]
// CHECK-NEXT:  %[[DL:.*]] = mem.load %[[D]] : !mem.buffer<8, 4, sram> -> tensor<1x2x1x1xf32>
// CHECK-NEXT:  %f = qtrain.flatten %[[DL]]
// CHECK-NEXT:  mem.store %f, %[[D]] : tensor<1x2xf32>, !mem.buffer<8, 4, sram>
// CHECK-NEXT:  %[[R:.*]] = mem.load %[[D]] : !mem.buffer<8, 4, sram> -> tensor<1x2xf32>
// CHECK-NEXT:  func.return %[[R]] : tensor<1x2xf32>
