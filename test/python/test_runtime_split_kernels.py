"""The split-weight kernels (runtime/src/conv2d/tt_conv2d_split_s8.c, tt_conv2d_dw_split_s8.c,
conv2d_grad/tt_conv2d_grad_input_split_f32.c): a conv weight whose leading channels train
is stored as a trained part (SRAM) and a frozen part (flash).

* `tt_conv2d_split_s8` == `tt_conv2d_s8` on the reassembled weight, output and
  clamp mask bit for bit (and so == the interpreter, checked here once more);
* `tt_conv2d_dw_split_s8` == `tt_conv2d_dw_s8` (the fused conv + depthwise conv of
  @main, where trained layers are fused too), either or both weights split;
* `tt_conv2d_grad_input_split_f32` == `tt_conv2d_grad_input_f32` bit for bit on
  random f32 gradients: the same f32 sums in the same order.

Regular convs split on the input-channel axis (trained [O, k, KH, KW], frozen
[O, I - k, KH, KW]), depthwise ones on the channel axis (trained [k, 1, KH, KW],
frozen [C - k, 1, KH, KW]).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import runtime_abi
from kernel_checks import (
    CONV_CASES,
    conv_out_hw,
    conv_reference,
    f32_values,
    geometry,
    mask_buffer,
    p,
    q8,
)

# name: (x shape, weight shape, stride, pad [t, l, b, r], groups)
SPLIT_CASES = {
    name: CONV_CASES[name]
    for name in (
        "pointwise",
        "pointwise_stride2_odd",
        "pointwise_padded",
        "3x3_s1_p1",
        "3x3_s2_asym_pad",
        "3x3_tlbr_all_different",
        "kernel_larger_than_input",
        "nonsquare_2x3_stride_2x1",
        "first_conv_7x7_s2",
        "depthwise_3x3_s2",
        "depthwise_5x5_s1_batch2",
        "depthwise_7x7_s2_asym",
    )
} | {
    "pointwise_batch2_odd": ((2, 7, 3, 5), (5, 7, 1, 1), (1, 1), (0, 0, 0, 0), 1),
    "depthwise_3x3_odd_channels": ((1, 7, 5, 6), (7, 1, 3, 3), (1, 1), (1, 1, 1, 1), 7),
}


def splits(case: str) -> list[int]:
    """Trained leading channels to try: every proper split (what the generator emits),
    plus the empty and the full trained part."""
    _, w_shape, _, _, groups = SPLIT_CASES[case]
    channels = w_shape[1] if groups == 1 else w_shape[0]
    return sorted({0, 1, channels // 2, channels - 1, channels})


def split_weight(weight: np.ndarray, k: int, groups: int) -> tuple[np.ndarray, np.ndarray]:
    axis = 1 if groups == 1 else 0
    trained, frozen = np.split(weight, [k], axis=axis)
    return np.ascontiguousarray(trained), np.ascontiguousarray(frozen)


@pytest.fixture(scope="module")
def lib(host_runtime):
    return runtime_abi.load(host_runtime)


def conv_data(case: str):
    x_shape, w_shape, stride, pad, groups = SPLIT_CASES[case]
    rng = np.random.default_rng(sum(map(ord, case)) + 101)
    x, weight = q8(rng, x_shape), q8(rng, w_shape)
    c_out, c_per_group, k_h, k_w = w_shape
    x_q = (0.03, int(rng.integers(-128, 128)))
    w_scales = rng.uniform(0.002, 0.02, size=c_out)
    bias = rng.integers(-30000, 30000, size=c_out).astype(np.int32)
    typical_acc = 75 * 75 * math.sqrt(c_per_group * k_h * k_w)
    y_q = (x_q[0] * float(np.median(w_scales)) * typical_acc / 100.0, int(rng.integers(-20, 20)))
    return x, x_q, weight, bias, w_scales, y_q


@pytest.mark.parametrize("case", list(SPLIT_CASES), ids=str)
def test_conv2d_split_equals_unsplit(lib, case):
    x_shape, w_shape, stride, pad, groups = SPLIT_CASES[case]
    x, x_q, weight, bias, w_scales, y_q = conv_data(case)
    expected, expected_mask, multipliers = conv_reference(x, x_q, weight, bias, w_scales, y_q, stride, pad, groups)
    assert 0 < expected_mask.sum() < expected_mask.size, "the case should exercise both mask values"
    multipliers = np.ascontiguousarray(multipliers, dtype=np.float32)
    y_shape = (x_shape[0], w_shape[0], *conv_out_hw(x_shape, w_shape, stride, pad))
    args = geometry(x_shape, w_shape, stride, pad, groups)

    whole = np.full(y_shape, 99, dtype=np.int8)
    whole_mask = mask_buffer(whole.size)
    lib.tt_conv2d_s8(p(x), x_q[1], p(weight), p(bias), p(multipliers), y_q[1], p(whole), p(whole_mask), *args)
    np.testing.assert_array_equal(whole, expected)  # the unsplit kernel agrees with the interpreter

    for k in splits(case):
        trained, frozen = split_weight(weight, k, groups)
        for with_mask in (True, False):
            got = np.full(y_shape, 99, dtype=np.int8)
            got_mask = mask_buffer(got.size) if with_mask else None
            lib.tt_conv2d_split_s8(
                p(x), x_q[1], p(trained), p(frozen), k, p(bias), p(multipliers), y_q[1], p(got), p(got_mask), *args
            )
            np.testing.assert_array_equal(got, whole, err_msg=f"split {k}")
            if with_mask:
                np.testing.assert_array_equal(got_mask, whole_mask, err_msg=f"split {k}: mask")


@pytest.mark.parametrize("case", list(SPLIT_CASES), ids=str)
def test_conv2d_grad_input_split_equals_unsplit(lib, case):
    x_shape, w_shape, stride, pad, groups = SPLIT_CASES[case]
    rng = np.random.default_rng(sum(map(ord, case)) + 202)
    weight = q8(rng, w_shape)
    y_shape = (x_shape[0], w_shape[0], *conv_out_hw(x_shape, w_shape, stride, pad))
    # Random f32 values of mixed magnitudes: every rounding of the sums shows.
    dy = f32_values(rng, y_shape, 0.01) * np.exp2(rng.integers(-8, 9, size=y_shape)).astype(np.float32)
    args = geometry(x_shape, w_shape, stride, pad, groups)

    whole = np.full(x_shape, np.nan, dtype=np.float32)
    lib.tt_conv2d_grad_input_f32(p(dy), p(weight), p(whole), *args)
    for k in splits(case):
        trained, frozen = split_weight(weight, k, groups)
        got = np.full(x_shape, np.nan, dtype=np.float32)
        lib.tt_conv2d_grad_input_split_f32(p(dy), p(trained), p(frozen), k, p(got), *args)
        np.testing.assert_array_equal(got.view(np.uint32), whole.view(np.uint32), err_msg=f"split {k}")


# name: (x shape, mid channels, kernel, stride, pad, dw kernel, dw stride, dw pad)
DW_CASES = {
    "pointwise_then_3x3_s2": ((1, 5, 7, 6), 6, (1, 1), (1, 1), (0, 0, 0, 0), (3, 3), (2, 2), (1, 1, 1, 1)),
    "3x3_s2_then_3x3_batch2": ((2, 4, 6, 6), 5, (3, 3), (2, 2), (1, 1, 1, 1), (3, 3), (1, 1), (1, 1, 1, 1)),
    "pointwise_then_5x5_odd": ((1, 3, 5, 7), 7, (1, 1), (1, 1), (0, 0, 0, 0), (5, 5), (1, 1), (2, 2, 2, 2)),
}


@pytest.mark.parametrize("case", list(DW_CASES), ids=str)
def test_conv2d_dw_split_equals_unsplit(lib, case):
    x_shape, mid, kernel, stride, pad, dw_kernel, dw_stride, dw_pad = DW_CASES[case]
    rng = np.random.default_rng(sum(map(ord, case)) + 303)
    channels = x_shape[1]
    x, weight, dw_weight = q8(rng, x_shape), q8(rng, (mid, channels, *kernel)), q8(rng, (mid, 1, *dw_kernel))
    bias, dw_bias = (rng.integers(-3000, 3000, size=mid).astype(np.int32) for _ in range(2))
    multipliers = rng.uniform(2e-4, 2e-3, size=mid).astype(np.float32)
    dw_multipliers = rng.uniform(2e-3, 2e-2, size=mid).astype(np.float32)
    mid_hw = conv_out_hw(x_shape, (mid, channels, *kernel), stride, pad)
    out_hw = conv_out_hw((1, mid, *mid_hw), (mid, 1, *dw_kernel), dw_stride, dw_pad)
    zeros = (int(rng.integers(-20, 20)), -5, 7)  # input, intermediate, output zero points
    geometry_args = (*x_shape, mid, *kernel, *stride, *pad, *dw_kernel, *dw_stride, *dw_pad)

    whole = np.full((x_shape[0], mid, *out_hw), 99, dtype=np.int8)
    scratch = np.zeros(mid_hw, dtype=np.int8)
    lib.tt_conv2d_dw_s8(p(x), zeros[0], p(weight), p(bias), p(multipliers), zeros[1], p(dw_weight), p(dw_bias),
                        p(dw_multipliers), zeros[2], p(whole), p(scratch), *geometry_args)  # fmt: skip
    assert len(np.unique(whole)) > 8, "the case should produce varied values"
    for k in sorted({0, 1, channels - 1, channels}):
        for dw_k in sorted({0, 1, mid // 2, mid}):
            trained, frozen = split_weight(weight, k, 1)
            dw_trained, dw_frozen = split_weight(dw_weight, dw_k, mid)
            got = np.full(whole.shape, 99, dtype=np.int8)
            lib.tt_conv2d_dw_split_s8(
                p(x), zeros[0], p(trained), p(frozen) if k < channels else None, k, p(bias), p(multipliers), zeros[1],
                p(dw_trained), p(dw_frozen) if dw_k < mid else None, dw_k, p(dw_bias), p(dw_multipliers), zeros[2],
                p(got), p(scratch), *geometry_args,
            )  # fmt: skip
            np.testing.assert_array_equal(got, whole, err_msg=f"splits {k}, {dw_k}")
