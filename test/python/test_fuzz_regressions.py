"""Bugs the differential fuzzer (test_fuzz_pipeline.py) found, each as a fixed test.

1. A conv with one output channel did not import: torch.export folds its bias
   expression `f32(b_q) * bias_scale` into one f32 literal, and convert-torch-to-qtrain
   expected the unfolded `view(mul(to_f32(b_q), scale))`. Now the int32 bias is
   recovered from the literal (and must reproduce it bit for bit).
2. `qtrain-training{int8-head=true}` failed on every post-training-quantized float
   model: PTQ keeps the classifier fp32, so the features were `dequantize -> flatten`
   of the int8 pooled tensor and qtrain-new-head asked for int8 features. Now it uses
   the int8 tensor behind them and removes the unused fp32 path.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from xdsl.context import Context

from fuzz_pipeline import FuzzNet, Layer, ModelSpec, check_model, have_compiler, runtime_archive
from tiny_training.dialects import qtrain
from tiny_training.frontends.api import import_fake_quant_module
from tiny_training.frontends.fakequant import QConv2d
from tiny_training.frontends.ptq import quantize_model
from tiny_training.passes.qtrain_training import QtrainTrainingPass


def one_conv_spec(out: int, *, int8_head: bool) -> ModelSpec:
    return ModelSpec(
        channels=1, height=3, width=3, layers=(Layer("conv", 1, 1, 0, out=out, act="relu", weight_gain=0.05),),
        classes=2, seed=0, input_mean=0.0, input_std=0.1, calibration_batches=1, scheme="full", qas=False,
        int8_head=int8_head, lr=0.01, lr_bias=0.001, algorithm="greedy-by-size",
    )  # fmt: skip


def quantized(spec: ModelSpec):
    torch_module = quantize_model(FuzzNet(spec).eval(), [torch.randn(1, 1, 3, 3) * 0.1])
    return torch_module, import_fake_quant_module(torch_module, torch.zeros(1, 1, 3, 3))


@pytest.mark.parametrize("out", [1, 2])
def test_conv_bias_imports_for_any_channel_count(out):
    """The IR's int32 bias is PTQ's bias_q (the QConv2d buffer), folded literal or not."""
    torch_module, module = quantized(one_conv_spec(out, int8_head=False))
    expected = next(m for m in torch_module.modules() if isinstance(m, QConv2d)).bias_q.numpy()
    conv = next(op for op in module.walk() if isinstance(op, qtrain.Conv2dOp))
    bias_name = conv.bias.owner.param.string_value()
    param = next(op for op in module.ops if isinstance(op, qtrain.ParamOp) and op.sym_name.data == bias_name)
    np.testing.assert_array_equal(param.to_numpy(), expected)


def test_int8_head_on_a_post_training_quantized_model():
    """The head is an int8 1x1 conv on the int8 pooled features; the old fp32 path is gone."""
    _, module = quantized(one_conv_spec(2, int8_head=True))
    QtrainTrainingPass(scheme="full", classes=3, seed=1, int8_head=True).apply(Context(), module)
    module.verify()
    main = next(op for op in module.ops if getattr(op, "sym_name", None) and op.sym_name.data == "main")
    ops = [op.name for op in main.body.block.ops]
    assert "qtrain.linear" not in ops
    assert ops.count("qtrain.dequantize") == 1 and ops.count("qtrain.flatten") == 1  # the new head's only
    head = [op for op in main.body.block.ops if isinstance(op, qtrain.Conv2dOp)][-1]
    assert head.weight.owner.param.string_value() == "head.weight"
    assert head.input.type.get_shape() == (1, 2, 1, 1)


@pytest.mark.skipif(not have_compiler(), reason="no C compiler (cc) and ar: make test installs gcc")
@pytest.mark.parametrize(("out", "int8_head"), [(1, False), (1, True), (2, True)])
def test_fuzzer_findings_train_in_c_like_the_interpreter(out, int8_head, tmp_path):
    archive = runtime_archive(tmp_path)
    facts = check_model(one_conv_spec(out, int8_head=int8_head), tmp_path / "model", archive)
    assert facts["updated"] > 0
