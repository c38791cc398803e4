"""The C runtime's scalar quantization arithmetic agrees bit-exactly with the
reference interpreter (interpreters/qtrain.py), and both follow the documented
rule (round half to even, f32, no FMA), checked on hand-computed values."""

import ctypes
import shutil
import subprocess

import numpy as np
import pytest
import runtime_abi

from tiny_training.interpreters.qtrain import divide_round_half_even, requantize

RNG = np.random.default_rng(20261121)


@pytest.fixture(scope="module")
def lib(host_runtime):
    return runtime_abi.load(host_runtime)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.5, 0), (1.5, 2), (2.5, 2), (-0.5, 0), (-1.5, -2), (-2.5, -2), (2.4999998, 2), (3.5000002, 4)],
)
def test_round_half_even_by_hand(lib, value, expected):
    assert lib.tt_round_half_even(value) == expected


@pytest.mark.parametrize(
    ("acc", "multiplier", "zero_point", "expected"),
    [
        (5, 0.5, 0, 2),  # 2.5 -> 2 (tie to even)
        (7, 0.5, 0, 4),  # 3.5 -> 4
        (-5, 0.5, 0, -2),  # -2.5 -> -2
        (5, 0.5, -128, -126),  # 2 + (-128)
        (1000, 1.0, 0, 127),  # saturates high
        (-1000, 1.0, -128, -128),  # saturates low
        (2**31 - 1, 1.0, 0, 127),  # huge accumulator: clamp before int conversion
        (-(2**31), 1.0, 0, -128),
        (300, 0.25, 100, 127),  # 75 + 100 = 175 -> 127
    ],
)
def test_requantize_by_hand(lib, acc, multiplier, zero_point, expected):
    assert lib.tt_requantize(acc, multiplier, zero_point) == expected
    interpreted = requantize(np.array([[[[acc]]]], dtype=np.int64), np.array([multiplier], np.float32), zero_point)
    assert int(interpreted.item()) == expected


def test_requantize_matches_interpreter_random(lib):
    accs = RNG.integers(-(2**24), 2**24, size=4000)
    multipliers = (RNG.random(4000) * 1e-3).astype(np.float32)
    zeros = RNG.integers(-128, 128, size=4000)
    for acc, multiplier, zero in zip(accs, multipliers, zeros, strict=True):
        expected = requantize(np.array([[[[acc]]]]), np.array([multiplier]), int(zero)).item()
        assert lib.tt_requantize(int(acc), float(multiplier), int(zero)) == expected, (acc, multiplier, zero)


def test_add_requantize_matches_float32_formula(lib):
    """Independent f32 evaluation of FACTS section 2's add with the documented order."""
    for _ in range(3000):
        a, b = (int(v) for v in RNG.integers(-128, 128, size=2))
        za, zb, zy = (int(v) for v in RNG.integers(-128, 128, size=3))
        ma, mb = (np.float32(v) for v in RNG.random(2) * 2)
        expected_real = np.float32(np.float32(a - za) * ma) + np.float32(np.float32(b - zb) * mb)
        expected = int(np.clip(np.rint(np.float32(expected_real)) + zy, -128, 127))
        assert lib.tt_add_requantize(a, za, float(ma), b, zb, float(mb), zy) == expected


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(5, 2, 2), (7, 2, 4), (-5, 2, -2), (-7, 2, -4), (9, 4, 2), (10, 4, 2), (14, 4, 4), (-10, 4, -2), (-11, 4, -3), (0, 9, 0)],
)
def test_div_round_half_even_by_hand(lib, numerator, denominator, expected):
    assert lib.tt_div_round_half_even(numerator, denominator) == expected
    assert int(divide_round_half_even(np.array(numerator), denominator)) == expected


def test_div_round_half_even_random(lib):
    for _ in range(3000):
        denominator = int(RNG.integers(1, 4096))
        numerator = int(RNG.integers(-128, 128)) * denominator + int(RNG.integers(-denominator, denominator))
        assert lib.tt_div_round_half_even(numerator, denominator) == int(
            divide_round_half_even(np.array(numerator), denominator)
        )


def test_runtime_builds_for_cortex_m7(project_root, tmp_path):
    if shutil.which("arm-none-eabi-gcc") is None:
        pytest.skip("arm-none-eabi-gcc is not installed (make test installs gcc-arm-none-eabi)")
    toolchain = project_root / "cmake" / "arm-none-eabi.cmake"
    subprocess.run(
        ["cmake", "-S", str(project_root), "-B", str(tmp_path), f"-DCMAKE_TOOLCHAIN_FILE={toolchain}"],
        check=True,
        capture_output=True,
    )
    subprocess.run(["cmake", "--build", str(tmp_path)], check=True, capture_output=True)
    disassembly = subprocess.run(
        ["arm-none-eabi-objdump", "-d", str(tmp_path / "libtt_runtime.a")], check=True, capture_output=True, text=True
    ).stdout
    # The rounding is one FPv5 instruction in the default (nearest-even) mode, not a libm call.
    assert "vrintx.f32" in disassembly or "vrintr.f32" in disassembly


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [(1, 2, 3), (2**31 - 1, 1, 2**31 - 1), (-(2**31), -5, -(2**31)), (-(2**31), 40000, -(2**31) + 40000), (2**30, 2**30, 2**31 - 1)],
)
def test_saturating_add_by_hand(lib, a, b, expected):
    lib.tt_saturating_add_i32.argtypes = [ctypes.c_int32, ctypes.c_int32]
    lib.tt_saturating_add_i32.restype = ctypes.c_int32
    assert lib.tt_saturating_add_i32(a, b) == expected
