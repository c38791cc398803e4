"""The runtime's Helium (MVE) kernels on the Cortex-M55 (corstone-300, QEMU mps3-an547),
through the real runtime: test/mve/mve_driver.c calls tt_conv2d_s8 and the SGD entry points
in a build with the Helium kernels and in a TT_NO_MVE build (the portable kernels), and both
must write the same bytes (outputs, clamp masks, the bytes after them, parameters, saturation
counts) on the fixed cases (rails, saturating biases and multipliers, rounding ties, odd
channel and pixel counts, groups, batch 2, padding, stride 2, banded planes, more than 640
input channels, depthwise in place, SGD with NaN, infinities, huge steps, denormals, tails),
on random shapes, and with clang. The Helium build also takes fewer instructions (QEMU
counts instructions, not cycles).

The helper (build and run) is test/mve/mve_qemu.py."""

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
sys.modules[_spec.name] = mve_qemu
_spec.loader.exec_module(mve_qemu)

pytestmark = pytest.mark.skipif(
    bool(mve_qemu.missing_tools()), reason=f"needs {', '.join(mve_qemu.missing_tools())}"
)


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    out = tmp_path_factory.mktemp("mve")
    return {variant: mve_qemu.build(variant, out / variant) for variant in mve_qemu.VARIANTS}


@pytest.fixture(scope="module")
def checks(builds):
    return {variant: mve_qemu.run(elf, ["check"]) for variant, elf in builds.items()}


def _clean(result) -> list[str]:
    lines = result.stdout.splitlines()
    failures = [line for line in lines if line.startswith("FAIL")]
    assert not failures, "\n".join(failures)
    assert lines and lines[-1] == "done 0", result.stdout[-2000:]
    assert result.exit_code == 0
    return lines


def test_builds_have_and_lack_helium(checks):
    assert checks["mve"].stdout.splitlines()[0] == "features mve_fp 1"
    assert checks["scalar"].stdout.splitlines()[0] == "features mve_fp 0"


def test_helium_gives_the_portable_bytes(checks):
    mve, scalar = _clean(checks["mve"]), _clean(checks["scalar"])
    mve_cases, scalar_cases = mve_qemu.case_lines(checks["mve"].stdout), mve_qemu.case_lines(checks["scalar"].stdout)
    assert len(mve_cases) >= 80
    for got, expected in zip(mve_cases, scalar_cases, strict=True):
        assert got == expected
    # The edge cases were reached: saturating cases sit on the rails, random ones mostly not.
    rails = {m.group(1): (int(m.group(2)), int(m.group(3))) for m in
             (re.match(r"case (\S+) \S+ outputs (\d+) rails (\d+)", line) for line in mve) if m}
    assert rails["pw_saturate"][1] > 0 and rails["dw3_saturate"][1] > 0
    assert 0 < rails["pw_48to16_8x8"][1] < rails["pw_48to16_8x8"][0]
    saturated = {line.split()[1]: int(line.split()[-1]) for line in scalar if " saturated " in line}
    assert saturated["sgd_edges_1003"] > 0 and saturated["sgd32_edges_1001"] > 0


def test_helium_scratch_is_reported(checks):
    """tt_conv2d_s8_get_buffer_size reports the Helium kernels' stack scratch."""
    scratch = {line.split()[1]: int(line.split()[2]) for line in checks["mve"].stdout.splitlines()
               if line.startswith("scratch ")}
    assert scratch["pw_48to16_8x8"] == 3 * 256  # 48 channels: 3 chunks of the 16-pixel tile
    assert scratch["pw_700to5_wide"] == 0  # beyond 640 channels: no tile
    assert scratch["dw3_s1_p1_16x16"] == 8192 + 64 + 1
    assert scratch["dw5_s2_wide_pad_left_odd"] == 8192 + 64 + 1024 + 32  # deinterleaved rows
    assert max(scratch.values()) <= 10 * 1024


def test_helium_random_shapes(builds):
    """300 more random 1x1 and depthwise shapes (any residue, stride, padding, zero points)."""
    results = {variant: mve_qemu.run(elf, ["fuzz", "300", "424242"]) for variant, elf in builds.items()}
    _clean(results["mve"])
    _clean(results["scalar"])
    assert mve_qemu.case_lines(results["mve"].stdout) == mve_qemu.case_lines(results["scalar"].stdout)


@pytest.mark.skipif(shutil.which("clang") is None or shutil.which("ld.lld") is None, reason="needs clang and lld")
def test_helium_with_clang(tmp_path, checks):
    """The runtime compiled by clang (no gcc inline asm, no optimize attribute) gives the same bytes."""
    elf = tmp_path / f"{mve_qemu.PROGRAM}.elf"
    mve_qemu.qemu.cross_build(
        tmp_path, board=mve_qemu.BOARD, toolchain="clang", programs={mve_qemu.PROGRAM: [mve_qemu.HERE / "mve_driver.c"]},
        targets=[mve_qemu.PROGRAM], jobs=2,
    )  # fmt: skip
    result = mve_qemu.run(elf, ["check"])
    _clean(result)
    assert result.stdout.splitlines()[0] == "features mve_fp 1"
    assert mve_qemu.case_lines(result.stdout) == mve_qemu.case_lines(checks["scalar"].stdout)


@pytest.mark.parametrize("which", [1, 5, 12, 15])  # pw 48->16 32x32, dw 3x3 s1 48ch 32x32, SGD s8 768, SGD s32 160
def test_helium_fewer_instructions(builds, which):
    name, mve = mve_qemu.bench_count(builds["mve"], which)
    _, scalar = mve_qemu.bench_count(builds["scalar"], which)
    assert mve > 0 and scalar > 0
    assert mve * 2 < scalar, f"{name}: Helium {mve} vs scalar {scalar} instructions"
