"""Two host builds of the C runtime for the fast-path tests: the normal one and one with
-DTT_NAIVE_KERNELS (the plain reference loops), compiled with gcc into shared libraries."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from runtime_abi import Runtime, load

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def build_runtime(directory: Path, naive: bool) -> Runtime:
    """The runtime as a shared library, loaded with the calling convention of runtime_abi."""
    sources = sorted(str(path) for path in (PROJECT_ROOT / "runtime" / "src").rglob("*.c"))
    library = directory / ("libtt_naive.so" if naive else "libtt_fast.so")
    command = [
        "gcc", "-shared", "-fPIC", "-O2", "-std=c99", "-Wall", "-Wextra", "-Werror",
        "-ffp-contract=off", "-fno-fast-math", f"-I{PROJECT_ROOT / 'runtime' / 'include'}",
        *(["-DTT_NAIVE_KERNELS"] if naive else []), *sources, "-o", str(library), "-lm",
    ]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True, text=True)
    return load(library)


def fast_and_naive(tmp_path_factory, name: str) -> tuple[Runtime, Runtime]:
    """(fast, naive) builds in a fresh temporary directory; skips when gcc is missing."""
    if shutil.which("gcc") is None:
        pytest.skip("gcc is not installed")
    directory = tmp_path_factory.mktemp(name)
    return build_runtime(directory, False), build_runtime(directory, True)
