"""The paired (SMLAD) 1x1 forward path of `tt_conv2d_s8` equals the naive build bit for bit.

Both builds are compiled with the host gcc (the helpers of test_kernel_depthwise_conv2d.py)
and called on the same inputs, with shapes that reach the paired path: an even number of
input channels per group, a plane of a multiple of 4 pixels, at least 4 output channels
per group, in one packing of the weights (at most 128 input channels) or in chunks of 128
channels with partial sums kept (planes of at most 64 pixels); output channel counts that
are not a multiple of 4 (the last block overlaps), groups, batch 2, masks that end on half
a byte, input zero points and multipliers at the limits; and shapes just outside it (odd
channels, planes not a multiple of 4, fewer than 4 outputs, chunks on a larger plane),
which take the older path. On the Cortex-M7 (the asm loop) `bench/kernels.py --check`
compares the two builds.
"""

from __future__ import annotations

import numpy as np
import pytest

from test_kernel_depthwise_conv2d import compare, libs  # noqa: F401  (the fixture)

# name: (x shape, out channels, groups)
POINTWISE = {
    "c16_8x8_o16": ((1, 16, 8, 8), 16, 1),
    "c2_2x2_o4": ((1, 2, 2, 2), 4, 1),
    "c48_16x16_o16": ((1, 48, 16, 16), 16, 1),
    "c96_4x4_o6": ((1, 96, 4, 4), 6, 1),  # overlapping last block
    "c128_3x4_o9": ((1, 128, 3, 4), 9, 1),  # one full packing
    "c130_4x4_o8": ((1, 130, 4, 4), 8, 1),  # two chunks
    "c576_4x4_o12": ((1, 576, 4, 4), 12, 1),  # five chunks
    "c240_8x8_o8": ((1, 240, 8, 8), 8, 1),  # chunks, 64 pixels
    "c240_9x8_o4": ((1, 240, 9, 8), 4, 1),  # chunks needed, plane too big: older path
    "groups2": ((1, 12, 4, 6), 10, 2),
    "batch2": ((2, 10, 3, 4), 5, 1),  # 2 * 5 * 12 = 120 mask bits: ends on half a byte
    "batch2_chunks": ((2, 200, 2, 2), 7, 1),
    "odd_channels": ((1, 15, 4, 4), 8, 1),
    "odd_plane": ((1, 16, 3, 3), 8, 1),
    "three_outputs": ((1, 16, 4, 4), 3, 1),
}


@pytest.mark.parametrize("case", list(POINTWISE), ids=str)
@pytest.mark.parametrize("zero", [-7, -128, 127, 0], ids=lambda z: f"z{z}")
def test_pointwise_pairs_equal_naive(libs, case, zero):  # noqa: F811
    x_shape, out_channels, groups = POINTWISE[case]
    group_in = x_shape[1] // groups
    rng = np.random.default_rng(sum(map(ord, case)) + zero)
    x = rng.integers(-128, 128, size=x_shape).astype(np.int8)
    weight = rng.integers(-128, 128, size=(out_channels, group_in, 1, 1)).astype(np.int8)
    bias = rng.integers(-3000, 3000, size=out_channels).astype(np.int32)
    mult = (rng.uniform(0.5, 2.0, size=out_channels) * 150.0 / (5500.0 * np.sqrt(group_in))).astype(np.float32)
    y, mask = compare(libs, x, zero, weight, bias, mult, 5, 1, (0, 0, 0, 0), groups)
    inside = np.unpackbits(mask, bitorder="little")[: y.size].sum()
    assert 0 < inside < y.size, "both mask values"


@pytest.mark.parametrize("multiplier", [0.5, 0.25, 3.0e9, 1.0e-12], ids=["half", "quarter", "huge", "tiny"])
@pytest.mark.parametrize("group_in", [8, 256], ids=["one_packing", "chunks"])
def test_pointwise_pairs_ties_and_rails(libs, multiplier, group_in):  # noqa: F811
    """Rounding ties and products far outside int32 and int8, extreme weights."""
    rng = np.random.default_rng(11 + group_in)
    x = rng.integers(-128, 128, size=(1, group_in, 4, 4)).astype(np.int8)
    x[0, :2] = -128
    weight = rng.integers(-3, 4, size=(6, group_in, 1, 1)).astype(np.int8)
    weight[0] = -128
    weight[1] = 127
    bias = rng.integers(-40, 40, size=6).astype(np.int32)
    mult = np.full(6, multiplier, dtype=np.float32)
    for out_zero in (0, -5, 100):
        compare(libs, x, 3, weight, bias, mult, out_zero, 1, (0, 0, 0, 0), 1)
