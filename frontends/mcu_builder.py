"""Builds `qtrain` IR directly from a validated pretrained int8 model.

This is the direct route from the model file to the dialect (no PyTorch in
between). The frontend issue adds the user route through torch-mlir; the two
must produce the same integers and scales, which makes this builder the
reference for that check.

Network structure of the files (FACTS.md section 2): first conv, then blocks of
(pointwise1?, depthwise, pointwise2) with an optional identity shortcut that
adds the block input to the block output, an optional feature-mix conv, a
global average pool, and the classifier as a 1x1 int8 conv. Convolutions use
"same" padding `kernel // 2`.
"""

from __future__ import annotations

from xdsl.builder import Builder, InsertPoint
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp, TensorType, i8, i32
from xdsl.ir import Block, Region, SSAValue

from tiny_training.dialects import qtrain
from tiny_training.frontends.mcu_pickle import McuModel, QConv


def _conv(builder: Builder, module_ops: list, x: SSAValue, conv: QConv) -> SSAValue:
    x_type = x.type
    assert isinstance(x_type, TensorType)
    n, c_in, h, w = x_type.get_shape()
    if c_in != conv.in_channels:
        raise ValueError(f"{conv.path}: expects {conv.in_channels} input channels, the graph gives {c_in}")
    input_q = qtrain.quant_params(x_type)
    if (input_q.scale_value, input_q.zero_point_value) != (conv.x_scale, conv.x_zero):
        raise ValueError(
            f"{conv.path}: input quantization ({conv.x_scale}, {conv.x_zero}) does not match the producer's "
            f"({input_q.scale_value}, {input_q.zero_point_value})"
        )
    pad = conv.kernel_size // 2
    out_h = qtrain.conv_output_size(h, conv.kernel_size, conv.stride, pad, pad)
    out_w = qtrain.conv_output_size(w, conv.kernel_size, conv.stride, pad, pad)
    weight = qtrain.ParamOp(f"{conv.path}.weight", conv.weight, i8)
    bias = qtrain.ParamOp(f"{conv.path}.bias", conv.bias, i32)
    module_ops.extend([weight, bias])
    w = builder.insert(qtrain.GetParamOp(weight.sym_name.data, weight.value_type)).result
    b = builder.insert(qtrain.GetParamOp(bias.sym_name.data, bias.value_type)).result
    op = qtrain.Conv2dOp(
        x,
        w,
        b,
        qtrain.qtensor((n, conv.out_channels, out_h, out_w), conv.y_scale, conv.y_zero),
        stride=(conv.stride, conv.stride),
        pad=(pad, pad, pad, pad),
        groups=conv.groups,
        w_scales=[float(s) for s in conv.w_scales],
    )
    return builder.insert(op).output


def build_inference_module(model: McuModel, *, resolution: int = 128, function_name: str = "infer") -> ModuleOp:
    """`func @infer(image: 1x3xRxR int8) -> int8 logits 1xKx1x1` with every parameter a `qtrain.param`."""
    first = model.first_conv
    image_type = qtrain.qtensor((1, first.in_channels, resolution, resolution), first.x_scale, first.x_zero)
    block = Block(arg_types=[image_type])
    builder = Builder(InsertPoint.at_end(block))
    module_ops: list = []

    x = _conv(builder, module_ops, block.args[0], first)
    for qblock in model.blocks:
        shortcut = x
        for conv in qblock.convs:
            x = _conv(builder, module_ops, x, conv)
        if qblock.residual is not None:
            res = qblock.residual
            shortcut_q = qtrain.quant_params(shortcut.type)
            if (shortcut_q.scale_value, shortcut_q.zero_point_value) != (res.x_scale, res.x_zero):
                raise ValueError(f"{res.path}: shortcut quantization does not match the block input")
            x_type = x.type
            assert isinstance(x_type, TensorType)
            x = builder.insert(
                qtrain.AddOp(shortcut, x, qtrain.qtensor(x_type.get_shape(), res.y_scale, res.y_zero))
            ).output
    if model.feature_mix is not None:
        x = _conv(builder, module_ops, x, model.feature_mix)
    x_type = x.type
    assert isinstance(x_type, TensorType)
    n, c, _, _ = x_type.get_shape()
    pooled = builder.insert(
        qtrain.GlobalAvgPoolOp(x, TensorType(x_type.element_type, (n, c, 1, 1)))
    ).output
    logits = _conv(builder, module_ops, pooled, model.classifier)
    builder.insert(func.ReturnOp(logits))

    function = func.FuncOp(function_name, ([image_type], [logits.type]), Region(block))
    return ModuleOp([*module_ops, function])
