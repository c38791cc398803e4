"""The banded depthwise path of `tt_conv2d_s8` equals the naive build bit for bit.

Depthwise 3x3/5x5/7x7 convs whose zero-padded plane does not fit the 512-element
int16 scratch go through it in bands of output rows (the scratch holds a band's input
rows, the rows outside the input as zeros). The shapes here take several bands (32x32,
16x16 with 7x7, 64x64 with stride 2, bands that end on a partial last band, asymmetric
and zero padding, batch 2) and the in-place case with the output one output channel
below the input. Both builds use the host gcc (helpers of test_kernel_depthwise_conv2d.py);
on the Cortex-M7 `bench/kernels.py --check` compares the two builds.
"""

from __future__ import annotations

import numpy as np
import pytest

from test_kernel_depthwise_conv2d import check_depthwise_shift_in_place, compare, libs  # noqa: F401  (the fixture)

# name: (x shape, kernel, stride, pad [t, l, b, r])
BANDED = {
    "k3_s1_32x32": ((1, 3, 32, 32), 3, 1, (1, 1, 1, 1)),
    "k3_s1_single_32x32": ((1, 1, 32, 32), 3, 1, (1, 1, 1, 1)),
    "k3_s2_64x64": ((1, 2, 64, 64), 3, 2, (1, 1, 1, 1)),
    "k3_s2_asym_33x31": ((1, 2, 33, 31), 3, 2, (0, 1, 1, 0)),
    "k5_s1_24x24": ((1, 3, 24, 24), 5, 1, (2, 2, 2, 2)),
    "k5_s2_27x29": ((1, 2, 27, 29), 5, 2, (2, 2, 2, 2)),
    "k7_s1_16x16": ((1, 4, 16, 16), 7, 1, (3, 3, 3, 3)),
    "k7_s2_31x30": ((1, 3, 31, 30), 7, 2, (3, 3, 3, 3)),
    "k3_s1_no_pad_40x20": ((1, 2, 40, 20), 3, 1, (0, 0, 0, 0)),
    "k3_s1_batch2": ((2, 3, 20, 30), 3, 1, (1, 1, 1, 1)),
    "k3_s1_wide_120": ((1, 2, 9, 120), 3, 1, (1, 1, 1, 1)),  # 122 * 3 <= 512: two rows per band
    "k7_wide_over": ((1, 2, 8, 80), 7, 1, (3, 3, 3, 3)),  # 86 * 7 > 512: general path
}


@pytest.mark.parametrize("case", list(BANDED), ids=str)
@pytest.mark.parametrize("zero", [-7, -128, 127, 255, -255], ids=lambda z: f"z{z}")
def test_banded_depthwise_equals_naive(libs, case, zero):  # noqa: F811
    x_shape, k, stride, pad = BANDED[case]
    channels = x_shape[1]
    rng = np.random.default_rng(sum(map(ord, case)) + zero)
    x = rng.integers(-128, 128, size=x_shape).astype(np.int8)
    weight = rng.integers(-128, 128, size=(channels, 1, k, k)).astype(np.int8)
    bias = rng.integers(-3000, 3000, size=channels).astype(np.int32)
    mult = (rng.uniform(0.5, 2.0, size=channels) * 100.0 / (60 * 60 * k)).astype(np.float32)
    y, mask = compare(libs, x, zero, weight, bias, mult, 5, stride, pad, channels)
    if abs(zero) < 200:
        inside = np.unpackbits(mask, bitorder="little")[: y.size].sum()
        assert 0 < inside < y.size, "both mask values"


@pytest.mark.parametrize("kernel", [(3, 1, 1), (5, 1, 2), (7, 1, 3), (3, 2, 1), (7, 2, 3)],
                         ids=["k3s1", "k5s1", "k7s1", "k3s2", "k7s2"])
@pytest.mark.parametrize("hw", [16, 32, 33], ids=["16x16", "32x32", "33x33"])
def test_banded_depthwise_shift_in_place(libs, kernel, hw):  # noqa: F811
    """Batch 1 banded depthwise: the output one output channel below the input in one
    buffer gives the out-of-place result."""
    check_depthwise_shift_in_place(libs, kernel, hw, channels=5)
