"""`make demo` end to end with tiny sizes: import, compile for Cortex-M7, train under QEMU,
report and plots."""

import os
import subprocess
import sys

import pytest

from tiny_training.backends.cortex_m import qemu
from tiny_training.paths import SharedDirMissing, shared_dir

try:
    shared_dir()
    SHARED = True
except SharedDirMissing:
    SHARED = False


@pytest.mark.skipif(not SHARED, reason="the shared models are absent: ../shared not found")
@pytest.mark.skipif(bool(qemu.missing_programs("gcc")), reason="QEMU or arm-none-eabi-gcc is missing")
def test_demo_trains_on_the_board(tmp_path):
    env = dict(os.environ, DEMO_TRAIN="3", DEMO_TEST="2", TT_SHARED_DIR=str(shared_dir()))
    completed = subprocess.run(
        [sys.executable, "-m", "tiny_training.tools.demo"], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-2000:]
    out = completed.stdout
    assert "accuracy on the held-out images: before" in out
    assert "instructions per inference + training step" in out
    for name in ("memory_report.txt", "memory_plan.png", "loss.png", "trained_params.bin"):
        assert (tmp_path / "demo-out" / name).stat().st_size > 0, name
