"""convert-qtrain-to-mem and mem-plan keep the computation: the planned program, run on
the reference interpreter with every tensor going through its arena bytes, computes the
same loss and the same parameter updates as the tensor program, bit for bit. A plan that
lets live buffers overlap does not (so the comparison can fail)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from xdsl.context import Context
from xdsl.dialects.builtin import TensorType, f32, i1, i32
from xdsl.parser import Parser

from tiny_training.dialects import mem, qtrain
from tiny_training.frontends.api import import_pretrained
from tiny_training.frontends.images import load_image
from tiny_training.interpreters import ReferenceInterpreter
from tiny_training.interpreters.mem import tensor_from_bytes, tensor_to_bytes
from tiny_training.analysis.schedule import trainable_sram_bytes
from tiny_training.passes.convert_qtrain_to_mem import ConvertQtrainToMemPass
from tiny_training.passes.mem_plan import MemPlanPass, collect_buffers
from tiny_training.analysis.planning import check_plan
from tiny_training.passes.qtrain_memory import QtrainMemoryPass
from tiny_training.passes.qtrain_reorder_updates import QtrainReorderUpdatesPass
from tiny_training.passes.qtrain_training import QtrainTrainingPass
from tiny_training.analysis.symbols import find_function
from tiny_training.paths import SharedDirMissing, shared_dir
from tiny_training.tools.common import make_context

try:
    SHARED = shared_dir()
except SharedDirMissing:
    SHARED = None

TINY = """
qtrain.param @c1.w = dense<[[[[3]], [[-1]]], [[[-2]], [[1]]], [[[1]], [[2]]]]> : tensor<3x2x1x1xi8>
qtrain.param @c1.b = dense<[1, -2, 3]> : tensor<3xi32>
qtrain.param @c2.w = dense<[[[[1, -1, 2], [0, 2, 1], [-1, 1, 1]]], [[[2, 0, -1], [1, 1, 0], [0, -2, 1]]], [[[1, 1, 1], [0, 1, 0], [1, -1, 0]]]]> : tensor<3x1x3x3xi8>
qtrain.param @c2.b = dense<[0, 5, -3]> : tensor<3xi32>
func.func @main(%x: tensor<1x2x4x4x!qtrain.qi8<0.05, 3>>) -> tensor<1x3xf32> {
  %w1 = qtrain.get_param @c1.w : tensor<3x2x1x1xi8>
  %b1 = qtrain.get_param @c1.b : tensor<3xi32>
  %y = qtrain.conv2d %x, %w1, %b1 {stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, groups = 1 : i64, w_scales = array<f32: 0.1, 0.2, 0.15>} : (tensor<1x2x4x4x!qtrain.qi8<0.05, 3>>, tensor<3x2x1x1xi8>, tensor<3xi32>) -> tensor<1x3x4x4x!qtrain.qi8<0.02, -128>>
  %w2 = qtrain.get_param @c2.w : tensor<3x1x3x3xi8>
  %b2 = qtrain.get_param @c2.b : tensor<3xi32>
  %z = qtrain.conv2d %y, %w2, %b2 {stride = array<i64: 2, 2>, pad = array<i64: 1, 1, 1, 1>, groups = 3 : i64, w_scales = array<f32: 0.1, 0.1, 0.2>} : (tensor<1x3x4x4x!qtrain.qi8<0.02, -128>>, tensor<3x1x3x3xi8>, tensor<3xi32>) -> tensor<1x3x2x2x!qtrain.qi8<0.03, -100>>
  %p = qtrain.global_avgpool %z : tensor<1x3x2x2x!qtrain.qi8<0.03, -100>> -> tensor<1x3x1x1x!qtrain.qi8<0.03, -100>>
  %d = qtrain.dequantize %p : tensor<1x3x1x1x!qtrain.qi8<0.03, -100>> -> tensor<1x3x1x1xf32>
  %f = qtrain.flatten %d : tensor<1x3x1x1xf32> -> tensor<1x3xf32>
  func.return %f : tensor<1x3xf32>
}
"""


def tiny_training_module(algorithm: str | None):
    module = Parser(make_context(), TINY).parse_module()
    QtrainTrainingPass(scheme="full", qas=True, classes=4, seed=3).apply(Context(), module)
    QtrainReorderUpdatesPass().apply(Context(), module)
    if algorithm is not None:
        ConvertQtrainToMemPass().apply(Context(), module)
        MemPlanPass(algorithm=algorithm).apply(Context(), module)
        module.verify()
    return module


def run_steps(module, samples):
    interpreter = ReferenceInterpreter(module)
    losses = [interpreter.call("train_step", x, y)[0] for x, y in samples]
    return losses, {name: value.copy() for name, value in interpreter.params.items()}


def tiny_samples(count: int):
    rng = np.random.default_rng(7)
    return [
        (rng.integers(-128, 128, size=(1, 2, 4, 4), dtype=np.int8), np.array([rng.integers(0, 4)], dtype=np.int32))
        for _ in range(count)
    ]


@pytest.mark.parametrize("algorithm", ["greedy-by-size", "greedy-by-conflicts", "optimal"])
def test_planned_program_trains_like_the_tensor_program(algorithm):
    samples = tiny_samples(3)
    expected_losses, expected_params = run_steps(tiny_training_module(None), samples)
    losses, params = run_steps(tiny_training_module(algorithm), samples)
    assert [float(x) for x in losses] == [float(x) for x in expected_losses]
    assert expected_params.keys() == params.keys()
    for name in expected_params:
        np.testing.assert_array_equal(params[name], expected_params[name], err_msg=name)


def test_overlapping_live_buffers_change_the_result():
    """The comparison above can fail: put every buffer at offset 0 and training differs."""
    samples = tiny_samples(2)
    expected_losses, expected_params = run_steps(tiny_training_module(None), samples)
    module = tiny_training_module("greedy-by-size")
    function = find_function(module, "train_step", "test")
    views = [op for op in function.body.block.ops if isinstance(op, mem.ViewOp) and op.role_name != "input"]
    for view in views:  # the sample and label keep their bytes; everything else collides
        view.offset = mem.IntegerAttr(0, 64)
    losses, params = run_steps(module, samples)
    changed = [float(a) != float(b) for a, b in zip(losses, expected_losses)] + [
        not np.array_equal(params[name], expected_params[name]) for name in expected_params
    ]
    assert any(changed)


def test_every_tensor_lives_in_the_arena():
    module = tiny_training_module("optimal")
    function = find_function(module, "train_step", "test")
    ops = list(function.body.block.ops)
    assert not any(isinstance(op, mem.AllocOp) for op in ops)
    for op in ops:
        if isinstance(op, qtrain.GetParamOp) or op.dialect_name() in ("mem", "func"):
            continue
        for operand in op.operands:
            if isinstance(operand.type, TensorType) and not isinstance(operand.owner, qtrain.GetParamOp):
                assert isinstance(operand.owner, mem.LoadOp), f"{op.name} reads a tensor not loaded from a buffer"


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from([i1, i32, f32, qtrain.QInt8Type(0.5, -3)]),
    st.lists(st.integers(1, 5), min_size=1, max_size=4),
    st.integers(0, 2**32 - 1),
)
def test_load_store_bytes_round_trip(element, shape, seed):
    """Storage bytes: exactly the size the dialect computes, and back to the same tensor."""
    rng = np.random.default_rng(seed)
    value_type = TensorType(element, shape)
    if element == i1:
        value = rng.random(shape) < 0.5
    elif element == f32:
        value = rng.standard_normal(shape).astype(np.float32)
    elif element == i32:
        value = rng.integers(-(2**31), 2**31, size=shape, dtype=np.int32)
    else:
        value = rng.integers(-128, 128, size=shape, dtype=np.int8)
    data = tensor_to_bytes(value, value_type)
    assert data.dtype == np.uint8 and data.size == mem.tensor_storage_bytes(value_type)
    np.testing.assert_array_equal(tensor_from_bytes(data, value_type), value)


def test_mask_bits_are_packed_lsb_first():
    # Element i is bit (i & 7) of byte (i >> 3): [1,0,0,0,0,0,0,1, 1,0] -> 0x81, 0x01.
    bits = np.array([1, 0, 0, 0, 0, 0, 0, 1, 1, 0], dtype=bool)
    data = tensor_to_bytes(bits, TensorType(i1, [10]))
    assert data.tolist() == [0x81, 0x01]


@pytest.fixture(scope="module")
def mcunet_49kb():
    if SHARED is None:
        pytest.skip("the shared models are absent: ../shared not found")
    module = import_pretrained("mcunet-5fps")
    QtrainTrainingPass(scheme="mcunet-5fps-49kb", qas=True, classes=10, seed=1).apply(Context(), module)
    QtrainReorderUpdatesPass().apply(Context(), module)
    return module


def test_pretrained_model_planned_program_is_exact(mcunet_49kb):
    """One training step and one inference of MCUNet (49kb scheme) through the whole
    memory pipeline (fused updates, conv + depthwise streaming, planned arena): same
    loss, same updated parameters, same logits as the tensor program."""
    image = load_image(SHARED / "data" / "photos" / "butterfly.jpg")
    label = np.array([3], dtype=np.int32)
    reference = ReferenceInterpreter(mcunet_49kb.clone())
    expected = reference.call("train_step", image, label)
    expected_logits = reference.call("main", image)
    module = mcunet_49kb.clone()
    QtrainMemoryPass(algorithm="greedy-by-size").apply(Context(), module)
    module.verify()
    names = {op.name for op in module.walk()}
    assert {"qtrain.conv2d_dw", "qtrain.conv2d_weight_update", "mem.view"} <= names
    assert "mem.alloc" not in names and "qtrain.conv2d_grad_weight" not in names
    lowered = ReferenceInterpreter(module)
    result = lowered.call("train_step", image, label)
    assert float(result[0]) == float(expected[0])
    for name, value in reference.params.items():
        np.testing.assert_array_equal(lowered.params[name], value, err_msg=name)
    np.testing.assert_array_equal(lowered.call("main", image)[0], expected_logits[0])


def test_pretrained_model_plan_is_valid(mcunet_49kb):
    """The plan checker on the real buffers; trainable SRAM counts only trained channels."""
    module = mcunet_49kb.clone()
    ConvertQtrainToMemPass().apply(Context(), module)
    function = find_function(module, "train_step", "test")
    _, buffers = collect_buffers(function)
    trainable = trainable_sram_bytes(module, function)
    MemPlanPass(algorithm="greedy-by-size").apply(Context(), module)
    views = [op for op in find_function(module, "train_step", "test").body.block.ops if isinstance(op, mem.ViewOp)]
    arena = next(op for op in module.ops if isinstance(op, mem.ArenaOp))
    assert check_plan(buffers, [v.offset_bytes for v in views], arena.size_bytes).ok
    # 49kb scheme: biases of the last 20 convs and 6 weights with 0/.25/.5/.5/0/0 of their
    # input channels, plus the fp32 head: far less than the whole tensors.
    whole = sum(
        p.to_numpy().nbytes for p in module.ops if isinstance(p, qtrain.ParamOp) and p.trainable is not None
    )
    assert 0 < trainable < whole


def test_report_and_pictures_from_tt_opt(tmp_path):
    """`mem-plan{report=... picture=...}` writes the table, an SVG and a PNG of the plan."""
    import subprocess
    import sys
    import xml.dom.minidom
    from pathlib import Path

    from PIL import Image

    source = tmp_path / "tiny.mlir"
    source.write_text(TINY)
    tt_opt = Path(sys.executable).parent / "tt-opt"
    outputs = {}
    for suffix in ("svg", "png"):
        picture, report = tmp_path / f"plan.{suffix}", tmp_path / f"report-{suffix}.txt"
        pipeline = (
            "qtrain-training{scheme=full classes=4 qas=true},"
            f'qtrain-memory{{algorithm=optimal report="{report}" picture="{picture}"}}'
        )
        subprocess.run([str(tt_opt), str(source), "-p", pipeline, "-o", str(tmp_path / "out.mlir")], check=True)
        outputs[suffix] = (picture, report.read_text())
    svg, table = outputs["svg"]
    assert table.startswith("memory plan for @train_step:") and "peak at step" in table
    document = xml.dom.minidom.parse(str(svg))
    rects = document.getElementsByTagName("rect")
    buffers = int(table.split(": ")[1].split(" buffers")[0])
    assert len(rects) == 2 + buffers + 6  # background, frame, one per buffer, six legend keys
    with Image.open(outputs["png"][0]) as png:
        assert png.size == (1200, 600) and png.format == "PNG"
