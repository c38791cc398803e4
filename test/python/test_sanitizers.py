"""Generated programs under AddressSanitizer and UndefinedBehaviorSanitizer.

`build_project(directory, "host", sanitize=True)` builds the host programs in build-asan/
with `-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all`
(project.SANITIZE_C_FLAGS) on top of the project's own flags (-ffp-contract=off
-fno-fast-math, -Werror). For the tiny module and for mcunet-5fps (`mcunet-5fps-49kb`):

* the sanitized dataset program (model_host_train) trains on a few samples with every
  finding fatal (ASAN_OPTIONS abort_on_error=1, UBSAN_OPTIONS halt_on_error=1), and
* its predictions, logits, losses and trained parameters are bit for bit those of the
  normal (-O3) host build: the kernels are deterministic and plain IEEE single precision,
  so the optimization level cannot change a result.

Negative controls: a heap out-of-bounds write and a signed overflow, built with the same
flags and run with the same options, fail with the sanitizers' reports, so these tests
can fail. Everything skips (with the reason) when the compiler cannot build and run a
sanitized program.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from tiny_training.backends.cortex_m import harness
from tiny_training.backends.cortex_m.project import (
    SANITIZE_C_FLAGS,
    SANITIZE_LINK_FLAGS,
    build_project,
    default_build_dir,
    write_project,
)

from test_qemu_training import Case, assert_same, mcunet_case, tiny_case

# Every finding is fatal and ends in abort(), so that the harness reports the signal
# together with the program's stderr (the sanitizer's report).
SANITIZER_ENV = {
    "ASAN_OPTIONS": "detect_leaks=0:abort_on_error=1",
    "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1:abort_on_error=1",
}
COMPILER = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc") or "cc"


def _sanitizer_support(scratch: Path) -> str | None:
    """None if the C compiler builds and runs a trivial sanitized program, else why not."""
    if shutil.which("cmake") is None:
        return "cmake is not installed (make test installs it)"
    if shutil.which(COMPILER) is None:
        return f"no C compiler ({COMPILER})"
    source, program = scratch / "trivial.c", scratch / "trivial"
    source.write_text("int main(void) { return 0; }\n")
    built = subprocess.run(
        [COMPILER, *SANITIZE_C_FLAGS.split(), str(source), "-o", str(program), *SANITIZE_LINK_FLAGS.split()],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if built.returncode != 0:
        return f"{COMPILER} cannot build with -fsanitize=address,undefined: {built.stderr.strip()[-300:]}"
    ran = subprocess.run([str(program)], capture_output=True, text=True, check=False, env=_env())
    if ran.returncode != 0:
        return f"a sanitized program does not run here: {ran.stderr.strip()[-300:]}"
    return None


def _env() -> dict[str, str]:
    return {**os.environ, **SANITIZER_ENV}


@pytest.fixture(scope="module")
def sanitizers(tmp_path_factory) -> None:
    reason = _sanitizer_support(tmp_path_factory.mktemp("sanitizer-check"))
    if reason:
        pytest.skip(reason)


@pytest.fixture
def sanitizer_env(monkeypatch) -> None:
    for name, value in SANITIZER_ENV.items():
        monkeypatch.setenv(name, value)


# --------------------------------------------------------------------------- the models


@pytest.fixture(scope="module", params=["tiny", "mcunet-5fps-49kb"])
def case(request, tmp_path_factory, sanitizers) -> Case:
    directory = tmp_path_factory.mktemp(request.param)
    made = tiny_case(directory) if request.param == "tiny" else mcunet_case(directory)
    write_project(made.module, made.directory)
    return made


def test_sanitized_training_is_clean_and_matches_the_host_build(case, sanitizer_env):
    sanitized = build_project(case.directory, "host", sanitize=True, training_only=True)
    assert sanitized.build_dir == default_build_dir(case.directory, "host", sanitize=True)
    assert sanitized.build_dir.name == "build-asan"
    program = sanitized.artifacts["dataset program"]
    assert program.is_file()
    build_project(case.directory, "host", training_only=True)

    # Any ASan/UBSan finding aborts the program: the harness raises HarnessError with the report.
    checked = harness.train_on_board(program, case.images, case.labels, target="host")
    normal = harness.train_on_board(case.directory, case.images, case.labels, target="host")
    assert checked.program != normal.program
    assert np.isfinite(checked.losses).all()
    assert_same(checked, normal)


# --------------------------------------------------------------------------- the tests can fail


# name: (source, the report's first line, what the last 2000 characters of stderr (all that
# the harness keeps) show). The buffer overflows through memset: a direct store would be
# caught first by UBSan's object-size check, which is fine but not the control wanted here.
NEGATIVE_CONTROLS = {
    "heap-buffer-overflow": (
        "#include <stdlib.h>\n"
        "#include <string.h>\n"
        "int main(int argc, char **argv) {\n"
        "  (void)argv;\n"
        "  char *buffer = malloc(8);\n"
        "  memset(buffer, 0, 8 + (size_t)argc); /* one byte past the end */\n"
        "  int value = buffer[0];\n"
        "  free(buffer);\n"
        "  return value;\n"
        "}\n",
        "ERROR: AddressSanitizer: heap-buffer-overflow",
        "SUMMARY: AddressSanitizer: heap-buffer-overflow",
    ),
    "signed-integer-overflow": (
        "#include <limits.h>\n"
        "int main(int argc, char **argv) {\n"
        "  (void)argv;\n"
        "  volatile int big = INT_MAX;\n"
        "  return (big + argc) == 0; /* INT_MAX + 1 */\n"
        "}\n",
        "runtime error: signed integer overflow",
        "runtime error: signed integer overflow",
    ),
}


@pytest.mark.parametrize("defect", list(NEGATIVE_CONTROLS))
def test_a_defect_fails_with_a_sanitizer_report(defect, sanitizers, tmp_path, sanitizer_env):
    text, report, summary = NEGATIVE_CONTROLS[defect]
    source, program = tmp_path / f"{defect}.c", tmp_path / defect
    source.write_text(text)
    subprocess.run(
        [COMPILER, *SANITIZE_C_FLAGS.split(), "-ffp-contract=off", str(source), "-o", str(program),
         *SANITIZE_LINK_FLAGS.split()],
        check=True, capture_output=True,
    )  # fmt: skip
    ran = subprocess.run([str(program)], capture_output=True, text=True, check=False)
    assert ran.returncode != 0
    assert report in ran.stderr, ran.stderr[-2000:]
    # Through the harness the same failure is an error that carries the report.
    (tmp_path / harness.DATASET_FILE).write_bytes(b"")
    with pytest.raises(harness.HarnessError, match="killed by SIGABRT") as failed:
        harness.run_program(program, tmp_path, target="host")
    assert summary in str(failed.value), str(failed.value)


def test_sanitize_is_for_the_host_only(tmp_path):
    with pytest.raises(ValueError, match="host programs only"):
        build_project(tmp_path, "cortex-m7", sanitize=True)
    assert default_build_dir(tmp_path, sanitize=True).name == "build-asan"
    assert default_build_dir(tmp_path, toolchain="clang", sanitize=True).name == "build-clang-asan"
    assert default_build_dir(tmp_path).name == "build"
