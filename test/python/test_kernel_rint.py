"""tt_rint_f32 (runtime/src/internal/tt_support.h): round half to even without libm.

On the host (and on FPv4, Cortex-M4F) the helper is the exact float sequence
(x + 2^23) - 2^23 with the sign handled; on FPv5 it is VRINTX. The host build is
checked bit for bit against numpy's rint on every tie k + 0.5 with |k| < 2^23, every
float in [-4, 4] of a few exponents, random bit patterns of all magnitudes, and the
edges (+-0, subnormals, 2^23 and its neighbours, the largest floats, +-inf, NaN).
The Cortex-M4F build (-mcpu=cortex-m4 -mfpu=fpv4-sp-d16) of the whole runtime is
checked to reference no rintf (or any other libm rounding) at all.
"""

from __future__ import annotations

import ctypes
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
HARNESS = """
#include <stdint.h>
#include "../internal/tt_support.h"
void rint_array(const float *x, float *y, int32_t count)
{
    for (int32_t i = 0; i < count; ++i) {
        y[i] = tt_rint_f32(x[i]);
    }
}
"""


@pytest.fixture(scope="module")
def rint_array(tmp_path_factory):
    if shutil.which("gcc") is None:
        pytest.skip("gcc is not installed")
    directory = tmp_path_factory.mktemp("rint")
    # Next to the runtime's own sources, so that the internal header resolves as in a kernel.
    source = directory / "harness" / "rint_harness.c"
    source.parent.mkdir()
    (directory / "internal").symlink_to(PROJECT_ROOT / "runtime" / "src" / "internal")
    source.write_text(HARNESS)
    library = directory / "librint.so"
    subprocess.run(
        ["gcc", "-shared", "-fPIC", "-O2", "-std=c99", "-Wall", "-Wextra", "-Werror", "-ffp-contract=off",
         "-fno-fast-math", f"-I{PROJECT_ROOT / 'runtime' / 'include'}", str(source), "-o", str(library)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    function = ctypes.CDLL(str(library)).rint_array
    function.restype = None
    function.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int32]

    def run(values: np.ndarray) -> np.ndarray:
        values = np.ascontiguousarray(values, dtype=np.float32)
        out = np.empty_like(values)
        function(values.ctypes.data, out.ctypes.data, values.size)
        return out

    return run


def assert_bits_equal(values: np.ndarray, got: np.ndarray) -> None:
    with np.errstate(invalid="ignore"):
        expected = np.rint(values)
    same = got.view(np.uint32) == expected.view(np.uint32)
    same |= np.isnan(got) & np.isnan(expected)
    bad = np.flatnonzero(~same)
    assert bad.size == 0, [(float(values[i]), float(got[i]), float(expected[i])) for i in bad[:5]]


def test_every_tie_rounds_to_even(rint_array):
    # k + 0.5 for every integer |k| < 2^23 whose tie is a float (|k + 0.5| < 2^23): all of them.
    for start in range(-(2**23), 2**23, 2**21):
        k = np.arange(start, start + 2**21, dtype=np.float64)
        ties = (k + 0.5).astype(np.float32)
        assert np.all(ties.astype(np.float64) == k + 0.5)
        assert_bits_equal(ties, rint_array(ties))


def test_every_float_between_half_and_four(rint_array):
    # Every float in [0.5, 4) (three binades around the rounding boundaries) and its negative.
    low, high = np.float32(0.5).view(np.uint32), np.float32(4.0).view(np.uint32)
    for start in range(int(low), int(high), 2**22):
        values = np.arange(start, min(start + 2**22, int(high)), dtype=np.uint32).view(np.float32)
        assert_bits_equal(values, rint_array(values))
        assert_bits_equal(-values, rint_array(-values))


def test_random_bit_patterns(rint_array):
    rng = np.random.default_rng(20261202)
    values = rng.integers(0, 2**32, size=4_000_000, dtype=np.uint64).astype(np.uint32).view(np.float32)
    assert_bits_equal(values, rint_array(values))


def test_edges(rint_array):
    two23 = np.float32(2.0**23)
    values = np.array(
        [0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999997, -0.49999997, 1e-45, -1e-45, 1.1754942e-38,
         two23, -two23, np.nextafter(two23, np.float32(0)), -np.nextafter(two23, np.float32(0)),
         np.nextafter(two23, np.float32(np.inf)), 2.0**24 + 2, -(2.0**24) - 2, 2.0**31, -(2.0**31), 3.4028235e38,
         -3.4028235e38, np.inf, -np.inf, np.nan, -np.nan],
        dtype=np.float32,
    )  # fmt: skip
    got = rint_array(values)
    assert_bits_equal(values, got)
    assert np.signbit(got[1]) and np.signbit(rint_array(np.array([-0.25], np.float32))[0])  # -0 kept


def test_cortex_m4_runtime_has_no_libm_rounding(tmp_path):
    """The whole runtime built for the Cortex-M4F: no call to rintf (FPv4 has no VRINTX)."""
    if shutil.which("arm-none-eabi-gcc") is None:
        pytest.skip("arm-none-eabi-gcc is not installed")
    flags = ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16", "-DTT_FPU_FPV4=1"]
    objects = []
    for source in sorted((PROJECT_ROOT / "runtime" / "src").rglob("*.c")):
        obj = tmp_path / f"{source.stem}.o"
        subprocess.run(
            ["arm-none-eabi-gcc", *flags, "-O2", "-std=c99", "-Wall", "-Wextra", "-Werror", "-ffp-contract=off",
             "-fno-fast-math", f"-I{PROJECT_ROOT / 'runtime' / 'include'}", "-c", str(source), "-o", str(obj)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        objects.append(str(obj))
    undefined = subprocess.run(["arm-none-eabi-nm", "-u", *objects], check=True, capture_output=True, text=True).stdout
    for name in ("rintf", "rint", "nearbyintf", "roundf", "lrintf"):
        assert f" U {name}\n" not in undefined, f"{name} is called in the Cortex-M4F runtime"
    disassembly = subprocess.run(["arm-none-eabi-objdump", "-d", *objects], check=True, capture_output=True,
                                 text=True).stdout  # fmt: skip
    assert "vrintx" not in disassembly and "<rintf>" not in disassembly
