// RUN: %tt-opt %s --split-input-file --verify-diagnostics | %filecheck %s

// One diagnostic per placement rule of qtrain.param.

qtrain.param @p trainable = dense<[1, 2]> : tensor<2xi32> {placement = "dram"}
// CHECK: {{^}}qtrain.param @p: placement must be one of "flash", "sram", "sram-partial", "split", got "dram"{{$}}

// -----

qtrain.param @p = dense<[1, 2]> : tensor<2xi32> {placement = "sram"}
// CHECK: {{^}}qtrain.param @p: a frozen parameter is placed in flash, got "sram"{{$}}

// -----

qtrain.param @p trainable = dense<[1, 2]> : tensor<2xi32> {placement = "flash"}
// CHECK: {{^}}qtrain.param @p: a trainable parameter cannot be placed in flash{{$}}

// -----

qtrain.param @p trainable = dense<1> : tensor<4x8x1x1xi8> {placement = "sram", split_axis = 1 : i64, split_channels = 3 : i64}
// CHECK: {{^}}qtrain.param @p: split_axis and split_channels are only for placement "split"{{$}}

// -----

qtrain.param @p trainable = dense<1> : tensor<4x8x1x1xi8> {placement = "split", split_axis = 1 : i64}
// CHECK: {{^}}qtrain.param @p: placement "split" needs split_axis and split_channels{{$}}

// -----

qtrain.param @p trainable = dense<0.5> : tensor<4x8x1x1xf32> {placement = "split", split_axis = 1 : i64, split_channels = 3 : i64}
// CHECK: {{^}}qtrain.param @p: only int8 conv weights (rank 4) can be split, got tensor<4x8x1x1xf32>{{$}}

// -----

qtrain.param @p trainable = dense<1> : tensor<4x8x1x1xi8> {placement = "split", split_axis = 2 : i64, split_channels = 1 : i64}
// CHECK: {{^}}qtrain.param @p: split_axis must be 0 (channels) or 1 (input channels), got 2{{$}}

// -----

// The trained part must leave some channels frozen (all trained is placement "sram").
qtrain.param @p trainable = dense<1> : tensor<4x8x1x1xi8> {placement = "split", split_axis = 1 : i64, split_channels = 8 : i64}
// CHECK: {{^}}qtrain.param @p: split_channels must be in [1, 7] (a leading part of the 8 of axis 1), got 8{{$}}
