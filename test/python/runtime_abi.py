"""The C runtime's calling convention for ctypes: one table for every test that calls a kernel.

`SIGNATURES` restates runtime/include/tt_kernels.h (and tt_quant.h, tt_math.h) as ctypes
(restype, argtypes); the structs mirror runtime/include/tt_types.h. `bind(library)` sets
them on a loaded runtime and returns a `Runtime`: every function of the library as it is,
except the conv kernels, which are wrapped to take their geometry as the IR lists it

    batch, in_channels, in_h, in_w, out_channels, kernel_h, kernel_w,
    stride_h, stride_w, pad_top, pad_left, pad_bottom, pad_right, groups

(the fused and weight-update kernels as documented at their wrappers) and build the
parameter structs the C function takes (tt_conv_params, tt_dims, tt_per_channel_quant,
tt_split_weight) for the call. Pointers are passed as integers (numpy `.ctypes.data`)
or None for NULL.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable

V, I, F = ctypes.c_void_p, ctypes.c_int32, ctypes.c_float


class Dims(ctypes.Structure):
    _fields_ = [("n", I), ("h", I), ("w", I), ("c", I)]


class Tile(ctypes.Structure):
    _fields_ = [("h", I), ("w", I)]


class Padding(ctypes.Structure):
    _fields_ = [("top", I), ("left", I), ("bottom", I), ("right", I)]


class ConvParams(ctypes.Structure):
    _fields_ = [
        ("input_zero", I), ("output_zero", I), ("stride", Tile), ("padding", Padding), ("groups", I),
    ]  # fmt: skip


class PerChannelQuant(ctypes.Structure):
    _fields_ = [("multipliers", V)]


class SplitWeight(ctypes.Structure):
    _fields_ = [("trained", V), ("frozen", V), ("split", I)]


P = ctypes.POINTER
CONV, DIMS, QUANT, SPLIT = P(ConvParams), P(Dims), P(PerChannelQuant), P(SplitWeight)

SIGNATURES: dict[str, tuple[object, list[object]]] = {
    # conv2d/, conv2d_grad/, update/ (parameter structs)
    "tt_conv2d_s8": (None, [CONV, QUANT, DIMS, V, DIMS, V, V, V, V]),
    "tt_conv2d_s8_get_buffer_size": (I, [CONV, DIMS, DIMS]),
    "tt_conv2d_split_s8": (None, [CONV, QUANT, DIMS, V, DIMS, SPLIT, V, V, V]),
    "tt_conv2d_dw_s8": (None, [CONV, QUANT, CONV, QUANT, DIMS, V, DIMS, V, V, DIMS, V, V, V, V]),
    "tt_conv2d_dw_s8_get_buffer_size": (I, [CONV, DIMS, DIMS]),
    "tt_conv2d_dw_split_s8": (None, [CONV, QUANT, CONV, QUANT, DIMS, V, DIMS, SPLIT, V, DIMS, SPLIT, V, V, V]),
    "tt_conv2d_grad_input_f32": (None, [CONV, DIMS, DIMS, V, V, V]),
    "tt_conv2d_grad_input_split_f32": (None, [CONV, DIMS, DIMS, V, SPLIT, V]),
    "tt_conv2d_grad_weight_f32": (None, [CONV, DIMS, V, DIMS, V, V]),
    "tt_conv2d_weight_update_s8": (I, [CONV, DIMS, V, DIMS, V, V, F, DIMS, V]),
    # elementwise/, pooling/, linear/, loss/
    "tt_add_s8": (None, [V, I, F, V, I, F, I, V, V, I]),
    "tt_global_avgpool_s8": (None, [V, V, I, I, I, I]),
    "tt_dequantize_s8": (None, [V, I, F, V, I]),
    "tt_linear_f32": (None, [V, V, V, V, I, I, I]),
    "tt_slice_channels_s8": (None, [V, V, I, I, I, I, I]),
    "tt_softmax_cross_entropy_f32": (None, [V, V, V, I, I]),
    "tt_softmax_cross_entropy_grad_f32": (None, [V, V, V, I, I]),
    "tt_linear_grad_input_f32": (None, [V, V, V, I, I, I]),
    "tt_linear_grad_weight_f32": (None, [V, V, V, I, I, I]),
    "tt_sum_batch_f32": (None, [V, V, I, I]),
    "tt_dequantize_grad_f32": (None, [V, F, V, I]),
    "tt_global_avgpool_grad_f32": (None, [V, V, I, I, I, I]),
    "tt_clamp_grad_f32": (None, [V, V, V, I]),
    "tt_add_grad_f32": (None, [V, F, F, V, V, I]),
    "tt_requant_grad_f32": (None, [V, V, V, I, I, I]),
    "tt_conv2d_grad_bias_f32": (None, [V, V, I, I, I]),
    "tt_accumulate_f32": (None, [V, V, V, I]),
    "tt_scale_channels_f32": (None, [V, V, V, I, I]),
    # update/
    "tt_sgd_update_s8": (I, [V, V, F, I]),
    "tt_sgd_update_s32": (I, [V, V, F, I]),
    "tt_sgd_update_f32": (None, [V, V, F, I]),
    "tt_sgd_update_rows_s8": (I, [V, V, F, I, I, I]),
    "tt_sgd_update_rows_s32": (I, [V, V, F, I, I, I]),
    "tt_sgd_update_rows_f32": (None, [V, V, F, I, I, I]),
    # quant/ (tt_quant.h), math/ (tt_math.h)
    "tt_saturating_add_i32": (I, [I, I]),
    "tt_rint": (F, [F]),
    "tt_round_half_even": (I, [F]),
    "tt_requantize": (ctypes.c_int8, [I, F, I]),
    "tt_add_requantize": (ctypes.c_int8, [ctypes.c_int8, I, F, ctypes.c_int8, I, F, I]),
    "tt_div_round_half_even": (I, [I, I]),
    "tt_expf": (F, [F]),
    "tt_logf": (F, [F]),
}


# ----------------------------------------------------------------------------- struct builders


def conv_params(input_zero, output_zero, stride_h, stride_w, top, left, bottom, right, groups) -> ConvParams:
    return ConvParams(input_zero, output_zero, Tile(stride_h, stride_w), Padding(top, left, bottom, right), groups)


def nchw(n, c, h, w) -> Dims:
    """tt_dims of an NCHW activation or an [O, I/groups, KH, KW] filter."""
    return Dims(n, h, w, c)


def unpack_geometry(geometry, input_zero=0, output_zero=0):
    """(conv params, input dims, filter dims) of the IR's 14 geometry integers."""
    batch, in_channels, in_h, in_w, out_channels, kernel_h, kernel_w, sh, sw, top, left, bottom, right, groups = geometry
    conv = conv_params(input_zero, output_zero, sh, sw, top, left, bottom, right, groups)
    return conv, nchw(batch, in_channels, in_h, in_w), nchw(out_channels, in_channels // groups, kernel_h, kernel_w)


def grad_weight_dims(out_channels, kernel_h, kernel_w, groups, channels) -> Dims:
    """The weight gradient's shape: [out_channels, channels, KH, KW], depthwise [channels, 1, KH, KW]."""
    return nchw(out_channels, channels, kernel_h, kernel_w) if groups == 1 else nchw(channels, 1, kernel_h, kernel_w)


# ----------------------------------------------------------------------------- the bound runtime


class Runtime:
    """A loaded runtime with SIGNATURES set; the conv kernels take the IR geometry (module docstring)."""

    def __init__(self, library: ctypes.CDLL):
        self.library = library
        for name, (restype, argtypes) in SIGNATURES.items():
            function = getattr(library, name)
            function.restype = restype
            function.argtypes = argtypes

    def __getattr__(self, name: str) -> Callable:
        return getattr(self.library, name)

    def tt_conv2d_s8(self, x, input_zero, weight, bias, multipliers, output_zero, y, mask, *geometry):
        conv, x_dims, w_dims = unpack_geometry(geometry, input_zero, output_zero)
        quant = PerChannelQuant(multipliers)
        self.library.tt_conv2d_s8(conv, quant, x_dims, x, w_dims, weight, bias, y, mask)

    def tt_conv2d_s8_get_buffer_size(self, input_zero, *geometry) -> int:
        conv, x_dims, w_dims = unpack_geometry(geometry, input_zero)
        return self.library.tt_conv2d_s8_get_buffer_size(conv, x_dims, w_dims)

    def tt_conv2d_split_s8(self, x, input_zero, trained, frozen, split, bias, multipliers, output_zero, y, mask,
                           *geometry):  # fmt: skip
        conv, x_dims, w_dims = unpack_geometry(geometry, input_zero, output_zero)
        self.library.tt_conv2d_split_s8(conv, PerChannelQuant(multipliers), x_dims, x, w_dims,
                                        SplitWeight(trained, frozen, split), bias, y, mask)  # fmt: skip

    @staticmethod
    def _fused(input_zero, mid_zero, output_zero, geometry):
        """The structs of a fused conv: geometry = batch, in_channels, in_h, in_w, mid_channels, kernel_h,
        kernel_w, stride_h, stride_w, pad t/l/b/r, dw_kernel_h, dw_kernel_w, dw_stride_h, dw_stride_w,
        dw pad t/l/b/r (21 integers)."""
        batch, cin, h, w, mid, kh, kw, sh, sw, t, l, b, r, dkh, dkw, dsh, dsw, dt, dl, db, dr = geometry
        conv = conv_params(input_zero, mid_zero, sh, sw, t, l, b, r, 1)
        dw_conv = conv_params(mid_zero, output_zero, dsh, dsw, dt, dl, db, dr, mid)
        return conv, dw_conv, nchw(batch, cin, h, w), nchw(mid, cin, kh, kw), nchw(mid, 1, dkh, dkw)

    def tt_conv2d_dw_s8(self, x, input_zero, weight, bias, multipliers, mid_zero, dw_weight, dw_bias,
                        dw_multipliers, output_zero, y, scratch, *geometry):  # fmt: skip
        conv, dw_conv, x_dims, w_dims, dw_dims = self._fused(input_zero, mid_zero, output_zero, geometry)
        self.library.tt_conv2d_dw_s8(conv, PerChannelQuant(multipliers), dw_conv, PerChannelQuant(dw_multipliers),
                                     x_dims, x, w_dims, weight, bias, dw_dims, dw_weight, dw_bias, y, scratch)  # fmt: skip

    def tt_conv2d_dw_s8_get_buffer_size(self, *geometry) -> int:
        conv, _, x_dims, w_dims, _ = self._fused(0, 0, 0, geometry)
        return self.library.tt_conv2d_dw_s8_get_buffer_size(conv, x_dims, w_dims)

    def tt_conv2d_dw_split_s8(self, x, input_zero, trained, frozen, split, bias, multipliers, mid_zero,
                              dw_trained, dw_frozen, dw_split, dw_bias, dw_multipliers, output_zero, y, scratch,
                              *geometry):  # fmt: skip
        conv, dw_conv, x_dims, w_dims, dw_dims = self._fused(input_zero, mid_zero, output_zero, geometry)
        self.library.tt_conv2d_dw_split_s8(
            conv, PerChannelQuant(multipliers), dw_conv, PerChannelQuant(dw_multipliers), x_dims, x, w_dims,
            SplitWeight(trained, frozen, split), bias, dw_dims, SplitWeight(dw_trained, dw_frozen, dw_split), dw_bias,
            y, scratch,
        )  # fmt: skip

    def tt_conv2d_grad_input_f32(self, dy, weight, dx, *geometry):
        conv, dx_dims, w_dims = unpack_geometry(geometry)
        self.library.tt_conv2d_grad_input_f32(conv, dx_dims, w_dims, dy, weight, dx)

    def tt_conv2d_grad_input_split_f32(self, dy, trained, frozen, split, dx, *geometry):
        conv, dx_dims, w_dims = unpack_geometry(geometry)
        self.library.tt_conv2d_grad_input_split_f32(conv, dx_dims, w_dims, dy, SplitWeight(trained, frozen, split), dx)

    def tt_conv2d_grad_weight_f32(self, x, input_zero, dy, dw, *geometry_and_channels):
        *geometry, channels = geometry_and_channels
        conv, x_dims, _ = unpack_geometry(geometry, input_zero)
        out_channels, kernel_h, kernel_w, groups = geometry[4], geometry[5], geometry[6], geometry[13]
        grad_dims = grad_weight_dims(out_channels, kernel_h, kernel_w, groups, channels)
        self.library.tt_conv2d_grad_weight_f32(conv, x_dims, x, grad_dims, dy, dw)

    def tt_conv2d_weight_update_s8(self, weight, x, input_zero, dy, factors, lr, batch, in_channels, in_h, in_w,
                                   out_channels, weight_channels, kernel_h, kernel_w, stride_h, stride_w,
                                   top, left, bottom, right, groups, channels) -> int:  # fmt: skip
        """The old argument order: weight_channels is the updated array's channels per filter."""
        conv = conv_params(input_zero, 0, stride_h, stride_w, top, left, bottom, right, groups)
        grad_dims = grad_weight_dims(out_channels, kernel_h, kernel_w, groups, channels)
        weight_dims = nchw(out_channels, weight_channels, kernel_h, kernel_w)
        return self.library.tt_conv2d_weight_update_s8(conv, nchw(batch, in_channels, in_h, in_w), x, grad_dims, dy,
                                                       factors, lr, weight_dims, weight)  # fmt: skip


def bind(library: ctypes.CDLL) -> Runtime:
    return Runtime(library)


def load(path) -> Runtime:
    return Runtime(ctypes.CDLL(str(path)))
