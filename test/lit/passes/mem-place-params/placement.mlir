// RUN: %tt-opt %s -p 'mem-place-params' | %filecheck %s
// RUN: %tt-opt %s -p 'mem-place-params,mem-place-params' | %filecheck %s

// Where each parameter lives, from what its updates write and how convs read it:
// - @f.w: frozen -> flash;
// - @c.b: trained whole -> sram;
// - @c.w: the first of 2 input channels of a regular conv weight train -> split on axis 1;
// - @d.w: the first of 2 channels of a depthwise weight train -> split on axis 0;
// - @h.w: an f32 head weight of which 2 of 4 columns train: not an int8 conv weight,
//   kept whole -> sram-partial;
// - @s.w: its first channel trains, but it is read by a regular conv as well as by a
//   depthwise one (no split kernel fits both) -> sram-partial.
// Running the pass twice gives the same placements.

// CHECK:      qtrain.param @f.b = dense<[1, 2]> : tensor<2xi32> {placement = "flash"}
// CHECK-NEXT: qtrain.param @c.w trainable = dense<1> : tensor<2x2x1x1xi8> {placement = "split", split_axis = 1 : i64, split_channels = 1 : i64}
// CHECK-NEXT: qtrain.param @c.b trainable = dense<[1, 2]> : tensor<2xi32> {placement = "sram"}
// CHECK-NEXT: qtrain.param @d.w trainable = dense<1> : tensor<2x1x3x3xi8> {placement = "split", split_axis = 0 : i64, split_channels = 1 : i64}
// CHECK-NEXT: qtrain.param @d.b = dense<[1, 2]> : tensor<2xi32> {placement = "flash"}
// CHECK-NEXT: qtrain.param @h.w trainable = dense<5.000000e-01> : tensor<3x4xf32> {placement = "sram-partial"}
// CHECK-NEXT: qtrain.param @s.w trainable = dense<1> : tensor<2x1x1x1xi8> {placement = "sram-partial"}

qtrain.param @f.b = dense<[1, 2]> : tensor<2xi32>
qtrain.param @c.w trainable = dense<1> : tensor<2x2x1x1xi8>
qtrain.param @c.b trainable = dense<[1, 2]> : tensor<2xi32>
qtrain.param @d.w trainable = dense<1> : tensor<2x1x3x3xi8>
qtrain.param @d.b = dense<[1, 2]> : tensor<2xi32>
qtrain.param @h.w trainable = dense<0.5> : tensor<3x4xf32>
qtrain.param @s.w trainable = dense<1> : tensor<2x1x1x1xi8>

// CHECK-LABEL: func.func @train_step
func.func @train_step(%x: tensor<1x2x4x4x!qtrain.qi8<0.5, 0>>, %g: tensor<1x2x4x4xf32>, %gb: tensor<2xf32>, %gh: tensor<3x2xf32>) -> tensor<1x2x4x4x!qtrain.qi8<0.25, 0>> {
  %w = qtrain.get_param @c.w : tensor<2x2x1x1xi8>
  %b = qtrain.get_param @c.b : tensor<2xi32>
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.125, 0.125>} : (tensor<1x2x4x4x!qtrain.qi8<0.5, 0>>, tensor<2x2x1x1xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.5, 0>>
  %dw = qtrain.get_param @d.w : tensor<2x1x3x3xi8>
  %db = qtrain.get_param @d.b : tensor<2xi32>
  %z = qtrain.conv2d %y, %dw, %db {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 2 : i64, w_scales = array<f32: 0.125, 0.125>} : (tensor<1x2x4x4x!qtrain.qi8<0.5, 0>>, tensor<2x1x3x3xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.25, 0>>
  qtrain.conv2d_weight_update @c.w, %x, %g {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, channels = 1 : i64, lr = 8.0e-04 : f32} : tensor<1x2x4x4x!qtrain.qi8<0.5, 0>>, tensor<1x2x4x4xf32>
  qtrain.conv2d_weight_update @d.w, %y, %g {stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, groups = 2 : i64, channels = 1 : i64, lr = 8.0e-04 : f32} : tensor<1x2x4x4x!qtrain.qi8<0.5, 0>>, tensor<1x2x4x4xf32>
  qtrain.sgd_update @c.b, %gb {lr = 4.0e-04 : f32} : tensor<2xf32>
  qtrain.sgd_update @h.w, %gh {lr = 8.0e-04 : f32} : tensor<3x2xf32>
  %sw = qtrain.get_param @s.w : tensor<2x1x1x1xi8>
  %x1 = qtrain.slice_channels %x : tensor<1x2x4x4x!qtrain.qi8<0.5, 0>> -> tensor<1x1x4x4x!qtrain.qi8<0.5, 0>>
  %r = qtrain.conv2d %x1, %sw, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.125, 0.125>} : (tensor<1x1x4x4x!qtrain.qi8<0.5, 0>>, tensor<2x1x1x1xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.5, 0>>
  %q = qtrain.conv2d %r, %sw, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 2 : i64, w_scales = array<f32: 0.125, 0.125>} : (tensor<1x2x4x4x!qtrain.qi8<0.5, 0>>, tensor<2x1x1x1xi8>, tensor<2xi32>) -> tensor<1x2x4x4x!qtrain.qi8<0.5, 0>>
  qtrain.conv2d_weight_update @s.w, %r, %g {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 2 : i64, channels = 1 : i64, lr = 8.0e-04 : f32} : tensor<1x2x4x4x!qtrain.qi8<0.5, 0>>, tensor<1x2x4x4xf32>
  func.return %z : tensor<1x2x4x4x!qtrain.qi8<0.25, 0>>
}
