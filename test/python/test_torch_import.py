"""The user route (fake-quant PyTorch module -> torch.export -> torch-mlir -> xDSL
`torch` dialect -> convert-torch-to-qtrain) yields exactly the IR that the direct
reader of the model file builds: same parameter names, integers, scales and ops."""

import numpy as np
import pytest
import torch
from torch import nn

from tiny_training.frontends.fakequant import QConv2d, QuantizeInput
from tiny_training.frontends.mcu_builder import build_inference_module
from tiny_training.frontends.mcu_pickle import load_mcu_model
from tiny_training.frontends.mcu_torch import McuFakeQuantNet
from tiny_training.frontends.torch_import import UnsupportedTorchOp, import_to_torch_dialect
from tiny_training.passes.convert_torch_to_qtrain import ConversionError, ConvertTorchToQtrainPass
from tiny_training.paths import SharedDirMissing, shared_dir

try:
    SHARED = shared_dir()
except SharedDirMissing:
    SHARED = None

needs_shared = pytest.mark.skipif(SHARED is None, reason="the shared models are absent: ../shared not found")


def torch_route(model: nn.Module, example: torch.Tensor):
    imported = import_to_torch_dialect(model, [example])
    ConvertTorchToQtrainPass().apply(imported.context, imported.module)
    imported.module.verify()
    return imported.module


@needs_shared
@pytest.mark.parametrize("name", ["mcunet-5fps", "mbv2-w0.35", "proxyless-w0.3"])
def test_torch_route_equals_direct_reader(name):
    model = load_mcu_model(SHARED / "models" / "mcu" / f"{name}.pkl")
    via_torch = torch_route(McuFakeQuantNet(model), torch.zeros(1, 3, 128, 128))
    direct = build_inference_module(model, function_name="main")
    assert str(via_torch) == str(direct)


def small_qconv(**overrides):
    rng = np.random.default_rng(0)
    arguments = dict(
        weight_q=rng.integers(-127, 128, size=(4, 3, 3, 3)),
        bias_q=rng.integers(-1000, 1000, size=4),
        w_scales=np.array([0.01, 0.02, 0.03, 0.04], np.float32),
        x_scale=1 / 127.5,
        y_scale=0.05,
        y_zero=-128,
        stride=2,
        padding=1,
    )
    arguments.update(overrides)
    return QConv2d(**arguments)


class Hardswish(nn.Module):
    def __init__(self):
        super().__init__()
        self.quant = QuantizeInput(1 / 127.5, 0)
        self.body = nn.Sequential(small_qconv(), nn.Hardswish())

    def forward(self, x):
        return self.body(self.quant(x))


def test_unsupported_op_names_op_and_module_path():
    with pytest.raises(UnsupportedTorchOp, match=r"body\.1: aten\.hardswish is not supported"):
        import_to_torch_dialect(Hardswish(), [torch.zeros(1, 3, 8, 8)])


class Unquantized(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = small_qconv()

    def forward(self, x):
        return self.conv(x)  # the input is never fake-quantized


def test_unquantized_input_is_an_error():
    with pytest.raises(ConversionError, match="not fake-quantized"):
        torch_route(Unquantized(), torch.zeros(1, 3, 8, 8))


class OneConv(nn.Module):
    def __init__(self, conv):
        super().__init__()
        self.quant = QuantizeInput(1 / 127.5, 0)
        self.conv = conv

    def forward(self, x):
        return self.conv(self.quant(x))


def test_single_conv_keeps_names_and_integers():
    conv = small_qconv()
    module = torch_route(OneConv(conv), torch.zeros(1, 3, 8, 8))
    params = {op.sym_name.data: op.to_numpy() for op in module.ops if op.name == "qtrain.param"}
    assert sorted(params) == ["conv.bias", "conv.weight"]
    np.testing.assert_array_equal(params["conv.bias"], conv.bias_q.numpy())
    expected_weight = np.rint(conv.weight.numpy() / conv.w_scales.numpy()[:, None, None, None])
    np.testing.assert_array_equal(params["conv.weight"], expected_weight)
