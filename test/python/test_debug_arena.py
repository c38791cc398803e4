"""The debug build's arena checker (build_project(..., debug_arena=True), -DTT_DEBUG_ARENA=1;
backends/c/arena_check.py, runtime/src/debug/tt_debug_arena.c).

A debug build must train exactly like the normal build (it only poisons bytes nobody
reads) and find nothing in correct programs; the negative controls break a program on
purpose, in the ways a planner or kernel bug would, and the checker must name the op:
an output moved onto a live buffer (a bad plan, in the IR), a kernel writing one byte
past its output, writes below and above the arena (the guard canaries), and a kernel
reading a dead region (the poison turns its result into NaN).
"""

from __future__ import annotations

import ctypes
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from xdsl.dialects.builtin import IntegerAttr, i64

from tiny_training.backends.c.arena_check import arena_steps
from tiny_training.backends.cortex_m.project import build_project, write_project
from tiny_training.dialects import mem, qtrain

from test_c_backend import SHARED, CProgram, photos, planned, tiny_module, tiny_samples

pytestmark = pytest.mark.skipif(shutil.which("cmake") is None, reason="cmake is not installed (make test installs it)")

KINDS = {0: "ok", 1: "live changed", 2: "dead changed", 3: "guard below", 4: "guard above"}


class ArenaReport(ctypes.Structure):
    _fields_ = [
        ("findings", ctypes.c_int32),
        ("kind", ctypes.c_int32),
        ("function", ctypes.c_char_p),
        ("step", ctypes.c_int32),
        ("what", ctypes.c_char_p),
        ("offset", ctypes.c_int32),
        ("expected", ctypes.c_int32),
        ("actual", ctypes.c_int32),
    ]


def arena_report(program: CProgram) -> ArenaReport:
    status = program.lib.tt_arena_debug_status
    status.restype = ctypes.POINTER(ArenaReport)
    return status().contents


def describe(report: ArenaReport) -> str:
    if report.findings == 0:
        return "no findings"
    return (
        f"{report.findings} findings, first: {KINDS[report.kind]} in {report.function.decode()} step {report.step} "
        f"({report.what.decode()}) at byte {report.offset}: {report.expected} -> {report.actual}"
    )


def build_pair(module, directory: Path, *, edit=None, normal: bool = True) -> tuple[CProgram | None, CProgram]:
    """The normal (unless `normal` is false) and the debug build of one project (model.c
    edited by `edit` if given)."""
    write_project(module, directory)
    if edit is not None:
        source = directory / "model.c"
        source.write_text(edit(source.read_text()))
    debug = build_project(directory, "host", debug_arena=True)
    debug_program = CProgram(debug.artifacts["shared library"], module)
    if not normal:
        return None, debug_program
    built = build_project(directory, "host")
    return CProgram(built.artifacts["shared library"], module), debug_program


def train_both(normal: CProgram, debug: CProgram, samples) -> list[tuple[np.float32, np.float32]]:
    losses = []
    for image, label in samples:
        losses.append((normal.train_step(image, label), debug.train_step(image, label)))
    return losses


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"expected one {old!r} in model.c"
    return text.replace(old, new)


# --------------------------------------------------------------------------- the tables


def train_step_of(module):
    return next(op for op in module.walk() if getattr(op, "sym_name", None) and op.sym_name.data == "train_step")


def test_tables_of_the_tiny_train_step_by_hand():
    """The first checkpoints of the tiny module's @train_step, from its plan (the
    generated C shows it): the image argument at bytes 288..320, the label at 284..288,
    the first conv's output %y at 192..240 and its mask (48 bits) at 320..326. The conv
    reads the image; %y is read by the second conv, the mask by the clamp gradient, the
    image again by the first conv's weight gradient (scheme full), the label by the loss."""
    function = train_step_of(tiny_module())
    ops = list(function.body.block.ops)
    stores = [op for op in ops if isinstance(op, mem.StoreOp)]
    conv = next(op for op in ops if isinstance(op, qtrain.Conv2dOp))
    steps = arena_steps(function, 332, [stores[0], stores[1], conv])
    assert steps[0].may_change == [(288, 320)] and steps[0].live_after == [(288, 320)]
    assert steps[1].may_change == [(284, 288)] and steps[1].live_after == [(284, 320)]
    assert steps[2].may_change == [(192, 240), (320, 326)]
    assert steps[2].live_after == [(192, 240), (284, 326)]


# --------------------------------------------------------------------------- correct programs


def test_tiny_debug_build_trains_like_the_normal_build(tmp_path):
    module = tiny_module()
    normal, debug = build_pair(module, tmp_path / "tiny")
    for a, b in train_both(normal, debug, tiny_samples(5)):
        assert a.tobytes() == b.tobytes()
    for name in normal.index:
        np.testing.assert_array_equal(normal.get(name), debug.get(name))
    for image, _ in tiny_samples(2, seed=4):
        np.testing.assert_array_equal(normal.infer(image), debug.infer(image))
    report = arena_report(debug)
    assert report.findings == 0, describe(report)


@pytest.mark.skipif(SHARED is None, reason="the shared models are absent: ../shared not found")
def test_mcunet_debug_build_trains_like_the_normal_build(tmp_path):
    from xdsl.context import Context

    from tiny_training.frontends.api import import_pretrained
    from tiny_training.passes.qtrain_training import QtrainTrainingPass

    module = import_pretrained("mcunet-5fps")
    QtrainTrainingPass(scheme="mcunet-5fps-49kb", qas=True, classes=10, seed=1).apply(Context(), module)
    planned(module)
    normal, debug = build_pair(module, tmp_path / "mcunet")
    images = photos()[:3]
    for a, b in train_both(normal, debug, [(image, i) for i, image in enumerate(images)]):
        assert a.tobytes() == b.tobytes()
    for image in images:
        np.testing.assert_array_equal(normal.infer(image), debug.infer(image))
    report = arena_report(debug)
    assert report.findings == 0, describe(report)


# --------------------------------------------------------------------------- negative controls


def test_a_plan_that_overlaps_a_live_buffer_is_found(tmp_path):
    """A planner bug, in the IR: the dequantized features (12 bytes) moved onto the image
    (288..320), which the first conv's weight gradient reads later. Codegen accepts it
    (the dequantize's own operands do not overlap); the debug build names the op."""
    module = tiny_module()
    function = train_step_of(module)
    dequantize = next(op for op in function.body.block.ops if isinstance(op, qtrain.DequantizeOp))
    store = next(use.operation for use in dequantize.output.uses if isinstance(use.operation, mem.StoreOp))
    view = store.buffer.owner
    assert isinstance(view, mem.ViewOp)
    view.properties["offset"] = IntegerAttr(288, i64)
    _, debug = build_pair(module, tmp_path / "overlap", normal=False)
    image, label = tiny_samples(1)[0]
    debug.train_step(image, label)
    report = arena_report(debug)
    assert report.findings > 0
    assert KINDS[report.kind] == "live changed", describe(report)
    assert report.function == b"@train_step" and b"qtrain.dequantize" in report.what
    assert 288 <= report.offset < 300


def test_a_kernel_writing_past_its_output_is_found(tmp_path):
    """A kernel bug, simulated in model.c: the global average pool writes its 3 bytes
    one byte too far (253..256 instead of 252..255), onto a byte it does not own."""
    module = tiny_module()

    def edit(text: str) -> str:
        return replace_once(text, "tt_global_avgpool_s8(TT_S8(240), TT_S8(252), 1, 3, 2, 2);",
                            "tt_global_avgpool_s8(TT_S8(240), TT_S8(253), 1, 3, 2, 2);")  # fmt: skip

    _, debug = build_pair(module, tmp_path / "past", edit=edit, normal=False)
    image, label = tiny_samples(1)[0]
    debug.train_step(image, label)
    report = arena_report(debug)
    assert report.findings > 0 and report.offset == 255, describe(report)
    assert b"global_avgpool" in report.what and report.expected == 0xFF  # the poison it overwrote
    assert KINDS[report.kind] == "dead changed"


@pytest.mark.parametrize(("offset", "kind"), [(-12, "guard below"), (332, "guard above")])
def test_writes_outside_the_arena_hit_the_guards(tmp_path, offset, kind):
    """@train_step's dequantize's 12 output bytes moved just below or just above the 332-byte arena
    (debug build only: gcc rejects the normal build's out-of-bounds pointer at compile time)."""
    module = tiny_module()

    def edit(text: str) -> str:
        return re.sub(r"(tt_dequantize_s8\(TT_S8\(252\), -100, [^,]+, )TT_F32\(272\)", rf"\1TT_F32({offset})", text)

    _, debug = build_pair(module, tmp_path / f"guard{offset}", edit=edit, normal=False)
    image, label = tiny_samples(1)[0]
    debug.train_step(image, label)
    report = arena_report(debug)
    assert report.findings > 0 and KINDS[report.kind] == kind, describe(report)
    assert b"qtrain.dequantize" in report.what and report.expected == 0x5A  # the canary


def test_a_kernel_reading_a_dead_region_sees_poison(tmp_path):
    """The head reads its features from bytes 0..12, dead at that point (the head's
    weight gradient is written there later): the normal build reads the zeros tt_init
    left, the debug build the poison, NaN as float, and the loss says so."""
    module = tiny_module()

    def edit(text: str) -> str:
        return replace_once(text, "tt_linear_f32(TT_F32(272), tt_p_head_weight, tt_p_head_bias, TT_F32(240), 1, 3, 4);",
                            "tt_linear_f32(TT_F32(0), tt_p_head_weight, tt_p_head_bias, TT_F32(240), 1, 3, 4);")  # fmt: skip

    normal, debug = build_pair(module, tmp_path / "dead-read", edit=edit)
    image, label = tiny_samples(1)[0]
    loss_normal, loss_debug = train_both(normal, debug, [(image, label)])[0]
    assert np.isfinite(loss_normal)
    assert np.isnan(loss_debug)
