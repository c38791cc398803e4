"""Helium (MVE) kernels for the Cortex-M55 (runtime/mve/) under QEMU mps3-an547:
each MVE kernel gives the portable kernel's bytes (outputs, clamp masks,
saturation counts) bit for bit, on random inputs and edge cases (rails,
saturating biases and multipliers, rounding ties, channel and pixel counts that
are not a multiple of the vector width, padding, stride 2, banded planes), and
takes fewer instructions than the portable kernel built for the same core
without MVE (QEMU counts instructions, not cycles).

The build and the runs are in test/mve/mve_qemu.py (one arm-none-eabi-gcc
call per variant, a few seconds; each QEMU run well under a second)."""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path

import pytest

HELPER = Path(__file__).resolve().parents[1] / "mve" / "mve_qemu.py"
_spec = importlib.util.spec_from_file_location("tt_mve_qemu", HELPER)
mve_qemu = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = mve_qemu  # dataclasses look their module up there
_spec.loader.exec_module(mve_qemu)

pytestmark = pytest.mark.skipif(
    bool(mve_qemu.missing_tools()), reason=f"needs {', '.join(mve_qemu.missing_tools())}"
)


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    out = tmp_path_factory.mktemp("mve")
    return {variant: mve_qemu.build(variant, out) for variant in ("mve", "portable")}


def test_multilib_has_mve():
    """The toolchain ships a newlib for v8.1-M with MVE and the hard-float ABI."""
    import subprocess

    listing = subprocess.run([mve_qemu.CC, "-print-multi-lib"], capture_output=True, text=True, check=True).stdout
    assert "thumb/v8.1-m.main+mve/hard" in listing


def test_mve_kernels_bit_exact(builds):
    result = mve_qemu.run(builds["mve"], ["check"])
    lines = result.stdout.splitlines()
    failures = [line for line in lines if line.startswith("FAIL")]
    assert not failures, "\n".join(failures)
    assert lines and lines[-1] == "done 0", result.stdout[-2000:]
    assert result.exit_code == 0
    oks = [line for line in lines if line.startswith("ok ")]
    assert len(oks) >= 70
    # The edge cases were reached: saturating cases sit on the rails, random ones mostly not.
    rails = {m.group(1): (int(m.group(2)), int(m.group(3))) for m in
             (re.match(r"ok (\S+) outputs (\d+) rails (\d+)", line) for line in oks) if m}
    assert rails["pw_saturate"][1] > 0 and rails["dw3_saturate"][1] > 0
    assert 0 < rails["pw_48to16_8x8"][1] < rails["pw_48to16_8x8"][0]
    assert any(line.startswith("ok sgd_edges_1003 saturated") and int(line.split()[-1]) > 0 for line in oks)


@pytest.mark.skipif(shutil.which("clang") is None, reason="needs clang")
def test_mve_kernels_bit_exact_clang(tmp_path):
    """The kernels compiled by clang (no gcc inline asm, no optimize attribute) give the same bytes."""
    result = mve_qemu.run(mve_qemu.build("mve-clang", tmp_path), ["check"])
    failures = [line for line in result.stdout.splitlines() if line.startswith("FAIL")]
    assert not failures, "\n".join(failures)
    assert result.stdout.splitlines()[-1] == "done 0" and result.exit_code == 0


def test_portable_build_declines(builds):
    """Without MVE the conv entry points decline (the caller takes tt_conv2d_s8)."""
    result = mve_qemu.run(builds["portable"], ["bench", "0", "mve", "1"])
    assert result.exit_code == 1 and "declined" in result.stdout


@pytest.mark.parametrize("which", [1, 5, 12, 15])  # pw 48->16 32x32, dw 3x3 s1 48ch 32x32, SGD s8 768, SGD s32 160
def test_mve_fewer_instructions(builds, which):
    plugin = mve_qemu.plugin_path()
    name, mve = mve_qemu.bench_count(builds["mve"], which, "mve", plugin)
    _, scalar = mve_qemu.bench_count(builds["portable"], which, "portable", plugin)
    assert mve > 0 and scalar > 0
    assert mve * 2 < scalar, f"{name}: mve {mve} vs portable {scalar} instructions"


def test_mve_kernels_random_shapes(builds):
    """300 more random 1x1 and depthwise shapes (any residue, stride, padding, zero points)."""
    result = mve_qemu.run(builds["mve"], ["fuzz", "300", "424242"], timeout=300)
    failures = [line for line in result.stdout.splitlines() if line.startswith("FAIL")]
    assert not failures, "\n".join(failures[:10])
    assert result.stdout.splitlines()[-1] == "done 0" and result.exit_code == 0
