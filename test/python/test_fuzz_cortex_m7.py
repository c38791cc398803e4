"""Differential fuzzing on the Cortex-M7: random models (fuzz_pipeline.py) built by
arm-none-eabi-gcc with the runtime's M7 fast paths (SMLAD pairs, VCVTR requantization,
banded depthwise) and run under QEMU must train exactly like their host build, which
test_fuzz_pipeline.py compares with the reference interpreter.

Both are the dataset program (backends/cortex_m/driver.c) on the same samples: every
prediction, the IEEE bits of every logit and loss, the saturation count and every
trained parameter afterwards must be equal (IEEE single precision without contraction
on both, the runtime's own expf/logf, integer kernels exact).

The bounded run checks TT_FUZZ_M7_EXAMPLES models (default 3, deterministic); a longer
run: TT_FUZZ_M7_EXAMPLES=50 TT_FUZZ_RANDOM=1 TT_FUZZ_SEED=1 .venv/bin/pytest -q -p no:logging
test/python/test_fuzz_cortex_m7.py
"""

from __future__ import annotations

import itertools
import os
import shutil

import pytest
from hypothesis import HealthCheck, given, seed, settings

from fuzz_pipeline import ModelSpec, build_module, model_specs, plan, samples
from tiny_training.backends.cortex_m import harness, qemu
from tiny_training.backends.cortex_m.project import build_project, write_project

from test_qemu_training import assert_same

EXAMPLES = int(os.environ.get("TT_FUZZ_M7_EXAMPLES", "3"))
RANDOM = bool(os.environ.get("TT_FUZZ_RANDOM"))
NUMBERS = itertools.count()

pytestmark = pytest.mark.skipif(
    bool(qemu.missing_programs()) or shutil.which("cmake") is None,
    reason=f"the Cortex-M7 toolchain or QEMU is missing ({', '.join(qemu.missing_programs()) or 'cmake'}; "
    "make test installs them)",
)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz-m7")


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not RANDOM,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
                           HealthCheck.function_scoped_fixture],  # fmt: skip
    print_blob=True,
)
@seed(int(os.environ.get("TT_FUZZ_SEED", "0")))
@given(spec=model_specs())
def test_random_models_train_on_the_m7_like_on_the_host(spec: ModelSpec, workdir):
    work = workdir / f"m{next(NUMBERS)}"
    work.mkdir()
    try:
        planned = plan(build_module(spec, work), spec)
        write_project(planned, work / "project")
        build_project(work / "project", "host", training_only=True)
        build_project(work / "project", "cortex-m7", training_only=True)
        data = samples(spec)
        images = [image for image, _ in data]
        labels = [label for _, label in data]
        host = harness.train_on_board(work / "project", images, labels, target="host", count_instructions=False)
        board = harness.train_on_board(work / "project", images, labels, target="cortex-m7", count_instructions=False)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    assert_same(board, host)
