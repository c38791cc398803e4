"""A realistic *float* MobileNet-style network with BatchNorm, rebuilt from a pretrained
int8 file: conv weights `W_q * s_w` split into conv + BatchNorm with non-trivial
statistics (so that folding must recover them), ReLU6 where the int8 output range
starts at real zero, identity residuals, global pooling and a float linear classifier.
Its ImageNet predictions are meaningful, which makes float-vs-int8 agreement meaningful."""

import numpy as np
import torch
from torch import nn

from tiny_training.frontends.mcu_pickle import McuModel, QConv


def float_conv_bn(conv: QConv, rng: np.random.Generator) -> nn.Sequential:
    weight = conv.weight.astype(np.float64) * conv.w_scales.astype(np.float64)[:, None, None, None]
    bias = conv.bias.astype(np.float64) * conv.w_scales.astype(np.float64) * conv.x_scale
    channels = conv.out_channels
    gamma = rng.uniform(0.5, 2.0, channels)
    beta = rng.uniform(-0.1, 0.1, channels)
    mean = rng.uniform(-0.2, 0.2, channels)
    var = rng.uniform(0.5, 2.0, channels)
    eps = 1e-5
    factor = gamma / np.sqrt(var + eps)
    layer = nn.Conv2d(conv.in_channels, channels, conv.kernel_size, conv.stride, conv.kernel_size // 2,
                      groups=conv.groups, bias=False)  # fmt: skip
    bn = nn.BatchNorm2d(channels, eps=eps)
    with torch.no_grad():
        # fold(conv, bn) = W * factor, (0 - mean) * factor + beta  ==  weight, bias
        layer.weight.copy_(torch.from_numpy(weight / factor[:, None, None, None]))
        bn.weight.copy_(torch.from_numpy(gamma))
        bn.bias.copy_(torch.from_numpy(bias - (0 - mean) * factor))
        bn.running_mean.copy_(torch.from_numpy(mean))
        bn.running_var.copy_(torch.from_numpy(var))
    layers = [layer, bn]
    if conv.y_zero == -128:  # the int8 range starts at real zero: a folded ReLU6
        layers.append(nn.ReLU6())
    return nn.Sequential(*layers)


class FloatBlock(nn.Module):
    def __init__(self, convs, residual: bool):
        super().__init__()
        self.convs = nn.Sequential(*convs)
        self.residual = residual

    def forward(self, x):
        y = self.convs(x)
        return x + y if self.residual else y


class FloatMcuNet(nn.Module):
    def __init__(self, model: McuModel, seed: int = 0):
        super().__init__()
        rng = np.random.default_rng(seed)
        self.first_conv = float_conv_bn(model.first_conv, rng)
        self.blocks = nn.Sequential(
            *(FloatBlock([float_conv_bn(c, rng) for c in b.convs], b.residual is not None) for b in model.blocks)
        )
        self.pool = nn.AdaptiveAvgPool2d(1)
        head = model.classifier
        self.classifier = nn.Linear(head.in_channels, head.out_channels)
        with torch.no_grad():
            self.classifier.weight.copy_(
                torch.from_numpy(head.weight[:, :, 0, 0].astype(np.float64) * head.w_scales[:, None].astype(np.float64))
            )
            self.classifier.bias.copy_(torch.from_numpy(head.bias * head.w_scales.astype(np.float64) * head.x_scale))
        self.float()

    def forward(self, x):
        x = self.pool(self.blocks(self.first_conv(x)))
        return self.classifier(torch.flatten(x, 1))
