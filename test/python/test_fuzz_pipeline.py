"""Differential fuzzing of the whole pipeline: random small CNNs (fuzz_pipeline.py) from
PyTorch to the host C program, against the reference interpreter, with the debug
build's arena checker on.

The bounded run in the test suite checks TT_FUZZ_EXAMPLES models (default 12), drawn
deterministically (hypothesis' derandomize), so CI runs the same models every time. A
longer run draws other models, reproducibly from its seed (docs/robustness.md):

    TT_FUZZ_EXAMPLES=300 TT_FUZZ_RANDOM=1 TT_FUZZ_SEED=1 TT_FUZZ_LOG=fuzz.log \
        .venv/bin/pytest -q -p no:logging test/python/test_fuzz_pipeline.py

TT_FUZZ_LOG gets a line per model checked, and the first failing model as drawn.

hypothesis shrinks a failing model to a small one and prints its ModelSpec; every bug
found that way is a regression test in test_fuzz_regressions.py.
"""

from __future__ import annotations

import itertools
import os
import shutil
import time

import pytest
from hypothesis import HealthCheck, given, seed, settings

from fuzz_pipeline import ModelSpec, check_model, have_compiler, model_specs, runtime_archive

EXAMPLES = int(os.environ.get("TT_FUZZ_EXAMPLES", "12"))
RANDOM = bool(os.environ.get("TT_FUZZ_RANDOM"))
LOG = os.environ.get("TT_FUZZ_LOG")

pytestmark = pytest.mark.skipif(not have_compiler(), reason="no C compiler (cc) and ar: make test installs gcc")


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    return runtime_archive(tmp_path_factory.mktemp("fuzz-runtime"))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


CHECKED: list[str] = []
# A fresh directory per example: dlopen returns the already loaded library for a path it
# has seen, so a reused path would run an earlier model's code.
EXAMPLE_NUMBERS = itertools.count()


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
def test_random_models_train_like_the_interpreter(spec: ModelSpec, archive, workdir):
    work = workdir / f"m{next(EXAMPLE_NUMBERS)}"
    start = time.monotonic()
    try:
        facts = check_model(spec, work, archive)
    except BaseException as error:
        if LOG:  # the first failure as drawn, before hypothesis shrinks it
            with open(LOG, "a") as log:
                log.write(f"FAILED {spec!r}: {type(error).__name__}: {str(error)[:300]}\n")
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    line = f"{spec.describe()} -> {facts} in {time.monotonic() - start:.1f} s"
    CHECKED.append(line)
    if LOG:
        with open(LOG, "a") as log:
            log.write(line + "\n")


def test_the_ubsan_capture_sees_a_finding(tmp_path):
    """Negative control of check_model's UBSan check: a signed overflow, built with the
    fuzzer's flags and called through ctypes, is reported on the captured stderr."""
    import ctypes
    import subprocess

    from fuzz_pipeline import C_FLAGS, captured_stderr

    source = tmp_path / "overflow.c"
    source.write_text("#include <stdint.h>\nint32_t add(int32_t a, int32_t b) { return a + b; }\n")
    library = tmp_path / "liboverflow.so"
    subprocess.run(["cc", *C_FLAGS, "-shared", str(source), "-o", str(library)], check=True)
    add = ctypes.CDLL(str(library)).add
    add.restype, add.argtypes = ctypes.c_int32, [ctypes.c_int32, ctypes.c_int32]
    with captured_stderr(tmp_path / "stderr.txt") as stderr:
        add(2**31 - 1, 1)
    assert "runtime error: signed integer overflow" in stderr.read_text()
