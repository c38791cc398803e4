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
