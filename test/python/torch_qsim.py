"""An independent PyTorch simulation of a pretrained int8 model's training step.

Written from FACTS.md sections 2 and 3, not from the compiler: the integer forward
pass is computed exactly (float64 on integer values, requantization in float32 like
the documented semantics), rounding is straight-through (`x + (round(x) - x).detach()`),
clamps pass the gradient where the value before the clamp lies in [-128, 127]
(`torch.clamp`), and PyTorch autograd gives the gradients w.r.t. the int8 weights,
int32 biases (integer domain) and the fp32 head.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from tiny_training.frontends.mcu_pickle import McuModel, QConv


def ste_round(x: torch.Tensor) -> torch.Tensor:
    return x + (torch.round(x) - x).detach()


def f32_multiplier(x_scale: float, w_scales: np.ndarray, y_scale: float) -> torch.Tensor:
    return torch.tensor((x_scale * w_scales.astype(np.float64) / y_scale).astype(np.float32))


class QSim:
    def __init__(self, model: McuModel, head_weight: np.ndarray, head_bias: np.ndarray):
        self.model = model
        self.weights = {c.path: torch.tensor(c.weight, dtype=torch.float64, requires_grad=True) for c in model.convs[:-1]}
        self.biases = {c.path: torch.tensor(c.bias, dtype=torch.float64, requires_grad=True) for c in model.convs[:-1]}
        self.head_weight = torch.tensor(head_weight, dtype=torch.float64, requires_grad=True)
        self.head_bias = torch.tensor(head_bias, dtype=torch.float64, requires_grad=True)

    def conv(self, x: torch.Tensor, conv: QConv) -> torch.Tensor:
        pad = conv.kernel_size // 2
        acc = F.conv2d(x - conv.x_zero, self.weights[conv.path], None, conv.stride, pad, 1, conv.groups)
        acc = acc + self.biases[conv.path].view(1, -1, 1, 1)
        acc = acc + (torch.clamp(acc, -(2**31), 2**31 - 1) - acc).detach()  # int32 saturation of the bias add
        scaled = acc.float() * f32_multiplier(conv.x_scale, conv.w_scales, conv.y_scale).view(1, -1, 1, 1)
        return torch.clamp(ste_round(scaled).double() + conv.y_zero, -128, 127)

    def add(self, a: torch.Tensor, b: torch.Tensor, a_q, b_q, y_scale: float, y_zero: int) -> torch.Tensor:
        m_a = torch.tensor(np.float32(a_q[0] / y_scale))
        m_b = torch.tensor(np.float32(b_q[0] / y_scale))
        total = (a - a_q[1]).float() * m_a + (b - b_q[1]).float() * m_b
        return torch.clamp(ste_round(total).double() + y_zero, -128, 127)

    def loss(self, image: np.ndarray, label: int) -> torch.Tensor:
        model = self.model
        x = torch.tensor(image, dtype=torch.float64)
        x = self.conv(x, model.first_conv)
        x_q = (model.first_conv.y_scale, model.first_conv.y_zero)
        for block in model.blocks:
            shortcut, shortcut_q = x, x_q
            for conv in block.convs:
                x = self.conv(x, conv)
                x_q = (conv.y_scale, conv.y_zero)
            if block.residual is not None:
                res = block.residual
                x = self.add(shortcut, x, shortcut_q, x_q, res.y_scale, res.y_zero)
                x_q = (res.y_scale, res.y_zero)
        if model.feature_mix is not None:
            x = self.conv(x, model.feature_mix)
            x_q = (model.feature_mix.y_scale, model.feature_mix.y_zero)
        pooled = x.sum(dim=(2, 3), keepdim=True) / (x.shape[2] * x.shape[3])
        pooled = ste_round(pooled)  # exact quotients: float64 ties are exact, so round is half to even
        features = ((pooled - x_q[1]).float() * np.float32(x_q[0])).double().flatten(1)
        logits = features @ self.head_weight.T + self.head_bias
        return F.cross_entropy(logits, torch.tensor([label]))
