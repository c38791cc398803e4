"""Every shared model trains bit for bit like the host build on every Cortex-M target.

For mcunet-5fps, mbv2-w0.35 and proxyless-w0.3 (their 49kb sparse-update schemes, QAS,
10 classes) the dataset program runs 2 samples (an inference and a training step each)
on every target of backends/targets.py under its board's QEMU machine (Cortex-M4 on
mps2-an386, M7 on mps2-an500, M33 on mps2-an505, M55 on mps3-an547), built with
arm-none-eabi-gcc for that core, and on the host; the predictions, logits, losses, every
trained parameter and the saturation count must be the host's, bit for bit (the host
build is the independent reference: another compiler, libm and ISA).

One project per model, shared by the targets; each target builds only its dataset
program (module-scoped, once per session). The clang builds (lld, the target's triple)
train the tiny module of test_qemu_training on every target, also bit for bit like the host,
and `tt-compile --target T` builds a training program that runs under T's board's machine.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from xdsl.context import Context

from tiny_training.backends.cortex_m import harness, qemu
from tiny_training.backends.cortex_m.project import build_project, write_project
from tiny_training.backends.targets import CROSS_TARGETS, Target
from tiny_training.passes.qtrain_memory import QtrainMemoryPass
from tiny_training.passes.qtrain_training import QtrainTrainingPass
from tiny_training.paths import SharedDirMissing, shared_dir

from test_qemu_training import Case, assert_same, tiny_case
from test_tools import BIN, TRAINABLE

MODELS = ("mcunet-5fps", "mbv2-w0.35", "proxyless-w0.3")
SAMPLES = 2

pytestmark = pytest.mark.skipif(
    shutil.which("cmake") is None or bool(qemu.missing_programs("gcc")),
    reason=f"cmake, arm-none-eabi-gcc or QEMU is missing ({', '.join(qemu.missing_programs('gcc')) or 'cmake'}; "
    "tools/setup.sh installs them)",
)

try:
    PHOTOS = sorted((shared_dir() / "data" / "photos").glob("*.jpg"))
except SharedDirMissing:
    PHOTOS = []


@dataclass
class Project:
    directory: Path
    images: list[np.ndarray]
    labels: list[int]
    host: harness.TrainingRun


@pytest.fixture(scope="module", params=MODELS)
def project(request, tmp_path_factory) -> Project:
    if len(PHOTOS) < SAMPLES:
        pytest.skip("the shared photos are absent (../shared/data/photos; set TT_SHARED_DIR)")
    from tiny_training.frontends.api import import_pretrained
    from tiny_training.frontends.images import load_image

    model = request.param
    module = import_pretrained(model)
    QtrainTrainingPass(scheme=f"{model}-49kb", classes=10, seed=1).apply(Context(), module)
    QtrainMemoryPass(algorithm="greedy-by-size").apply(Context(), module)
    directory = tmp_path_factory.mktemp(model)
    images = [load_image(path) for path in PHOTOS[:SAMPLES]]
    labels = [3, 7][:SAMPLES]
    write_project(module, directory, sample_image=images[0], sample_label=labels[0])
    build_project(directory, "host", training_only=True, jobs=2)
    host = harness.train_on_board(directory, images, labels, target="host")
    return Project(directory, images, labels, host)


@pytest.mark.parametrize("target", CROSS_TARGETS, ids=[t.name for t in CROSS_TARGETS])
def test_trains_like_the_host(project: Project, target: Target):
    build = build_project(project.directory, target, training_only=True, jobs=2)
    assert build.board is not None and build.board.target == target
    board = harness.train_on_board(
        project.directory, project.images, project.labels, target=target, count_instructions=False, timeout=900
    )
    assert board.board == build.board
    assert_same(board, project.host)
    assert np.isfinite(board.losses).all() and board.stack_bytes > 0


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Case:
    made = tiny_case(tmp_path_factory.mktemp("tiny-targets"))
    write_project(made.module, made.directory)
    return made


@pytest.mark.parametrize("target", CROSS_TARGETS, ids=[t.name for t in CROSS_TARGETS])
def test_clang_build_trains_like_the_host(tiny: Case, target: Target):
    if qemu.missing_programs("clang"):
        pytest.skip(f"{', '.join(qemu.missing_programs('clang'))} not installed (tools/setup.sh installs them)")
    clang = tiny.run(target, "clang")
    assert clang.board is not None and clang.board.target == target
    assert_same(clang, tiny.run("host"))


# Two samples of the trainable module (1x1x2x2 int8 images, 2 classes).
TRAINABLE_SAMPLES = ([np.array([[[[5, -3], [7, 1]]]], dtype=np.int8)] * 2, [1, 0])


def _tt_compile(source: Path, target: str, out: Path) -> subprocess.CompletedProcess:
    command = [str(BIN / "tt-compile"), str(source), "--scheme", "full", "--classes", "2", "--target", target]
    result = subprocess.run([*command, "-o", str(out)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def trainable_host(tmp_path_factory) -> tuple[Path, harness.TrainingRun]:
    """tt-compile's host build of test_tools' trainable module, and its run on TRAINABLE_SAMPLES."""
    root = tmp_path_factory.mktemp("tt-compile")
    source = root / "trainable.mlir"
    source.write_text(TRAINABLE)
    _tt_compile(source, "host", root / "host")
    return source, harness.train_on_board(root / "host", *TRAINABLE_SAMPLES, target="host")


@pytest.mark.parametrize("target", CROSS_TARGETS, ids=[t.name for t in CROSS_TARGETS])
def test_tt_compile_builds_a_training_program_for_the_target(target: Target, trainable_host, tmp_path):
    """tt-compile --target T builds build-T/model_board_train.elf for T's default board, and
    that program trains under the board's machine like tt-compile's host build."""
    source, host = trainable_host
    result = _tt_compile(source, target.name, tmp_path)
    assert f"built for {target.name} (board {target.default_board})" in result.stdout
    assert (tmp_path / f"build-{target.name}" / "model_board_train.elf").is_file()
    board = harness.train_on_board(tmp_path, *TRAINABLE_SAMPLES, target=target, count_instructions=False)
    assert board.board is not None and board.board.name == target.default_board
    assert_same(board, host)
