// RUN: %tt-opt %s | %filecheck %s
// RUN: %tt-opt %s | %tt-opt | %filecheck %s
// RUN: %tt-opt %s --print-op-generic | %tt-opt | %filecheck %s

// The placements that mem-place-params records round-trip.

// CHECK:      qtrain.param @f = dense<[1, 2]> : tensor<2xi32> {placement = "flash"}
// CHECK-NEXT: qtrain.param @t trainable = dense<[1, 2]> : tensor<2xi32> {placement = "sram"}
// CHECK-NEXT: qtrain.param @p trainable = dense<5.000000e-01> : tensor<3x4xf32> {placement = "sram-partial"}
// CHECK-NEXT: qtrain.param @s trainable = dense<1> : tensor<4x8x1x1xi8> {placement = "split", split_axis = 1 : i64, split_channels = 3 : i64}
// CHECK-NEXT: qtrain.param @n trainable = dense<1> : tensor<2xi32>{{$}}
qtrain.param @f = dense<[1, 2]> : tensor<2xi32> {placement = "flash"}
qtrain.param @t trainable = dense<[1, 2]> : tensor<2xi32> {placement = "sram"}
qtrain.param @p trainable = dense<0.5> : tensor<3x4xf32> {placement = "sram-partial"}
qtrain.param @s trainable = dense<1> : tensor<4x8x1x1xi8> {placement = "split", split_axis = 1 : i64, split_channels = 3 : i64}
qtrain.param @n trainable = dense<1> : tensor<2xi32>
