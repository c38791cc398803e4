"""Shared pieces of the runtime kernel tests (test_kernels_forward.py, test_kernels_backward.py):
ctypes argument helpers, independent tolerances (see test_kernels_forward.py), small
single-op modules for the interpreter; expected values never come from the C code."""

from __future__ import annotations

import numpy as np
from xdsl.dialects.builtin import TensorType, f32, i8, i32

from qtrain_builders import FunctionBuilder, run
from tiny_training.dialects import qtrain

U = 2.0**-24  # unit roundoff of f32
TINY = float(np.finfo(np.float32).tiny)
I8_MIN, I8_MAX = -128, 127
I32_MIN, I32_MAX = -(2**31), 2**31 - 1


# --------------------------------------------------------------------------- helpers


def p(array: np.ndarray | None):
    """The address of a C-contiguous array (NULL for None)."""
    if array is None:
        return None
    assert array.flags.c_contiguous
    return array.ctypes.data


def ftensor(shape) -> TensorType:
    return TensorType(f32, shape)


def q8(rng: np.random.Generator, shape) -> np.ndarray:
    return rng.integers(I8_MIN, I8_MAX + 1, size=shape).astype(np.int8)


def random_conv_inputs(rng: np.random.Generator, x_shape, w_shape):
    """Random int8 input and weight, int32 biases whose last one saturates the bias add, and
    per-channel multipliers that keep most outputs off the int8 rails (a fast path that
    misreads any of them then changes the bytes)."""
    x, weight = q8(rng, x_shape), q8(rng, w_shape)
    c_out = w_shape[0]
    bias = rng.integers(-20000, 20000, size=c_out).astype(np.int32)
    bias[-1] = 2**31 - 1
    taps = w_shape[1] * w_shape[2] * w_shape[3]
    multipliers = (rng.uniform(0.5, 2.0, size=c_out) * 100.0 / (60 * 60 * np.sqrt(taps))).astype(np.float32)
    return x, weight, bias, multipliers


def f32_values(rng: np.random.Generator, shape, scale: float = 1.0) -> np.ndarray:
    return (rng.standard_normal(size=shape) * scale).astype(np.float32)


def pack_mask(mask: np.ndarray) -> np.ndarray:
    """The runtime's layout: flat index i is bit (i & 7) of byte (i >> 3), LSB first, zero padded."""
    return np.packbits(np.asarray(mask, dtype=bool).ravel(), bitorder="little")


def mask_buffer(count: int) -> np.ndarray:
    # Garbage first: the kernel must write every byte, high bits of the last one included.
    return np.full((count + 7) // 8, 0xA5, dtype=np.uint8)


def sum_bound(magnitude: np.ndarray, terms: int) -> np.ndarray:
    """|C - interpreter| for an f32 sum of `terms` rounded products (module docstring)."""
    return (terms + 2) * U * np.asarray(magnitude, dtype=np.float64) + TINY


def assert_within(got: np.ndarray, expected: np.ndarray, bound: np.ndarray, what: str) -> None:
    assert got.shape == expected.shape and got.dtype == np.float32, what
    error = np.abs(got.astype(np.float64) - expected.astype(np.float64))
    worst = np.unravel_index(np.argmax(error - bound), error.shape) if error.size else ()
    assert np.all(error <= bound), (
        f"{what}: error {error[worst]:.3g} > bound {np.asarray(bound)[worst]:.3g} at {worst} "
        f"(C {got[worst]!r}, interpreter {expected[worst]!r})"
    )


def conv_out_hw(x_shape, w_shape, stride, pad) -> tuple[int, int]:
    top, left, bottom, right = pad
    return (
        (x_shape[2] + top + bottom - w_shape[2]) // stride[0] + 1,
        (x_shape[3] + left + right - w_shape[3]) // stride[1] + 1,
    )


def geometry(x_shape, w_shape, stride, pad, groups) -> tuple[int, ...]:
    n, c, h, w = x_shape
    return (n, c, h, w, w_shape[0], w_shape[2], w_shape[3], *stride, *pad, groups)


def single_op(arg_types, build, *inputs) -> tuple[np.ndarray, ...]:
    """Runs `main(args) = build(builder, *args)` (a list of result values) in the interpreter."""
    builder = FunctionBuilder(arg_types)
    results = build(builder, *builder.args)
    return run(builder.finish(*results), *inputs)


def added(builder: FunctionBuilder, op) -> list:
    builder.block.add_op(op)
    return list(op.results)


CONV_CASES = {
    # name: (x shape, weight shape, stride, pad [t, l, b, r], groups)
    "pointwise": ((1, 8, 5, 5), (6, 8, 1, 1), (1, 1), (0, 0, 0, 0), 1),  # fast path, 4-pixel blocks + tail
    "pointwise_grouped_batch2": ((2, 6, 3, 5), (4, 3, 1, 1), (1, 1), (0, 0, 0, 0), 2),  # fast path, groups
    "pointwise_stride2_odd": ((1, 5, 7, 6), (7, 5, 1, 1), (2, 2), (0, 0, 0, 0), 1),
    "pointwise_padded": ((1, 3, 4, 4), (2, 3, 1, 1), (1, 1), (1, 0, 0, 1), 1),
    "3x3_s1_p1": ((1, 4, 6, 6), (5, 4, 3, 3), (1, 1), (1, 1, 1, 1), 1),
    "3x3_s2_asym_pad": ((1, 3, 9, 8), (4, 3, 3, 3), (2, 2), (0, 1, 1, 0), 1),
    "3x3_tlbr_all_different": ((1, 2, 6, 7), (3, 2, 3, 3), (1, 1), (0, 1, 2, 3), 1),
    "depthwise_3x3_s2": ((1, 6, 7, 7), (6, 1, 3, 3), (2, 2), (1, 1, 1, 1), 6),
    "depthwise_5x5_s1_batch2": ((2, 3, 7, 5), (3, 1, 5, 5), (1, 1), (2, 2, 2, 2), 3),
    "depthwise_7x7_s2_asym": ((1, 4, 11, 10), (4, 1, 7, 7), (2, 2), (3, 2, 3, 4), 4),
    "depthwise_multiplier_2": ((1, 3, 6, 6), (6, 1, 3, 3), (1, 1), (1, 1, 1, 1), 3),
    "grouped_g2_s2_odd": ((1, 6, 7, 7), (4, 3, 3, 3), (2, 2), (1, 1, 1, 1), 2),
    "kernel_larger_than_input": ((1, 2, 2, 3), (3, 2, 3, 3), (1, 1), (1, 1, 1, 1), 1),
    "nonsquare_2x3_stride_2x1": ((1, 3, 7, 6), (4, 3, 2, 3), (2, 1), (0, 1, 1, 1), 1),
    "first_conv_7x7_s2": ((1, 3, 15, 15), (4, 3, 7, 7), (2, 2), (3, 3, 3, 3), 1),
}


def conv_reference(x, x_q, weight, bias, w_scales, y_q, stride, pad, groups):
    """(y, mask, multipliers) from the interpreter running one `qtrain.conv2d` with a mask."""
    y_shape = (x.shape[0], weight.shape[0], *conv_out_hw(x.shape, weight.shape, stride, pad))
    builder = FunctionBuilder([qtrain.qtensor(x.shape, *x_q)])
    w = builder.param("w", weight, i8)
    b = builder.param("b", np.asarray(bias, dtype=np.int32), i32)
    conv = qtrain.Conv2dOp(
        builder.args[0], w, b, qtrain.qtensor(y_shape, *y_q),
        stride=stride, pad=pad, groups=groups, w_scales=w_scales, with_mask=True,
    )  # fmt: skip
    builder.block.add_op(conv)
    y, mask = run(builder.finish(conv.output, conv.mask), x)
    return y, mask, conv.requant_multipliers()
