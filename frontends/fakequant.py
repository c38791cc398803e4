"""PyTorch fake-quant modules: the form in which a quantized model enters the compiler.

A quantized model (from post-training quantization of a float model, or rebuilt
from a pretrained int8 file) is expressed with these modules, `torch.export`ed,
imported by torch-mlir's FX importer, and pattern-matched back into `qtrain` ops
by `convert-torch-to-qtrain`. Every integer and scale of the int8 model is
recoverable *exactly* from the exported graph:

* activations: `torch.fake_quantize_per_tensor_affine(x, s, z, -128, 127)` with
  `s` a Python float (exported as an f64 constant) and `z` an int;
* weights: an f32 tensor holding `W_q * s_w[c]` exactly, passed through
  `torch.fake_quantize_per_channel_affine(w, s_w, 0, axis=0, -127, 127)`:
  `W_q = w / s_w` is exact because |W_q| <= 127;
* biases: an int32 buffer `b_q`, converted to f32 and scaled by `s_w * s_x` in
  the graph, so the int32 values reach the compiler untouched.

The forward pass of these modules is the float simulation of the int8 model
(the fake-quant "QAT" view); it differs from the integer semantics of
`qtrain` only by float rounding inside a step.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

QMIN, QMAX = -128, 127
WEIGHT_QMIN, WEIGHT_QMAX = -127, 127


def fake_quant(x: torch.Tensor, scale: float, zero_point: int) -> torch.Tensor:
    return torch.fake_quantize_per_tensor_affine(x, float(scale), int(zero_point), QMIN, QMAX)


class QuantizeInput(nn.Module):
    """Quantizes the real-valued model input to int8 `(scale, zero_point)`."""

    def __init__(self, scale: float, zero_point: int):
        super().__init__()
        self.scale = float(scale)
        self.zero_point = int(zero_point)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return fake_quant(x, self.scale, self.zero_point)


class QConv2d(nn.Module):
    """int8 conv: per-channel symmetric weights, int32 bias, requantized output.

    The input must already be fake-quantized with `(x_scale, x_zero)`; the output
    is fake-quantized with `(y_scale, y_zero)` (ReLU/ReLU6 are folded into that
    range by the quantizer).
    """

    def __init__(
        self,
        weight_q: np.ndarray,
        bias_q: np.ndarray,
        w_scales: np.ndarray,
        *,
        x_scale: float,
        y_scale: float,
        y_zero: int,
        stride: int | Sequence[int] = 1,
        padding: int | Sequence[int] = 0,
        groups: int = 1,
    ):
        super().__init__()
        weight_q = np.asarray(weight_q, dtype=np.int8)
        w_scales = np.asarray(w_scales, dtype=np.float32)
        bias_q = np.asarray(bias_q, dtype=np.int32)
        if weight_q.ndim != 4 or w_scales.shape != (weight_q.shape[0],) or bias_q.shape != (weight_q.shape[0],):
            raise ValueError("QConv2d: weight must be OIHW with one scale and one bias per output channel")
        if weight_q.min(initial=0) < WEIGHT_QMIN:
            raise ValueError("QConv2d: int8 weights must lie in [-127, 127] (symmetric)")
        scales = torch.from_numpy(w_scales.copy())
        self.register_buffer("weight", torch.from_numpy(weight_q.astype(np.float32)) * scales.view(-1, 1, 1, 1))
        self.register_buffer("w_scales", scales)
        self.register_buffer("w_zero_points", torch.zeros(weight_q.shape[0], dtype=torch.int32))
        self.register_buffer("bias_q", torch.from_numpy(bias_q.copy()))
        self.register_buffer("bias_scale", (scales.double() * float(x_scale)).float())
        self.x_scale = float(x_scale)
        self.y_scale = float(y_scale)
        self.y_zero = int(y_zero)
        self.stride = tuple(stride) if isinstance(stride, Sequence) else (stride, stride)
        self.padding = tuple(padding) if isinstance(padding, Sequence) else (padding, padding)
        self.groups = int(groups)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        weight = torch.fake_quantize_per_channel_affine(
            self.weight, self.w_scales, self.w_zero_points, 0, WEIGHT_QMIN, WEIGHT_QMAX
        )
        y = F.conv2d(x, weight, None, self.stride, self.padding, 1, self.groups)
        bias = self.bias_q.to(torch.float32) * self.bias_scale
        y = y + bias.view(1, -1, 1, 1)
        return fake_quant(y, self.y_scale, self.y_zero)


class QAdd(nn.Module):
    """Requantized residual add of two fake-quantized tensors."""

    def __init__(self, y_scale: float, y_zero: int):
        super().__init__()
        self.y_scale = float(y_scale)
        self.y_zero = int(y_zero)

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return fake_quant(a + b, self.y_scale, self.y_zero)


class QGlobalAvgPool(nn.Module):
    """Global average pool that keeps its input's quantization: `round(mean(x_q))`."""

    def __init__(self, scale: float, zero_point: int):
        super().__init__()
        self.scale = float(scale)
        self.zero_point = int(zero_point)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return fake_quant(x.mean(dim=(2, 3), keepdim=True), self.scale, self.zero_point)


class LinearHead(nn.Module):
    """The fp32 classifier head on int8 features: flatten, then a float linear layer."""

    def __init__(self, weight: np.ndarray, bias: np.ndarray):
        super().__init__()
        self.linear = nn.Linear(weight.shape[1], weight.shape[0])
        with torch.no_grad():
            self.linear.weight.copy_(torch.from_numpy(np.asarray(weight, dtype=np.float32)))
            self.linear.bias.copy_(torch.from_numpy(np.asarray(bias, dtype=np.float32)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(torch.flatten(x, 1))
