"""The training-graph passes after autodiff: sparse update and pruning, QAS, SGD, the
named pipeline and the report, checked against an independent PyTorch training step."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from xdsl.context import Context
from xdsl.traits import Pure
from xdsl.utils.exceptions import PassFailedException

from tiny_training.dialects import qtrain
from tiny_training.frontends.api import import_pretrained
from tiny_training.frontends.images import load_image
from tiny_training.frontends.mcu_pickle import load_mcu_model
from tiny_training.interpreters import ReferenceInterpreter
from tiny_training.passes.qtrain_append_loss import QtrainAppendLossPass
from tiny_training.passes.qtrain_autodiff import QtrainAutodiffPass
from tiny_training.passes.qtrain_new_head import QtrainNewHeadPass
from tiny_training.passes.qtrain_qas import qas_factors
from tiny_training.passes.qtrain_sparse_update import QtrainSparseUpdatePass
from tiny_training.passes.qtrain_training import QtrainTrainingPass
from tiny_training.analysis.schemes import PRESETS, resolve_scheme
from tiny_training.analysis.symbols import find_function
from tiny_training.paths import SharedDirMissing, shared_dir

from torch_qsim import QSim

try:
    SHARED = shared_dir()
except SharedDirMissing:
    SHARED = None
needs_shared = pytest.mark.skipif(SHARED is None, reason="the shared models are absent: ../shared not found")

PRESET_OF = {"mcunet-5fps": "mcunet-5fps-99kb", "mbv2-w0.35": "mbv2-w0.35-99kb", "proxyless-w0.3": "proxyless-w0.3-98kb"}
BIN = Path(sys.executable).parent


def differentiated(name: str):
    module = import_pretrained(name)
    for training_pass in (QtrainNewHeadPass(classes=10, seed=3), QtrainAppendLossPass(), QtrainAutodiffPass()):
        training_pass.apply(Context(), module)
    return module


def run_step(module, image, label):
    interpreter = ReferenceInterpreter(module)
    (loss,) = interpreter.call("train_step", image, np.array([label], dtype=np.int32))
    return interpreter, float(loss)


def test_qas_factors_match_the_published_device_values():
    # FACTS section 4: eff * s_y = 0.00219071 * 0.16980317, s_x = 0.14714308
    # -> weight factor 156,465 and bias factor 7,226,669.
    s_x, s_y, eff = 0.14714308, 0.16980317, 0.00219071
    s_w = eff * s_y / s_x
    x = qtrain.qtensor((1, 1, 1, 1), s_x, 0)
    from xdsl.dialects.builtin import TensorType, i8, i32
    from xdsl.ir import Block

    block = Block(arg_types=[x, TensorType(i8, (1, 1, 1, 1)), TensorType(i32, (1,))])
    conv = qtrain.Conv2dOp(*block.args, qtrain.qtensor((1, 1, 1, 1), s_y, 0), stride=(1, 1), pad=(0, 0, 0, 0),
                           groups=1, w_scales=[s_w])  # fmt: skip
    weight_factor, bias_factor = qas_factors(conv)
    assert weight_factor[0] == pytest.approx(156_465, rel=2e-5)
    assert bias_factor[0] == pytest.approx(7_226_669, rel=2e-5)


@needs_shared
def test_pruned_graph_has_no_dead_ops_and_same_gradients():
    full = differentiated("mcunet-5fps")
    pruned = full.clone()
    QtrainSparseUpdatePass(scheme="mcunet-5fps-49kb").apply(Context(), pruned)
    pruned.verify()
    train = find_function(pruned, "train_step", "test")
    for op in train.body.block.ops:
        if op.has_trait(Pure):
            assert all(result.uses for result in op.results), f"{op.name} has an unused result"
    image = load_image(SHARED / "data" / "photos" / "apple.jpg")
    full_run, full_loss = run_step(full, image, 4)
    pruned_run, pruned_loss = run_step(pruned, image, 4)
    assert pruned_loss == full_loss
    assert 0 < len(pruned_run.gradients) < len(full_run.gradients)
    for name, grad in pruned_run.gradients.items():
        leading = tuple(slice(0, n) for n in grad.shape)
        np.testing.assert_array_equal(grad, full_run.gradients[name][leading], err_msg=name)
    # 49kb scheme: biases of the last 20 convs, weights of layers 24 (25 %), 27 and 30 (50 %), head.
    assert len(pruned_run.gradients) == 20 + 3 + 2
    # partial-channel weights keep only the channels they need from their saved input
    slices = [o for o in train.body.block.ops if isinstance(o, qtrain.SliceChannelsOp)]
    assert len(slices) == 3
    assert all(s.output.type.get_shape()[1] < s.input.type.get_shape()[1] for s in slices)
    # backward stops at the earliest trained layer: fewer input gradients than convs
    input_grads = sum(isinstance(o, qtrain.Conv2dGradInputOp) for o in train.body.block.ops)
    assert input_grads == 20 - 1  # the last 20 convs; the earliest of them needs no input gradient


def expected_step(model, params, image, label, scheme_name, qas: bool, lr=8e-4, lr_bias=4e-4):
    """Independent: autograd on the simulation, then FACTS section 4's QAS and update rules."""
    sim = QSim(model, params["head.weight"], params["head.bias"])
    sim.loss(image, label).backward()
    convs = model.convs[:-1]
    scheme = resolve_scheme(scheme_name, len(convs))
    updated = {}
    for index, conv in enumerate(convs):
        s_w = conv.w_scales.astype(np.float64)
        weight_factor, bias_factor = (1 / s_w**2, 1 / (s_w * conv.x_scale) ** 2) if qas else (1.0 + 0 * s_w,) * 2
        if index >= len(convs) - scheme.n_bias_update:
            step = sim.biases[conv.path].grad.numpy() * bias_factor * lr_bias
            updated[f"{conv.path}.bias"] = (conv.bias.astype(np.int64) - np.rint(step), step)
        channels = scheme.trained_channels(index, conv.in_channels)
        if channels:
            grad = sim.weights[conv.path].grad.numpy() * weight_factor[:, None, None, None]
            step = grad * lr
            new = conv.weight.astype(np.int64).copy()
            region = np.s_[:channels] if conv.groups > 1 else np.s_[:, :channels]
            new[region] = new[region] - np.rint(step[region])
            full_step = np.zeros_like(step)
            full_step[region] = step[region]
            updated[f"{conv.path}.weight"] = (np.clip(new, -128, 127), full_step)
    updated["head.weight"] = (params["head.weight"] - lr * sim.head_weight.grad.numpy(), None)
    updated["head.bias"] = (params["head.bias"] - lr_bias * sim.head_bias.grad.numpy(), None)
    return updated


@needs_shared
@pytest.mark.parametrize("name", sorted(PRESET_OF))
@pytest.mark.parametrize("qas", [True, False])
def test_sparse_training_step_matches_pytorch(name, qas):
    module = import_pretrained(name)
    QtrainTrainingPass(scheme=PRESET_OF[name], qas=qas, classes=10, seed=3).apply(Context(), module)
    params = {op.sym_name.data: op.to_numpy() for op in module.ops if isinstance(op, qtrain.ParamOp)}
    image, label = load_image(SHARED / "data" / "photos" / "baboon.jpg"), 2
    interpreter, _ = run_step(module, image, label)
    model = load_mcu_model(SHARED / "models" / "mcu" / f"{name}.pkl")
    expected = expected_step(model, params, image, label, PRESET_OF[name], qas)
    assert sorted(interpreter.params[k].shape == v[0].shape for k, v in expected.items())
    for key, (value, step) in expected.items():
        got = interpreter.params[key]
        if step is None:  # fp32 head: f32 vs f64 arithmetic
            np.testing.assert_allclose(got, value, rtol=1e-5, atol=1e-7, err_msg=key)
            continue
        # Integer updates are exact except where the f64 step lies within 1e-3 of a rounding
        # tie, where the compiler's f32 gradient may round the other way (at most one step).
        near_tie = np.abs(np.abs(step - np.floor(step)) - 0.5) < 1e-3
        difference = np.abs(got.astype(np.int64) - value.astype(np.int64))
        assert difference.max(initial=0) <= 1, key
        assert np.all(difference[~near_tie] == 0), key
    changed = sum(int(np.any(interpreter.params[k] != params[k])) for k in expected)
    assert changed >= 2  # the step did change parameters (at least the head)


def test_scheme_presets_are_the_published_table():
    assert PRESETS["mcunet-5fps-99kb"] == (22, (21, 24, 27, 30, 36, 39), (1, 1, 1, 1, 0.125, 0.25))
    assert PRESETS["proxyless-w0.3-148kb"][0] == 45
    assert resolve_scheme("last-3", 42) == resolve_scheme("last-k", 42, k=3)
    assert resolve_scheme("last-3", 42).weight_idx == (39, 40, 41)
    scheme = resolve_scheme("mcunet-5fps-99kb", 42)
    assert [scheme.trained_channels(i, 96) for i in (21, 36, 39, 0)] == [96, 12, 24, 0]


def tt_opt_small(tmp_path, pipeline: str) -> subprocess.CompletedProcess:
    """Runs `tt-opt -p PIPELINE` on the SMALL module."""
    module = tmp_path / "m.mlir"
    module.write_text(SMALL)
    return subprocess.run([str(BIN / "tt-opt"), str(module), "-p", pipeline], capture_output=True, text=True)


@pytest.mark.parametrize(
    ("scheme", "message"),
    [
        ("nope", "unknown scheme 'nope'"),
        ("mcunet-5fps-99kb", "weight layer index 21 out of range (the model has 1 convs, valid 0..0)"),
        ("last-k", "scheme last-k: k must be in 1..1, got 0"),
    ],
)
def test_scheme_errors(scheme, message, tmp_path):
    result = tt_opt_small(tmp_path, f'qtrain-training{{scheme="{scheme}"}}')
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not valid JSON"),
        ('{"n_bias_update": 1, "weight_idx": [0], "weight_ratio": [1.5]}', "weight ratio 1.5 of layer 0 outside [0, 1]"),
        ('{"n_bias_update": 1, "layers": []}', "unknown keys ['layers']"),
        ('{"weight_idx": [0, 0], "weight_ratio": [1, 1]}', "weight_idx repeats layer 0"),
    ],
)
def test_scheme_file_errors(content, message, tmp_path):
    scheme = tmp_path / "scheme.json"
    scheme.write_text(content)
    result = tt_opt_small(tmp_path, f'qtrain-training{{scheme="{scheme}"}}')
    assert result.returncode == 1
    assert message in result.stderr


def test_pipeline_and_report_on_a_small_model(tmp_path):
    scheme = tmp_path / "s.json"
    scheme.write_text(json.dumps({"n_bias_update": 1, "weight_idx": [0], "weight_ratio": [0.5]}))
    result = tt_opt_small(tmp_path, f'qtrain-training{{scheme="{scheme}" report=true classes=3}}')
    assert result.returncode == 0, result.stderr
    # conv weight 2x2x1x1 int8 trained on its first input channel: 2x1x1x1 = 2 bytes;
    # bias 2 x int32 = 8 bytes; head 3x2 f32 = 24 bytes, bias 3 f32 = 12 bytes -> 46 bytes.
    assert "c.w" in result.stderr and "2x1x1x1" in result.stderr
    assert "trainable state: 46 bytes in 4 tensors" in result.stderr
    assert result.stdout.count("qtrain.sgd_update") == 4
    assert result.stdout.count("qtrain.scale_channels") == 2  # QAS on the int8 weight and int32 bias


def test_int8_head_trains_with_qas_and_is_not_a_scheme_layer(tmp_path):
    scheme = tmp_path / "s.json"
    scheme.write_text(json.dumps({"n_bias_update": 1}))
    result = tt_opt_small(tmp_path, f'qtrain-training{{scheme="{scheme}" classes=3 int8-head=true report=true}}')
    assert result.returncode == 0, result.stderr
    # The last conv of the scheme is the feature conv c (its bias trains), not the new head.
    assert "qtrain.sgd_update @c.b" in result.stdout
    assert "qtrain.sgd_update @head.weight" in result.stdout and "qtrain.sgd_update @head.bias" in result.stdout
    assert result.stdout.count("qtrain.scale_channels") == 3  # QAS: c.b, head.weight, head.bias
    assert "qtrain.param @head.weight trainable = dense<" in result.stdout and "tensor<3x2x1x1xi8>" in result.stdout
    # head 3x2 int8 = 6 bytes, head bias 3 x int32 = 12 bytes, c.b 2 x int32 = 8 bytes
    assert "trainable state: 26 bytes in 3 tensors" in result.stderr
    assert " head  head.weight" in result.stderr


SMALL = """
qtrain.param @c.w = dense<[[[[2]], [[-1]]], [[[1]], [[3]]]]> : tensor<2x2x1x1xi8>
qtrain.param @c.b = dense<[5, -7]> : tensor<2xi32>
qtrain.param @cls.w = dense<[[[[1]], [[2]]], [[[3]], [[4]]], [[[5]], [[6]]], [[[7]], [[8]]]]> : tensor<4x2x1x1xi8>
qtrain.param @cls.b = dense<[1, 2, 3, 4]> : tensor<4xi32>
func.func @main(%x: tensor<1x2x3x3x!qtrain.qi8<0.5, 0>>) -> tensor<1x4x1x1x!qtrain.qi8<0.1, 0>> {
  %w = qtrain.get_param @c.w : tensor<2x2x1x1xi8>
  %b = qtrain.get_param @c.b : tensor<2xi32>
  %y = qtrain.conv2d %x, %w, %b {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.25, 0.125>} : (tensor<1x2x3x3x!qtrain.qi8<0.5, 0>>, tensor<2x2x1x1xi8>, tensor<2xi32>) -> tensor<1x2x3x3x!qtrain.qi8<0.0625, -128>>
  %p = qtrain.global_avgpool %y : tensor<1x2x3x3x!qtrain.qi8<0.0625, -128>> -> tensor<1x2x1x1x!qtrain.qi8<0.0625, -128>>
  %cw = qtrain.get_param @cls.w : tensor<4x2x1x1xi8>
  %cb = qtrain.get_param @cls.b : tensor<4xi32>
  %l = qtrain.conv2d %p, %cw, %cb {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.5, 0.5, 0.5, 0.5>} : (tensor<1x2x1x1x!qtrain.qi8<0.0625, -128>>, tensor<4x2x1x1xi8>, tensor<4xi32>) -> tensor<1x4x1x1x!qtrain.qi8<0.1, 0>>
  func.return %l : tensor<1x4x1x1x!qtrain.qi8<0.1, 0>>
}
"""
