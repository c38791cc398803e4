"""Training on the Cortex-M7 under QEMU with the harness (backends/cortex_m/harness.py):
the dataset program (driver.c, TT_DATASET) reads samples through semihosting, runs an
inference and a training step for each, and writes the trained parameters back.

For the tiny module and for mcunet-5fps (`mcunet-5fps-49kb`, on real photos):

* the board run (arm-none-eabi-gcc, QEMU mps2-an500) gives bit for bit the predictions,
  losses, logits and trained parameters of the host build of the same C, and the
  predictions are the reference interpreter's (argmax before each training step);
* training continues across runs: 2 samples, the saved parameters, then the 3rd sample
  is the same as one run of 3 samples;
* the clang build (--target=thumbv7em-none-eabihf, lld) gives the same outputs as gcc;
* a timeout, a fault, a missing or malformed file are clear errors.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.parser import Parser

from tiny_training.backends.cortex_m import harness, qemu
from tiny_training.backends.cortex_m.project import BOARD_TRAIN_PROGRAM, build_project, default_build_dir, write_project
from tiny_training.backends.targets import target_named
from tiny_training.dialects import qtrain
from tiny_training.interpreters import ReferenceInterpreter
from tiny_training.passes.qtrain_memory import QtrainMemoryPass
from tiny_training.passes.qtrain_training import QtrainTrainingPass
from tiny_training.paths import SharedDirMissing, shared_dir
from tiny_training.tools.common import make_context

from test_mem_lowering import TINY

pytestmark = pytest.mark.skipif(shutil.which("cmake") is None, reason="cmake is not installed (make test installs it)")

try:
    PHOTOS = sorted((shared_dir() / "data" / "photos").glob("*.jpg"))
except SharedDirMissing:
    PHOTOS = []


def _needs(toolchain: str) -> None:
    missing = qemu.missing_programs(toolchain)
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (tools/setup.sh installs them)")


@dataclass
class Case:
    """A generated project, its samples, and the runs made so far (shared by the tests)."""

    module: ModuleOp
    directory: Path
    images: list[np.ndarray]
    labels: list[int]
    built: set[tuple[str, str]] = field(default_factory=set)
    runs: dict[tuple[str, str], harness.TrainingRun] = field(default_factory=dict)

    def build(self, target: str, toolchain: str = "gcc") -> None:
        if not target_named(target).is_host:
            _needs(toolchain)
        if (target, toolchain) not in self.built:
            result = build_project(self.directory, target, toolchain=toolchain, training_only=True)
            assert result.artifacts["dataset program"].is_file()
            self.built.add((target, toolchain))

    def run(self, target: str = "cortex-m7", toolchain: str = "gcc") -> harness.TrainingRun:
        """All samples in one run, from the compiled parameters."""
        if (target, toolchain) not in self.runs:
            self.build(target, toolchain)
            run = harness.train_on_board(self.directory, self.images, self.labels, target=target, toolchain=toolchain)
            self.runs[(target, toolchain)] = run
        return self.runs[(target, toolchain)]


def tiny_case(directory: Path) -> Case:
    module = Parser(make_context(), TINY).parse_module()
    QtrainTrainingPass(scheme="full", classes=4, lr=0.5, lr_bias=0.05).apply(Context(), module)
    QtrainMemoryPass().apply(Context(), module)
    rng = np.random.default_rng(7)
    images = [rng.integers(-128, 128, size=(1, 2, 4, 4), dtype=np.int8) for _ in range(3)]
    return Case(module, directory, images, [int(label) for label in rng.integers(0, 4, size=3)])


def mcunet_case(directory: Path) -> Case:
    if len(PHOTOS) < 3:
        pytest.skip("the shared photos are absent (../shared/data/photos; set TT_SHARED_DIR)")
    from tiny_training.frontends.api import import_pretrained
    from tiny_training.frontends.images import load_image

    module = import_pretrained("mcunet-5fps")
    QtrainTrainingPass(scheme="mcunet-5fps-49kb", classes=10, seed=1).apply(Context(), module)
    QtrainMemoryPass(algorithm="greedy-by-size").apply(Context(), module)
    return Case(module, directory, [load_image(path) for path in PHOTOS[:3]], [3, 7, 1])


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Case:
    made = tiny_case(tmp_path_factory.mktemp("tiny"))
    write_project(made.module, made.directory)
    return made


@pytest.fixture(scope="module", params=["tiny", "mcunet-5fps-49kb"])
def case(request, tmp_path_factory) -> Case:
    if request.param == "tiny":
        return request.getfixturevalue("tiny")  # shared with the error tests: one set of builds
    made = mcunet_case(tmp_path_factory.mktemp(request.param))
    write_project(made.module, made.directory)
    return made


def assert_same(a: harness.TrainingRun, b: harness.TrainingRun) -> None:
    """Bit for bit: predictions, logits, losses, trained parameters, saturations."""
    np.testing.assert_array_equal(a.predictions, b.predictions)
    assert a.logits is not None and b.logits is not None and a.losses is not None and b.losses is not None
    assert a.logits.tobytes() == b.logits.tobytes()
    assert a.losses.tobytes() == b.losses.tobytes()
    assert a.params.keys() == b.params.keys()
    for name in a.params:
        assert a.params[name].dtype == b.params[name].dtype and a.params[name].shape == b.params[name].shape, name
        assert a.params[name].tobytes() == b.params[name].tobytes(), f"{name} differs"
    assert a.saturated == b.saturated


def test_board_matches_host_and_interpreter(case):
    board = case.run("cortex-m7")
    host = case.run("host")
    assert_same(board, host)
    assert np.isfinite(board.losses).all() and board.instructions > 0 and board.stack_bytes > 0

    # The predictions are the reference interpreter's, before each of its training steps.
    interpreter = ReferenceInterpreter(case.module)
    expected = []
    for image, label in zip(case.images, case.labels):
        expected.append(int(np.argmax(interpreter.call("main", image)[0])))
        interpreter.call("train_step", image, np.array([label], dtype=np.int32))
    assert board.predictions.tolist() == expected

    # Every trainable parameter comes back, with its shape; training changed some.
    params = {op.sym_name.data: op for op in case.module.ops if isinstance(op, qtrain.ParamOp)}
    trainable = {name for name, op in params.items() if op.trainable is not None}
    assert set(board.params) == trainable
    changed = 0
    for name, value in board.params.items():
        initial = params[name].to_numpy()
        assert value.shape == initial.shape and value.dtype == initial.dtype
        changed += int((value != initial).sum())
    assert changed > 0


def test_training_continues_from_saved_parameters(case, tmp_path):
    whole = case.run("cortex-m7")
    quick = {"count_instructions": False}
    first = harness.train_on_board(case.directory, case.images[:2], case.labels[:2], workdir=tmp_path / "first", **quick)
    saved = tmp_path / "first" / harness.PARAMS_OUT_FILE
    assert harness.read_params(saved).keys() == first.params.keys()
    # From the parameter file the first run wrote, on the board ...
    rest = harness.train_on_board(case.directory, case.images[2:], case.labels[2:], initial_params=saved, **quick)
    assert rest.predictions.tolist() == whole.predictions[2:].tolist()
    assert rest.losses.tobytes() == whole.losses[2:].tobytes()
    assert rest.logits.tobytes() == whole.logits[2:].tobytes()
    for name, value in whole.params.items():
        assert rest.params[name].tobytes() == value.tobytes(), name
    # ... and from the parameters as arrays, on the host: the same again.
    case.build("host")
    host = harness.train_on_board(case.directory, case.images[2:], case.labels[2:], target="host", initial_params=first.params)
    assert_same(host, rest)


def test_clang_build_gives_the_same_outputs(case, request, capsys):
    gcc = case.run("cortex-m7", "gcc")
    clang = case.run("cortex-m7", "clang")
    assert_same(clang, gcc)
    assert clang.instructions > 0 and clang.stack_bytes > 0
    with capsys.disabled():
        print(
            f"\n{request.node.callspec.id}, {len(case.images)} samples (inference + training step each): "
            f"gcc {gcc.instructions:,} instructions, stack {gcc.stack_bytes} B; "
            f"clang {clang.instructions:,} instructions, stack {clang.stack_bytes} B"
        )


# --------------------------------------------------------------------------- errors


def test_timeout_is_a_clear_error(tiny):
    tiny.build("cortex-m7")
    many = 20_000  # about 30k instructions each: some seconds under QEMU
    with pytest.raises(harness.TrainingTimeout, match=r"did not exit within 0\.3 s") as expired:
        harness.train_on_board(tiny.directory, tiny.images * (many // 3), tiny.labels * (many // 3), timeout=0.3)
    assert re.search(r"\[(after \d+ samples|before the end of the first sample)\]", str(expired.value))
    assert isinstance(expired.value, qemu.QemuTimeout)


def test_missing_files_are_clear_errors(tiny, tmp_path):
    tiny.build("cortex-m7")
    elf = default_build_dir(tiny.directory, "cortex-m7") / BOARD_TRAIN_PROGRAM
    # No dataset file where QEMU runs.
    with pytest.raises(harness.ProgramError, match="cannot open the dataset file tt_dataset.bin"):
        harness.run_program(elf, tmp_path)
    # The dataset asks for initial parameters that are not there.
    harness.write_dataset(tmp_path / harness.DATASET_FILE, tiny.images, tiny.labels, flags=harness.FLAG_LOAD_PARAMS)
    with pytest.raises(harness.ProgramError, match="cannot open the parameter file tt_params_in.bin"):
        harness.run_program(elf, tmp_path)
    with pytest.raises(FileNotFoundError, match="no such parameter file"):
        harness.train_on_board(elf, tiny.images, tiny.labels, initial_params=tmp_path / "nothing.bin")
    with pytest.raises(FileNotFoundError, match=r"build it with build_project\("):
        harness.train_on_board(tmp_path, tiny.images, tiny.labels, toolchain="clang")


@pytest.mark.parametrize("target", ["host", "cortex-m7"])
def test_bad_inputs_are_clear_errors(tiny, target):
    tiny.build(target)
    run = tiny.run(target)
    wrong_size = [np.zeros((1, 2, 4, 5), np.int8)]
    with pytest.raises(harness.ProgramError, match="the dataset's images have 40 bytes; the model takes 32"):
        harness.train_on_board(tiny.directory, wrong_size, [0], target=target, count_instructions=False)
    with pytest.raises(harness.ProgramError, match=r"a label is outside \[0, classes\)"):
        harness.train_on_board(tiny.directory, tiny.images[:1], [4], target=target, count_instructions=False)
    with pytest.raises(harness.ProgramError, match="the model has no parameter nope"):
        harness.train_on_board(tiny.directory, tiny.images[:1], [0], target=target, initial_params={"nope": np.zeros(3, np.int8)}, count_instructions=False)
    wrong_shape = dict(run.params, **{"c1.b": np.zeros(4, np.int32)})
    with pytest.raises(harness.ProgramError, match="dtype or shape differs from the model's for c1.b"):
        harness.train_on_board(tiny.directory, tiny.images[:1], [0], target=target, initial_params=wrong_shape, count_instructions=False)


def test_fault_is_a_clear_error(tiny, tmp_path):
    """A stack too small for the program: the board's fault handler reports it, the harness
    raises GuestFault and says where the run was."""
    _needs("gcc")
    build = build_project(tiny.directory, "cortex-m7", build_dir=tmp_path, stack_size=256, training_only=True)
    elf = build.artifacts["dataset program"]
    with pytest.raises(harness.GuestFault, match=r"stack overflow.*before the end of the first sample"):
        harness.train_on_board(elf, tiny.images, tiny.labels, count_instructions=False)
