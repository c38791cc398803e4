"""Liveness and the memory lower bound, on a hand-computed graph."""

from xdsl.parser import Parser

from tiny_training.analysis.liveness import analyze, tensor_bytes
from tiny_training.analysis.symbols import find_function
from tiny_training.tools.common import make_context

# Steps: 0 get w, 1 get b, 2 conv (y: 1x2x3x3 int8 = 18 B, mask 18 bits = 3 B),
# 3 avgpool (p: 2 B), 4 dequantize (d: 2 f32 = 8 B), 5 flatten (f: 8 B), 6 return.
# The input x (1x2x3x3 int8 = 18 B) is live from step 0 to its last use at step 2.
MODULE = """
qtrain.param @w = dense<[[[[2]], [[-1]]], [[[1]], [[3]]]]> : tensor<2x2x1x1xi8>
qtrain.param @b trainable = dense<[5, -7]> : tensor<2xi32>
func.func @f(%x: tensor<1x2x3x3x!qtrain.qi8<0.5, 0>>) -> tensor<1x2xf32> {
  %w = qtrain.get_param @w : tensor<2x2x1x1xi8>
  %b = qtrain.get_param @b : tensor<2xi32>
  %y, %m = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.25, 0.125>} : (tensor<1x2x3x3x!qtrain.qi8<0.5, 0>>, tensor<2x2x1x1xi8>, tensor<2xi32>) -> (tensor<1x2x3x3x!qtrain.qi8<0.0625, -128>>, tensor<1x2x3x3xi1>)
  %p = qtrain.global_avgpool %y : tensor<1x2x3x3x!qtrain.qi8<0.0625, -128>> -> tensor<1x2x1x1x!qtrain.qi8<0.0625, -128>>
  %d = qtrain.dequantize %p : tensor<1x2x1x1x!qtrain.qi8<0.0625, -128>> -> tensor<1x2x1x1xf32>
  %f = qtrain.flatten %d : tensor<1x2x1x1xf32> -> tensor<1x2xf32>
  func.return %f : tensor<1x2xf32>
}
"""


def test_peak_and_trainable_bytes_by_hand():
    module = Parser(make_context(), MODULE).parse_module()
    module.verify()
    result = analyze(module, find_function(module, "f", "test"))
    # step 2: x (18) + y (18) + mask (3, unused later but defined here) = 39 B;
    # step 3: y (18) + p (2) = 20; step 4: p + d = 10; step 5: d + f = 16.
    assert (result.peak_bytes, result.peak_step, result.peak_op) == (39, 2, "qtrain.conv2d")
    assert result.trainable_bytes == 8  # the int32 bias; the frozen int8 weight stays in flash
    assert result.total_bytes == 47


def test_tensor_bytes():
    module = Parser(make_context(), MODULE).parse_module()
    sizes = {str(v.type): tensor_bytes(v.type) for op in module.walk() for v in op.results}
    assert sizes["tensor<2x2x1x1xi8>"] == 4
    assert sizes["tensor<2xi32>"] == 8
    assert sizes["tensor<1x2x3x3xi1>"] == 3  # 18 bits, bit-packed
    assert sizes["tensor<1x2x1x1xf32>"] == 8
