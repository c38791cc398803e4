"""A pretrained int8 model file as a PyTorch fake-quant module.

The module holds exactly the stored int8 weights, int32 biases and scales (see
`frontends/fakequant.py` for how each survives export), with submodules named
after the file's paths (`first_conv`, `blocks.3.depthwise`, ...), so the
torch-mlir route yields `qtrain` IR with the file's integers, scales and names.
"""

from __future__ import annotations

import torch
from torch import nn

from tiny_training.frontends.fakequant import QAdd, QConv2d, QGlobalAvgPool, QuantizeInput
from tiny_training.frontends.mcu_pickle import McuModel, QBlock, QConv


def qconv_from_file(conv: QConv) -> QConv2d:
    return QConv2d(
        conv.weight,
        conv.bias,
        conv.w_scales,
        x_scale=conv.x_scale,
        y_scale=conv.y_scale,
        y_zero=conv.y_zero,
        stride=conv.stride,
        padding=conv.kernel_size // 2,
        groups=conv.groups,
    )


class McuBlock(nn.Module):
    def __init__(self, block: QBlock):
        super().__init__()
        self.names = [conv.path.rsplit(".", 1)[1] for conv in block.convs]
        for name, conv in zip(self.names, block.convs, strict=True):
            self.add_module(name, qconv_from_file(conv))
        self.residual = None if block.residual is None else QAdd(block.residual.y_scale, block.residual.y_zero)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x
        for name in self.names:
            x = getattr(self, name)(x)
        if self.residual is not None:
            x = self.residual(shortcut, x)
        return x


class McuFakeQuantNet(nn.Module):
    """Input: the real-valued image `(pixel - 127.5) / 127.5`, NCHW. Output: the
    fake-quantized logits of the int8 classifier, `1 x K x 1 x 1`."""

    def __init__(self, model: McuModel):
        super().__init__()
        first = model.first_conv
        self.quantize_input = QuantizeInput(first.x_scale, first.x_zero)
        self.first_conv = qconv_from_file(first)
        self.blocks = nn.ModuleList(McuBlock(block) for block in model.blocks)
        self.feature_mix = None if model.feature_mix is None else qconv_from_file(model.feature_mix)
        last = model.classifier
        self.pool = QGlobalAvgPool(last.x_scale, last.x_zero)
        self.classifier = qconv_from_file(last)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.first_conv(self.quantize_input(x))
        for block in self.blocks:
            x = block(x)
        if self.feature_mix is not None:
            x = self.feature_mix(x)
        return self.classifier(self.pool(x))
