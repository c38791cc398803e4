"""The C target: a planned module (`qtrain` compute ops on `mem` buffers of one arena)
as C99 that calls the runtime kernels (`runtime/include/tt_kernels.h`).

    tt-opt planned.mlir -t c                   # model.h and model.c in one stream
    generate_c(module) -> CModel(header, source, sizes)   # backends/armv7em/project.py

Input invariant: after `qtrain-memory` (or `convert-qtrain-to-mem` + `mem-plan` per
function): every function stores its arguments into `mem.view`s of the module's one
`mem.arena`, every compute op reads its tensors with `mem.load` (parameters with
`qtrain.get_param`) and each result is `mem.store`d into its buffer right after it.

What the generated code holds:

* one static arena, `static uint8_t tt_arena[SIZE] __attribute__((aligned(A)))`, of
  exactly the `mem.arena` size; every tensor is a pointer `tt_arena + offset`
  (`TT_S8(offset)`, `TT_F32(offset)`, ... are those casts);
* each frozen `qtrain.param` as a `static const` array (flash); each trainable one
  as a writable array (SRAM, zero-initialised `.bss`) plus a `const` copy of its
  initial values (`..._init`, flash) that `tt_init()` copies in. This costs the same
  flash as an initialised `.data` array (whose image the startup code copies) and
  lets `tt_init()` restore the compiled values at any time;
* split storage for a conv weight of which only the leading channels train (sparse
  update; `placement = "split"`, recorded on the `qtrain.param` by `mem-place-params`): the trained part is the writable array (`[O][k][KH][KW]` of a regular
  [O, I, KH, KW] weight, `[k][1][KH][KW]` of a depthwise one, with its `_init` copy)
  and the frozen rest a `static const` array `..._frozen` in flash
  (`[O][I-k][KH][KW]`, `[C-k][1][KH][KW]`), so SRAM holds exactly the trained bytes
  that the memory plan counts (`trainable_sram_bytes`). The convs that read such a
  weight call the split kernels (`tt_conv2d_split_s8`, `tt_conv2d_dw_split_s8`,
  `tt_conv2d_grad_input_split_f32`); the updates work on the trained array alone. The
  parameter table still describes the logical tensor: `tt_get_param` gathers both
  parts, `tt_set_param` writes the trained channels and fails (-1) if the frozen
  ones would change; the table's `data` pointer is NULL for a split parameter;
* per conv kernel call, the parameter structs of tt_types.h as `static const`
  literals (flash; identical ones shared): `tt_conv_params`, the `tt_dims` of the
  input and the filter, `tt_per_channel_quant`, `tt_split_weight`;
* the compile-time constants, computed exactly as the interpreter computes them
  (`Conv2dOp.requant_multipliers()`, `qtrain.add_multipliers`, `f32` of f64 scales, the
  f32 attributes of the gradient ops and the learning rates), printed as C hex float
  literals so they round-trip bit for bit;
* one C function per `func.func`: `@main` -> `tt_infer(image, logits)`,
  `@train_step` -> `tt_train_step(image, label, loss)` (other names `tt_<name>`), a
  one-element i32 argument (the label) passed by value, other arguments and the
  results by pointer;
* `tt_init()`, the parameter table (`tt_param_count`, `tt_param`, `tt_get_param`,
  `tt_set_param`) and `tt_saturation_count()`.

Per op: a function argument's `mem.store` is a `memcpy` into the arena, each compute op
one kernel call whose output pointers are the buffers its results are stored to
(`mem.load`/`mem.store` of computed values are no code), `flatten`/`reshape` no code when
the result shares its operand's buffer (else a `memmove`), `qtrain.get_param` the
parameter array, `qtrain.sgd_update` a `tt_sgd_update_*` call on the parameter array. A
plan that `mem-check-overlaps` rejects (a kernel output on its inputs where the kernel
cannot run in place, tt_kernels.h) is refused. Anything else (`qtrain.param_grad`, unplanned `mem.alloc`, an
unknown op) is a `CodegenError` naming the op.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO

import numpy as np
from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import Float32Type, ModuleOp, TensorType, i1, i8, i32
from xdsl.ir import Attribute, BlockArgument, Operation, SSAValue
from xdsl.utils.target import Target

from tiny_training.analysis.overlaps import plan_problems
from tiny_training.backends.armv7em.arena_check import arena_steps
from tiny_training.dialects import mem, qtrain

HEADER_NAME = "model.h"
TT_ARENA_GUARD = 64  # runtime/include/tt_debug_arena.h
HEADER_MARKER = "// ---- model.h ----"
SOURCE_MARKER = "// ---- model.c ----"

# C names of the functions with a fixed API, and of their arguments and results.
FUNCTION_API = {
    "main": ("tt_infer", ("image",), ("logits",)),
    "train_step": ("tt_train_step", ("image", "label"), ("loss",)),
}

class CodegenError(ValueError):
    """The module cannot be printed as C (tt-opt reports it as one line, no traceback)."""


# --------------------------------------------------------------------------- literals


def c_float(value: float | np.floating) -> str:
    """An f32 value as a C hex float literal that denotes exactly that f32."""
    value32 = np.float32(value)
    if not np.isfinite(value32):
        raise CodegenError(f"c target: the constant {float(value)} is not a finite f32")
    mantissa, _, exponent = float(value32).hex().partition("p")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}p{exponent}f"


def c_float_commented(value: float | np.floating) -> str:
    """A hex float literal followed by its shortest decimal, for people to read."""
    return f"{c_float(value)} /* {str(np.float32(value))} */"


def c_int(value: int) -> str:
    value = int(value)
    if value == qtrain.INT32_MIN:  # 2147483648 alone does not fit an int
        return "(-2147483647 - 1)"
    return str(value)


def c_string(text: str) -> str:
    """A C string literal (printable ASCII kept, everything else as octal escapes)."""
    out = []
    for byte in text.encode():
        char = chr(byte)
        if char in '"\\?':  # `?` too: no trigraphs in -std=c99
            out.append("\\" + char)
        elif 32 <= byte < 127:
            out.append(char)
        else:
            out.append(f"\\{byte:03o}")
    return '"' + "".join(out) + '"'


def c_comment(text: str) -> str:
    """Text that cannot end the C comment it is put in."""
    return text.replace("*/", "* /")


def _wrap(items: Sequence[str], per_line: int, indent: str = "    ") -> str:
    lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return (",\n" + indent).join(lines)


def c_array_values(values: np.ndarray) -> str:
    """The initializer of a flat C array (without braces)."""
    flat = np.asarray(values).reshape(-1)
    if flat.dtype == np.float32:
        return _wrap([c_float(v) for v in flat], 6)
    if flat.dtype == np.int32:
        return _wrap([c_int(v) for v in flat.tolist()], 12)
    return _wrap([str(v) for v in flat.tolist()], 24)


# --------------------------------------------------------------------------- types


def element_kind(element: Attribute) -> str:
    """`s8` (int8 activations and weights), `i32`, `f32` or `mask` (bit-packed i1)."""
    if isinstance(element, qtrain.QInt8Type) or element == i8:
        return "s8"
    if element == i32:
        return "i32"
    if isinstance(element, Float32Type):
        return "f32"
    if element == i1:
        return "mask"
    raise CodegenError(f"c target: no C storage for element type {element}")


C_TYPES = {"s8": "int8_t", "i32": "int32_t", "f32": "float", "mask": "uint8_t"}
ARENA_MACROS = {"s8": "TT_S8", "i32": "TT_I32", "f32": "TT_F32", "mask": "TT_U8"}
PARAM_KINDS = {"s8": "i8", "i32": "i32", "f32": "f32"}
SGD_SUFFIX = {"s8": "s8", "i32": "s32", "f32": "f32"}


def tensor_of(value: SSAValue) -> TensorType:
    value_type = value.type
    if not isinstance(value_type, TensorType):
        raise CodegenError(f"c target: expected a tensor, got {value_type}")
    return value_type


def shape_of(value: SSAValue) -> tuple[int, ...]:
    return tuple(tensor_of(value).get_shape())


def count_of(value: SSAValue) -> int:
    return math.prod(shape_of(value))


def shape_text(shape: Sequence[int]) -> str:
    return "x".join(map(str, shape)) if shape else "scalar"


def type_text(value: SSAValue) -> str:
    value_type = tensor_of(value)
    element = value_type.element_type
    kind = {"s8": "qi8" if isinstance(element, qtrain.QInt8Type) else "i8", "i32": "i32", "f32": "f32", "mask": "i1"}[
        element_kind(element)
    ]
    return f"{shape_text(value_type.get_shape())} {kind}"


# --------------------------------------------------------------------------- the model


@dataclass
class CParam:
    name: str  # the IR symbol
    c_name: str
    op: qtrain.ParamOp
    kind: str  # s8 / i32 / f32
    trainable: bool
    partial: bool = False  # a trained leading slice of a bigger tensor
    # Split storage (see the module docstring), as `mem-place-params` recorded it: the
    # axis the trained part is a leading slice of (1: input channels of a groups = 1
    # conv, 0: channels of a depthwise one) and its length k; None when stored whole.
    split_axis: int | None = None
    split: int = 0

    @property
    def values(self) -> np.ndarray:
        return self.op.to_numpy()

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.op.value_type.get_shape())

    @property
    def nbytes(self) -> int:
        """Bytes of the logical (full) tensor."""
        return self.values.nbytes

    @property
    def is_split(self) -> bool:
        return self.split_axis is not None

    def parts(self) -> tuple[np.ndarray, np.ndarray]:
        """(trained, frozen) values of a split parameter."""
        assert self.split_axis is not None
        trained, frozen = np.split(self.values, [self.split], axis=self.split_axis)
        return np.ascontiguousarray(trained), np.ascontiguousarray(frozen)

    @property
    def storage_shape(self) -> tuple[int, ...]:
        """Shape of the writable array (the trained part of a split parameter)."""
        if self.split_axis is None:
            return self.shape
        shape = list(self.shape)
        shape[self.split_axis] = self.split
        return tuple(shape)

    @property
    def sram_bytes(self) -> int:
        """Bytes of the writable array (0 for a frozen parameter)."""
        if not self.trainable:
            return 0
        return math.prod(self.storage_shape) * self.values.itemsize

    @property
    def frozen_nbytes(self) -> int:
        """Bytes of the `static const` array (flash): all of a frozen parameter, the
        frozen part of a split one."""
        return self.nbytes - self.sram_bytes

    @property
    def frozen_name(self) -> str:
        return f"{self.c_name}_frozen"


@dataclass
class CModel:
    """The generated C and what it occupies."""

    header: str
    source: str
    arena_bytes: int
    arena_alignment: int
    params: list[CParam]
    functions: dict[str, str]  # IR function name -> C function name

    @property
    def trainable_bytes(self) -> int:
        """SRAM of the writable parameter arrays: the trained part of a split weight,
        the whole tensor of any other trainable parameter."""
        return sum(p.sram_bytes for p in self.params)

    @property
    def frozen_bytes(self) -> int:
        """Flash of the frozen parameters and of the frozen parts of split weights."""
        return sum(p.frozen_nbytes for p in self.params)

    @property
    def whole_partial(self) -> list[CParam]:
        """Partially trained parameters that could not be split (kept whole in SRAM)."""
        return [p for p in self.params if p.partial and not p.is_split]

    @property
    def sram_bytes(self) -> int:
        return self.arena_bytes + self.trainable_bytes

    @property
    def flash_constant_bytes(self) -> int:
        """Flash of the parameter data: frozen arrays plus the initial values of trainable ones."""
        return sum(p.nbytes for p in self.params)

    def combined(self) -> str:
        """Both files in one stream (`tt-opt -t c`)."""
        return f"{HEADER_MARKER}\n{self.header}\n{SOURCE_MARKER}\n{self.source}"


# --------------------------------------------------------------------------- the printer


@dataclass
class _Buffer:
    offset: int
    size: int


def _tensor_bytes(value: SSAValue) -> int:
    size = mem.tensor_storage_bytes(value.type)
    assert size is not None, f"{value.type} has no storage size (the verifier rejects this)"
    return size


@dataclass
class _FunctionPrinter:
    model: _ModelPrinter
    function: func.FuncOp
    c_name: str
    arg_names: tuple[str, ...]
    result_names: tuple[str, ...]
    lines: list[str] = field(default_factory=list)
    # The ops that emitted code, in order: one debug-build arena checkpoint after each.
    code_ops: list[Operation] = field(default_factory=list)

    @property
    def debug_prefix(self) -> str:
        """The C prefix of this function's arena-checker tables (debug builds)."""
        return "tt_dbg_" + self.c_name.removeprefix("tt_")

    # ---------------------------------------------------------------- values

    def where(self, op: Operation) -> str:
        return f"@{self.function.sym_name.data}: {op.name}"

    def buffer_of(self, buffer: SSAValue, op: Operation) -> _Buffer:
        owner = buffer.owner
        if isinstance(owner, mem.AllocOp):
            raise CodegenError(
                f"c target: {self.where(op)} uses an unplanned mem.alloc (run mem-plan or qtrain-memory first)"
            )
        if not isinstance(owner, mem.ViewOp):
            raise CodegenError(f"c target: {self.where(op)}: buffer is not a mem.view of the arena")
        if owner.arena.string_value() != self.model.arena_name:
            raise CodegenError(f"c target: {self.where(op)}: buffer of an unknown arena {owner.arena}")
        return _Buffer(owner.offset_bytes, owner.buffer_type.size_bytes)

    def loaded(self, load: mem.LoadOp, op: Operation) -> _Buffer:
        """The arena bytes of a loaded tensor: its buffer's, from the load's offset."""
        view = self.buffer_of(load.buffer, op)
        return _Buffer(view.offset + load.offset_bytes, _tensor_bytes(load.result))

    def stored(self, store: mem.StoreOp) -> _Buffer:
        """The arena bytes a `mem.store` writes: its buffer's, from the store's offset."""
        view = self.buffer_of(store.buffer, store)
        return _Buffer(view.offset + store.offset_bytes, _tensor_bytes(store.value))

    def arena_pointer(self, buffer: _Buffer, value: SSAValue) -> str:
        return f"{ARENA_MACROS[element_kind(tensor_of(value).element_type)]}({buffer.offset})"

    def input_buffer(self, value: SSAValue, op: Operation) -> _Buffer | None:
        """The arena bytes an operand reads: a loaded tensor's, or a buffer operand's (scratch)."""
        owner = value.owner
        if isinstance(owner, mem.LoadOp):
            return self.loaded(owner, op)
        if isinstance(owner, mem.ViewOp):
            return self.buffer_of(value, op)
        return None

    def operand(self, value: SSAValue, op: Operation) -> str:
        """The C expression of an operand: an arena pointer or a parameter array."""
        owner = value.owner
        if isinstance(owner, mem.LoadOp):
            return self.arena_pointer(self.loaded(owner, op), value)
        if isinstance(owner, qtrain.GetParamOp):
            param = self.model.param(owner.param.string_value())
            if param.is_split:
                raise CodegenError(
                    f"c target: {self.where(op)} reads @{param.name}, which is stored split (trained channels "
                    "in SRAM, the rest in flash), and there is no split kernel for this op"
                )
            return param.c_name
        if isinstance(value, BlockArgument):
            raise CodegenError(
                f"c target: {self.where(op)} reads a function argument directly; the function is not lowered "
                "to mem buffers (run qtrain-memory first)"
            )
        raise CodegenError(f"c target: {self.where(op)}: operand produced by {owner.name} is not in a buffer")

    @staticmethod
    def stores_of(value: SSAValue) -> list[mem.StoreOp]:
        """The `mem.store`s that write `value` into a buffer, in program order."""
        stores = [use.operation for use in value.uses if isinstance(use.operation, mem.StoreOp)]
        stores = [store for store in stores if store.value == value]
        block = stores[0].parent_block() if len(stores) > 1 else None
        return sorted(stores, key=block.get_operation_index) if block is not None else stores

    def result_buffers(self, value: SSAValue) -> list[_Buffer]:
        """The buffers a result is stored into (the first one is where the kernel writes it)."""
        return [self.stored(store) for store in self.stores_of(value)]

    def split_param(self, value: SSAValue) -> CParam | None:
        """The parameter a weight operand reads, when it is stored split."""
        owner = value.owner
        if isinstance(owner, qtrain.GetParamOp):
            param = self.model.param(owner.param.string_value())
            if param.is_split:
                return param
        return None

    def weight_parts(self, value: SSAValue, op: Operation, groups: int, channels: int) -> list[object]:
        """`trained, frozen, split` of a conv weight operand for the split kernels; an
        unsplit weight is all trained (`w, NULL, channels`)."""
        param = self.split_param(value)
        if param is None:
            return [self.operand(value, op), "NULL", channels]
        if param.split_axis != (1 if groups == 1 else 0):
            raise CodegenError(
                f"c target: {self.where(op)}: @{param.name} is split on axis {param.split_axis}, which does not "
                f"fit a conv with groups = {groups}"
            )
        return [param.c_name, param.frozen_name, param.split]

    # ---------------------------------------------------------------- kernel parameter structs

    def struct(self, op: Operation, ctype: str, what: str, initializer: str) -> str:
        return self.model.constant_struct(ctype, initializer, f"{what} of {self.describe_short(op)}")

    def describe_short(self, op: Operation) -> str:
        hint = op.results[0].name_hint if op.results else None
        return (f"%{hint} = {op.name}" if hint else op.name) + f" in @{self.function.sym_name.data}"

    def dims(self, op: Operation, what: str, nchw: Sequence[int]) -> str:
        """`&tt_dims_k` of an NCHW activation shape or an [O, I/groups, KH, KW] filter shape."""
        n, c, h, w = nchw
        return self.struct(op, "tt_dims", f"{what} (n, h, w, c)", f"{{{n}, {h}, {w}, {c}}}")

    def conv_params(self, op: Operation, input_zero: int, output_zero: int, stride: Sequence[int],
                    pad: Sequence[int], groups: int, what: str = "conv parameters") -> str:
        top, left, bottom, right = pad
        return self.struct(op, "tt_conv_params", what,
                           f"{{{input_zero}, {output_zero}, {{{stride[0]}, {stride[1]}}}, "
                           f"{{{top}, {left}, {bottom}, {right}}}, {groups}}}")  # fmt: skip

    def quant(self, op: Operation, multipliers: str, what: str = "requantization") -> str:
        return self.struct(op, "tt_per_channel_quant", what, f"{{{multipliers}}}")

    def split_weight(self, op: Operation, parts: Sequence[object], what: str = "split weight") -> str:
        trained, frozen, split = parts
        return self.struct(op, "tt_split_weight", what, f"{{{trained}, {frozen}, {split}}}")

    def result(self, value: SSAValue, op: Operation, *, optional: bool = False) -> str:
        """The C expression of a result: the buffer of its (first) `mem.store`."""
        buffers = self.result_buffers(value)
        if not buffers:
            if optional:
                return "NULL"
            raise CodegenError(f"c target: {self.where(op)}: a result is not stored into any buffer")
        return self.arena_pointer(buffers[0], value)

    # ---------------------------------------------------------------- emission

    def emit(self, text: str) -> None:
        self.lines.append("    " + text)

    def call(self, comment: str, kernel: str, args: Sequence[object]) -> None:
        """`/* comment */` and the kernel call."""
        self.emit(f"/* {comment} */")
        self.call_assign("", kernel, args)

    def call_assign(self, prefix: str, kernel: str, args: Sequence[object]) -> None:
        """`prefix kernel(args);`, the arguments filled into lines of ~100 columns."""
        lines = [f"{prefix}{kernel}("]
        indent = " " * len(lines[0])
        for index, arg in enumerate(args):
            text = str(arg) + (", " if index + 1 < len(args) else ");")
            if len(lines[-1]) + len(text.rstrip()) > 100 and not lines[-1].endswith("("):
                lines[-1] = lines[-1].rstrip()
                lines.append(indent)
            lines[-1] += text
        for line in lines:
            self.emit(line)

    def describe(self, op: Operation) -> str:
        """`%y = qtrain.conv2d -> 1x16x64x64 qi8, 1x16x64x64 i1` (the name when the IR has one)."""
        text = op.name
        if op.results:
            text += " -> " + ", ".join(type_text(r) for r in op.results)
            if op.results[0].name_hint:
                text = f"%{op.results[0].name_hint} = {text}"
        return text

    def constant_array(self, op: Operation, what: str, values: np.ndarray) -> str:
        return self.model.constant_array(f"{what} of {self.describe_short(op)}", values)

    def print(self) -> list[str]:
        block = self.function.body.block
        ops = list(block.ops)
        computes = any(o.dialect_name() == "qtrain" and not isinstance(o, qtrain.GetParamOp) for o in ops)
        if computes and not any(isinstance(o, mem.StoreOp) for o in ops):
            raise CodegenError(
                f"c target: @{self.function.sym_name.data} is not lowered to mem buffers (run qtrain-memory first)"
            )
        if problems := plan_problems(self.function):  # mem-check-overlaps's checks, for hand-written plans
            raise CodegenError(f"c target: {problems[0]}")
        self.emit("TT_ARENA_ENTER();")
        for op in ops:
            emitted = len(self.lines)
            self.print_op(op)
            if len(self.lines) > emitted:
                self.emit(f"TT_ARENA_STEP({self.debug_prefix}, {len(self.code_ops)});")
                self.code_ops.append(op)
        return self.lines

    def print_op(self, op: Operation) -> None:  # noqa: C901 (one case per op class)
        match op:
            case mem.ViewOp() | mem.LoadOp() | qtrain.GetParamOp():
                pass  # views are offsets, loads are read in place, parameters are arrays
            case mem.StoreOp():
                self.print_store(op)
            case mem.AllocOp():
                raise CodegenError(
                    f"c target: {self.where(op)}: unplanned buffer (run mem-plan or qtrain-memory first)"
                )
            case func.ReturnOp():
                self.print_return(op)
            case qtrain.Conv2dOp():
                x_shape, w_shape = shape_of(op.input), shape_of(op.weight)
                multipliers = self.constant_array(op, "requantization multipliers", op.requant_multipliers())
                split = self.split_param(op.weight) is not None
                weight = (self.split_weight(op, self.weight_parts(op.weight, op, op.groups_value, 0)) if split
                          else self.operand(op.weight, op))  # fmt: skip
                conv = self.conv_params(op, qtrain.quant_params(op.input.type).zero_point_value,
                                        qtrain.quant_params(op.output.type).zero_point_value,
                                        op.stride_hw, op.pad_tlbr, op.groups_value)  # fmt: skip
                self.call(self.describe(op), "tt_conv2d_split_s8" if split else "tt_conv2d_s8", [
                    conv, self.quant(op, multipliers), self.dims(op, "input dims", x_shape),
                    self.operand(op.input, op), self.dims(op, "filter dims", w_shape), weight,
                    self.operand(op.bias, op), self.result(op.output, op),
                    self.result(op.mask, op, optional=True) if op.mask is not None else "NULL",
                ])  # fmt: skip
            case qtrain.Conv2dDwOp():
                if op.scratch is None:
                    raise CodegenError(
                        f"c target: {self.where(op)} has no scratch buffer (lower it with convert-qtrain-to-mem)"
                    )
                first, depthwise = op.parts()
                x_shape, w_shape, dw_shape = shape_of(op.input), shape_of(op.weight), shape_of(op.dw_weight)
                multipliers = self.constant_array(op, "requantization multipliers (first conv)",
                                                  first.requant_multipliers())  # fmt: skip
                dw_multipliers = self.constant_array(op, "requantization multipliers (depthwise conv)",
                                                     depthwise.requant_multipliers())  # fmt: skip
                # In @main trained layers are fused too (no clamp masks there): a split
                # weight takes the split kernel, each weight passed as its parts.
                split = self.split_param(op.weight) is not None or self.split_param(op.dw_weight) is not None
                if split:
                    weight = self.split_weight(op, self.weight_parts(op.weight, op, 1, x_shape[1]))
                    dw_weight = self.split_weight(op, self.weight_parts(op.dw_weight, op, dw_shape[0], dw_shape[0]),
                                                  "depthwise split weight")  # fmt: skip
                else:
                    weight, dw_weight = self.operand(op.weight, op), self.operand(op.dw_weight, op)
                mid_zero = op.mid.zero_point_value
                conv = self.conv_params(op, qtrain.quant_params(op.input.type).zero_point_value, mid_zero,
                                        first.stride_hw, first.pad_tlbr, 1, "first conv parameters")  # fmt: skip
                dw_conv = self.conv_params(op, mid_zero, qtrain.quant_params(op.output.type).zero_point_value,
                                           depthwise.stride_hw, depthwise.pad_tlbr, dw_shape[0],
                                           "depthwise conv parameters")  # fmt: skip
                self.call(self.describe(op), "tt_conv2d_dw_split_s8" if split else "tt_conv2d_dw_s8", [
                    conv, self.quant(op, multipliers, "first conv requantization"),
                    dw_conv, self.quant(op, dw_multipliers, "depthwise requantization"),
                    self.dims(op, "input dims", x_shape), self.operand(op.input, op),
                    self.dims(op, "filter dims", w_shape), weight, self.operand(op.bias, op),
                    self.dims(op, "depthwise filter dims", dw_shape), dw_weight, self.operand(op.dw_bias, op),
                    self.result(op.output, op), f"TT_S8({self.buffer_of(op.scratch, op).offset})",
                ])  # fmt: skip
            case qtrain.AddOp():
                a_q, b_q, y_q = (qtrain.quant_params(v.type) for v in (op.lhs, op.rhs, op.output))
                m_a, m_b = qtrain.add_multipliers(a_q, b_q, y_q)
                self.call(self.describe(op), "tt_add_s8", [
                    self.operand(op.lhs, op), a_q.zero_point_value, c_float(m_a),
                    self.operand(op.rhs, op), b_q.zero_point_value, c_float(m_b),
                    y_q.zero_point_value, self.result(op.output, op),
                    self.result(op.mask, op, optional=True) if op.mask is not None else "NULL", count_of(op.output),
                ])  # fmt: skip
            case qtrain.GlobalAvgPoolOp():
                self.call(self.describe(op), "tt_global_avgpool_s8",
                          [self.operand(op.input, op), self.result(op.output, op), *shape_of(op.input)])  # fmt: skip
            case qtrain.DequantizeOp():
                q = qtrain.quant_params(op.input.type)
                self.call(self.describe(op), "tt_dequantize_s8", [
                    self.operand(op.input, op), q.zero_point_value, c_float_commented(q.scale_value),
                    self.result(op.output, op), count_of(op.input),
                ])  # fmt: skip
            case qtrain.FlattenOp() | qtrain.ReshapeOp():
                self.print_alias(op)
            case qtrain.LinearOp():
                n, k = shape_of(op.input)
                self.call(self.describe(op), "tt_linear_f32", [
                    self.operand(op.input, op), self.operand(op.weight, op), self.operand(op.bias, op),
                    self.result(op.output, op), n, k, shape_of(op.weight)[0],
                ])  # fmt: skip
            case qtrain.SliceChannelsOp():
                n, c, h, w = shape_of(op.input)
                self.call(self.describe(op), "tt_slice_channels_s8", [
                    self.operand(op.input, op), self.result(op.output, op), n, c, shape_of(op.output)[1], h, w,
                ])  # fmt: skip
            case qtrain.SoftmaxCrossEntropyOp():
                self.call(self.describe(op), "tt_softmax_cross_entropy_f32", [
                    self.operand(op.logits, op), self.operand(op.label, op), self.result(op.loss, op),
                    *shape_of(op.logits),
                ])  # fmt: skip
            case qtrain.SoftmaxCrossEntropyGradOp():
                self.call(self.describe(op), "tt_softmax_cross_entropy_grad_f32", [
                    self.operand(op.logits, op), self.operand(op.label, op), self.result(op.grad, op),
                    *shape_of(op.logits),
                ])  # fmt: skip
            case qtrain.LinearGradInputOp():
                n, m = shape_of(op.grad_output)
                self.call(self.describe(op), "tt_linear_grad_input_f32", [
                    self.operand(op.grad_output, op), self.operand(op.weight, op), self.result(op.grad_input, op),
                    n, m, shape_of(op.weight)[1],
                ])  # fmt: skip
            case qtrain.LinearGradWeightOp():
                n, m = shape_of(op.grad_output)
                self.call(self.describe(op), "tt_linear_grad_weight_f32", [
                    self.operand(op.grad_output, op), self.operand(op.input, op), self.result(op.grad_weight, op),
                    n, m, shape_of(op.input)[1],
                ])  # fmt: skip
            case qtrain.SumBatchOp():
                shape = shape_of(op.input)
                self.call(self.describe(op), "tt_sum_batch_f32", [
                    self.operand(op.input, op), self.result(op.output, op), shape[0], math.prod(shape[1:]),
                ])  # fmt: skip
            case qtrain.DequantizeGradOp():
                self.call(self.describe(op), "tt_dequantize_grad_f32", [
                    self.operand(op.grad_output, op), c_float_commented(op.scale.value.data),
                    self.result(op.grad_input, op), count_of(op.grad_output),
                ])  # fmt: skip
            case qtrain.GlobalAvgPoolGradOp():
                self.call(self.describe(op), "tt_global_avgpool_grad_f32", [
                    self.operand(op.grad_output, op), self.result(op.grad_input, op), *shape_of(op.grad_input),
                ])  # fmt: skip
            case qtrain.ClampGradOp():
                self.call(self.describe(op), "tt_clamp_grad_f32", [
                    self.operand(op.grad_output, op), self.operand(op.mask, op), self.result(op.grad_input, op),
                    count_of(op.grad_output),
                ])  # fmt: skip
            case qtrain.AddGradOp():
                self.call(self.describe(op), "tt_add_grad_f32", [
                    self.operand(op.grad_output, op), c_float(op.lhs_factor.value.data),
                    c_float(op.rhs_factor.value.data), self.result(op.grad_lhs, op), self.result(op.grad_rhs, op),
                    count_of(op.grad_output),
                ])  # fmt: skip
            case qtrain.RequantGradOp():
                n, c, h, w = shape_of(op.grad_output)
                multipliers = np.array(list(op.multipliers.iter_values()), dtype=np.float32)
                self.call(self.describe(op), "tt_requant_grad_f32", [
                    self.operand(op.grad_output, op), self.constant_array(op, "multipliers", multipliers),
                    self.result(op.grad_input, op), n, c, h * w,
                ])  # fmt: skip
            case qtrain.Conv2dGradInputOp():
                w_shape = shape_of(op.weight)
                split = self.split_param(op.weight) is not None
                weight = (self.split_weight(op, self.weight_parts(op.weight, op, op.groups_value, 0)) if split
                          else self.operand(op.weight, op))  # fmt: skip
                # The gradient kernels read no zero point here.
                conv = self.conv_params(op, 0, 0, op.stride_hw, op.pad_tlbr, op.groups_value)
                self.call(self.describe(op), "tt_conv2d_grad_input_split_f32" if split else "tt_conv2d_grad_input_f32", [
                    conv, self.dims(op, "input gradient dims", shape_of(op.grad_input)),
                    self.dims(op, "filter dims", w_shape), self.operand(op.grad_output, op), weight,
                    self.result(op.grad_input, op),
                ])  # fmt: skip
            case qtrain.Conv2dGradWeightOp():
                dw_shape = shape_of(op.grad_weight)
                # A depthwise dy has `groups` channels; a regular one grad_weight's rows.
                out_channels = dw_shape[0] if op.groups_value == 1 else op.groups_value
                if shape_of(op.grad_output)[1] != out_channels:
                    raise CodegenError(f"c target: {self.where(op)}: dy has {shape_of(op.grad_output)[1]} channels, "
                                       f"the kernel reads {out_channels}")  # fmt: skip
                conv = self.conv_params(op, qtrain.quant_params(op.input.type).zero_point_value, 0,
                                        op.stride_hw, op.pad_tlbr, op.groups_value)  # fmt: skip
                self.call(self.describe(op), "tt_conv2d_grad_weight_f32", [
                    conv, self.dims(op, "input dims", shape_of(op.input)), self.operand(op.input, op),
                    self.dims(op, "weight gradient dims", dw_shape), self.operand(op.grad_output, op),
                    self.result(op.grad_weight, op),
                ])  # fmt: skip
            case qtrain.Conv2dGradBiasOp():
                n, c, h, w = shape_of(op.grad_output)
                self.call(self.describe(op), "tt_conv2d_grad_bias_f32", [
                    self.operand(op.grad_output, op), self.result(op.grad_bias, op), n, c, h * w,
                ])  # fmt: skip
            case qtrain.AccumulateOp():
                self.call(self.describe(op), "tt_accumulate_f32", [
                    self.operand(op.lhs, op), self.operand(op.rhs, op), self.result(op.output, op),
                    count_of(op.output),
                ])  # fmt: skip
            case qtrain.ScaleChannelsOp():
                shape = shape_of(op.input)
                factors = np.array(list(op.factors.iter_values()), dtype=np.float32)
                self.call(self.describe(op), "tt_scale_channels_f32", [
                    self.operand(op.input, op), self.constant_array(op, "factors", factors),
                    self.result(op.output, op), shape[0], math.prod(shape[1:]),
                ])  # fmt: skip
            case qtrain.SgdUpdateOp():
                self.print_sgd(op)
            case qtrain.Conv2dWeightUpdateOp():
                param = self.model.param(op.param.string_value())
                p_shape = param.shape
                if param.kind != "s8":
                    raise CodegenError(f"c target: {self.where(op)}: @{param.name} is not an int8 weight")
                trained = op.grad_weight_shape(p_shape)
                # The kernel updates the leading channels of the writable array: the whole
                # tensor, or the trained part of a split weight ([O, k] or [k, 1]).
                storage = param.storage_shape
                factors = "NULL"
                if op.factors is not None:
                    values = np.array(list(op.factors.iter_values()), dtype=np.float32)
                    factors = self.constant_array(op, "QAS factors", values)
                where = ", split: trained part" if param.is_split else ""
                self.emit(f"/* qtrain.conv2d_weight_update @{c_comment(param.name)} ({shape_text(trained)} of "
                          f"{shape_text(p_shape)}{where}): weight gradient, QAS and SGD in one pass */")  # fmt: skip
                # The kernel derives the trained channels and dy's channels from the shapes.
                depthwise = op.groups_value != 1
                channels = trained[0] if depthwise else trained[1]
                out_channels = op.groups_value if depthwise else trained[0]
                if channels != op.channels_value or shape_of(op.grad_output)[1] != out_channels:
                    raise CodegenError(f"c target: {self.where(op)}: gradient {shape_text(trained)} does not match "
                                       f"channels = {op.channels_value} and dy {shape_text(shape_of(op.grad_output))}")  # fmt: skip
                conv = self.conv_params(op, qtrain.quant_params(op.input.type).zero_point_value, 0,
                                        op.stride_hw, op.pad_tlbr, op.groups_value)  # fmt: skip
                self.call_assign("tt_saturated += ", "tt_conv2d_weight_update_s8", [
                    conv, self.dims(op, "input dims", shape_of(op.input)), self.operand(op.input, op),
                    self.dims(op, "weight gradient dims", trained), self.operand(op.grad_output, op), factors,
                    c_float_commented(op.lr.value.data), self.dims(op, "updated weight dims", storage), param.c_name,
                ])  # fmt: skip
            case qtrain.ParamGradOp():
                raise CodegenError(
                    f"c target: {self.where(op)} @{op.param.string_value()} is not supported: the C program "
                    "applies updates, it does not return gradients (run qtrain-sgd, or qtrain-training)"
                )
            case _:
                raise CodegenError(f"c target: no C code for op '{op.name}' (in @{self.function.sym_name.data})")

    def print_store(self, op: mem.StoreOp) -> None:
        value = op.value
        target = self.stored(op)
        if isinstance(value, BlockArgument) and value.owner is self.function.body.block:
            name = self.arg_names[value.index]
            source = f"&{name}" if self.model.by_value(value) else name
            self.emit(f"memcpy(TT_U8({target.offset}), {source}, {target.size}); /* argument {name}: {type_text(value)} */")
            return
        owner = value.owner
        if isinstance(owner, mem.LoadOp):  # a copy from buffer to buffer
            source = self.loaded(owner, op)
        elif isinstance(value, BlockArgument):
            raise CodegenError(f"c target: {self.where(op)}: stores an argument of another block")
        else:
            stores = self.stores_of(value)
            if stores[0] is op:
                return  # the producer writes this buffer directly
            source = self.stored(stores[0])  # a second copy of a result
        if source.offset != target.offset:
            self.emit(f"memmove(TT_U8({target.offset}), TT_U8({source.offset}), {target.size}); /* copy */")

    def print_alias(self, op: qtrain.FlattenOp | qtrain.ReshapeOp) -> None:
        source = self.input_buffer(op.input, op)
        if source is None:
            raise CodegenError(f"c target: {self.where(op)}: operand is not in a buffer")
        targets = self.result_buffers(op.output)
        if not targets:
            raise CodegenError(f"c target: {self.where(op)}: the result is not stored into any buffer")
        if targets[0].offset == source.offset:
            self.emit(f"/* {self.describe(op)}: same bytes, no code */")
        else:
            self.emit(f"/* {self.describe(op)} */")
            self.emit(f"memmove(TT_U8({targets[0].offset}), TT_U8({source.offset}), {targets[0].size});")

    def print_sgd(self, op: qtrain.SgdUpdateOp) -> None:
        param = self.model.param(op.param.string_value())
        grad = self.operand(op.grad, op)
        lr = c_float_commented(op.lr.value.data)
        # p_shape: the writable array's shape (the trained part of a split weight).
        g_shape, p_shape = shape_of(op.grad), param.storage_shape
        suffix = SGD_SUFFIX[param.kind]
        assign = "tt_saturated += " if param.kind != "f32" else ""
        comment = f"qtrain.sgd_update @{c_comment(param.name)} ({shape_text(g_shape)} of {shape_text(param.shape)}"
        comment += ", split: trained part)" if param.is_split else ")"
        if g_shape == p_shape:
            self.emit(f"/* {comment} */")
            self.emit(f"{assign}tt_sgd_update_{suffix}({param.c_name}, {grad}, {lr}, {math.prod(g_shape)});")
            return
        d = next(i for i, (g, p) in enumerate(zip(g_shape, p_shape)) if g != p)
        if any(g != p for g, p in zip(g_shape[d + 1 :], p_shape[d + 1 :])):
            raise CodegenError(
                f"c target: {self.where(op)} @{param.name}: gradient {shape_text(g_shape)} is a slice of "
                f"{shape_text(p_shape)} in more than one dimension (the kernels update one-dimension slices)"
            )
        rows = math.prod(g_shape[:d])
        self.emit(f"/* {comment}: leading slice */")
        if rows == 1:
            self.emit(f"{assign}tt_sgd_update_{suffix}({param.c_name}, {grad}, {lr}, {math.prod(g_shape)});")
        else:
            row_length, stride = math.prod(g_shape[d:]), math.prod(p_shape[d:])
            self.emit(
                f"{assign}tt_sgd_update_rows_{suffix}({param.c_name}, {grad}, {lr}, {rows}, {row_length}, {stride});"
            )

    def print_return(self, op: func.ReturnOp) -> None:
        for index, value in enumerate(op.operands):
            owner = value.owner
            if not isinstance(owner, mem.LoadOp):
                raise CodegenError(f"c target: {self.where(op)}: returned value {index} is not loaded from a buffer")
            buffer = self.loaded(owner, op)
            name = self.result_names[index]
            self.emit(f"memcpy({name}, TT_U8({buffer.offset}), {buffer.size}); /* result {name}: {type_text(value)} */")

    def signature(self) -> str:
        function_type = self.function.function_type
        params = []
        for name, arg_type, arg in zip(self.arg_names, function_type.inputs.data, self.function.body.block.args):
            kind = element_kind(tensor_of(arg).element_type)
            if self.model.by_value(arg):
                params.append(f"{C_TYPES[kind]} {name}")
            else:
                params.append(f"const {C_TYPES[kind]} *{name}")
        for name, result_type in zip(self.result_names, function_type.outputs.data):
            if not isinstance(result_type, TensorType):
                raise CodegenError(f"c target: @{self.function.sym_name.data} returns {result_type}, not a tensor")
            params.append(f"{C_TYPES[element_kind(result_type.element_type)]} *{name}")
        return f"void {self.c_name}({', '.join(params) or 'void'})"


class _ModelPrinter:
    def __init__(self, module: ModuleOp):
        self.module = module
        self.arena: mem.ArenaOp | None = None
        self.params: dict[str, CParam] = {}
        self.functions: list[func.FuncOp] = []
        self.constants: list[str] = []
        self.constant_names: dict[bytes, str] = {}
        used_names: set[str] = set()
        for op in module.ops:
            match op:
                case qtrain.ParamOp():
                    name = op.sym_name.data
                    c_name = _unique("tt_p_" + re.sub(r"\W", "_", name), used_names)
                    kind = element_kind(op.value_type.element_type)
                    if len(op.value_type.get_shape()) > 4:
                        raise CodegenError(f"c target: parameter @{name} has rank > 4")
                    self.params[name] = CParam(name, c_name, op, kind, op.trainable is not None)
                case mem.ArenaOp():
                    if self.arena is not None:
                        raise CodegenError("c target: the module has more than one mem.arena (one is supported)")
                    self.arena = op
                case func.FuncOp():
                    self.functions.append(op)
                case _:
                    raise CodegenError(f"c target: no C code for module-level op '{op.name}'")
        if self.arena is None:
            raise CodegenError("c target: the module has no mem.arena (run qtrain-memory first)")
        self.plan_storage()

    def plan_storage(self) -> None:
        """The storage `mem-place-params` recorded on each parameter (ParamOp.PLACEMENTS):
        whole, or split into its trained leading channels (SRAM) and the rest (flash)."""
        for param in self.params.values():
            placement = param.op.placement_value
            param.partial = placement in ("sram-partial", "split")
            if param.op.split is not None:
                param.split_axis, param.split = param.op.split

    @property
    def arena_name(self) -> str:
        assert self.arena is not None
        return self.arena.sym_name.data

    def param(self, name: str) -> CParam:
        if name not in self.params:
            raise CodegenError(f"c target: no qtrain.param @{name}")
        return self.params[name]

    @staticmethod
    def by_value(arg: SSAValue) -> bool:
        value_type = tensor_of(arg)
        return value_type.element_type == i32 and math.prod(value_type.get_shape()) == 1

    def constant_array(self, comment: str, values: np.ndarray) -> str:
        """A `static const float` array (flash); identical arrays are emitted once."""
        values = np.asarray(values, dtype=np.float32)
        key = values.tobytes()
        if key in self.constant_names:
            return self.constant_names[key]
        name = self.constant_names[key] = f"tt_k{len(self.constants)}"
        self.constants.append(
            f"/* {comment} */\nstatic const float {name}[{values.size}] = {{\n    {c_array_values(values)}\n}};"
        )
        return name

    def constant_struct(self, ctype: str, initializer: str, comment: str) -> str:
        """A `static const` struct of tt_types.h (flash), `&name`; identical ones are emitted once."""
        key = f"{ctype} {initializer}".encode()
        if key not in self.constant_names:
            prefix = {"tt_conv_params": "tt_conv", "tt_per_channel_quant": "tt_quant",
                      "tt_split_weight": "tt_split"}.get(ctype, ctype)  # fmt: skip
            name = self.constant_names[key] = f"{prefix}{len(self.constants)}"
            self.constants.append(f"/* {comment} */\nstatic const {ctype} {name} = {initializer};")
        return "&" + self.constant_names[key]

    def print(self) -> CModel:
        assert self.arena is not None
        function_names: dict[str, str] = {}
        bodies: list[tuple[_FunctionPrinter, list[str]]] = []
        for function in self.functions:
            name = function.sym_name.data
            c_name, arg_names, result_names = FUNCTION_API.get(name, ("tt_" + re.sub(r"\W", "_", name), (), ()))
            arg_count = len(function.function_type.inputs.data)
            result_count = len(function.function_type.outputs.data)
            if len(arg_names) != arg_count:
                arg_names = tuple(f"arg{i}" for i in range(arg_count))
            if len(result_names) != result_count:
                result_names = tuple(f"result{i}" for i in range(result_count))
            printer = _FunctionPrinter(self, function, c_name, arg_names, result_names)
            bodies.append((printer, printer.print()))
            function_names[name] = c_name
        params = list(self.params.values())
        header = self.header(bodies)
        source = self.source(bodies, params)
        return CModel(header, source, self.arena.size_bytes, self.arena.alignment_bytes, params, function_names)

    # ---------------------------------------------------------------- the header

    def header(self, bodies: list[tuple[_FunctionPrinter, list[str]]]) -> str:
        assert self.arena is not None
        lines = [
            "/* Generated by tiny-training (tt-opt -t c / tt-compile). Do not edit. */",
            "#ifndef TT_MODEL_H",
            "#define TT_MODEL_H",
            "",
            "#include <stdint.h>",
            "",
            "#ifdef __cplusplus",
            'extern "C" {',
            "#endif",
            "",
            f"#define TT_ARENA_BYTES {self.arena.size_bytes}",
            f"#define TT_PARAM_COUNT {len(self.params)}",
        ]
        for printer, _ in bodies:
            c_name = printer.c_name
            macro = c_name.upper()
            lines.append(f"#define {macro.replace('TT_', 'TT_HAS_', 1)} 1")
            function_type = printer.function.function_type
            for name, value_type in [*zip(printer.arg_names, function_type.inputs.data),
                                     *zip(printer.result_names, function_type.outputs.data)]:  # fmt: skip
                if not isinstance(value_type, TensorType):
                    raise CodegenError(f"c target: @{printer.function.sym_name.data}: {value_type} is not a tensor")
                lines.append(f"#define {macro}_{name.upper()}_COUNT {math.prod(value_type.get_shape())}")
        lines += [
            "",
            "/* Element types of the parameter table. */",
            "enum { TT_DTYPE_I8 = 0, TT_DTYPE_I32 = 1, TT_DTYPE_F32 = 2 };",
            "",
            "typedef struct {",
            "    const char *name;      /* the IR symbol, e.g. \"blocks.3.conv.weight\" */",
            "    const void *data;      /* current values, row-major; NULL for a split weight */",
            "    int32_t bytes;",
            "    int32_t dtype;         /* TT_DTYPE_* */",
            "    int32_t trainable;     /* 1: SRAM (a split weight: its trained channels), updated by",
            "                              tt_train_step; 0: const (flash) */",
            "    int32_t rank;",
            "    int32_t shape[4];",
            "} tt_param_info;",
            "",
            "/* Zeroes the arena and resets every trainable parameter to its compiled value.",
            " * Called automatically before the first tt_infer / tt_train_step. */",
            "void tt_init(void);",
        ]
        docs = {
            "tt_infer": "/* Inference: image -> logits (@main). */",
            "tt_train_step": "/* One training step on one sample (@train_step): updates the trainable parameters\n"
            " * in place and writes the loss before the update. */",
        }
        for printer, _ in bodies:
            lines.append(docs.get(printer.c_name, f"/* @{printer.function.sym_name.data} */"))
            lines.append(printer.signature() + ";")
        lines += [
            "",
            "/* The parameters: count, description (NULL when out of range), copy out / in.",
            " * tt_get_param and tt_set_param return the bytes copied, or -1 (bad index, `bytes`",
            " * not the parameter's size, or, for tt_set_param, a frozen parameter).",
            " * A split weight (only its leading channels train: those are in SRAM, the rest is",
            " * const in flash) is still one logical tensor here: tt_get_param gathers both parts,",
            " * tt_set_param writes the trained channels and returns -1, writing nothing, when",
            " * `src` differs from the frozen channels' values. */",
            "int32_t tt_param_count(void);",
            "const tt_param_info *tt_param(int32_t index);",
            "int32_t tt_get_param(int32_t index, void *dst, int32_t bytes);",
            "int32_t tt_set_param(int32_t index, const void *src, int32_t bytes);",
            "",
            "/* int8/int32 parameter values that saturated in SGD updates since tt_init. */",
            "int32_t tt_saturation_count(void);",
            "",
            "#ifdef __cplusplus",
            "}",
            "#endif",
            "",
            "#endif /* TT_MODEL_H */",
        ]
        return "\n".join(lines) + "\n"

    # ---------------------------------------------------------------- the source

    def source(self, bodies: list[tuple[_FunctionPrinter, list[str]]], params: list[CParam]) -> str:
        assert self.arena is not None
        out = [
            "/* Generated by tiny-training (tt-opt -t c / tt-compile). Do not edit.",
            " * Build with -ffp-contract=off (no fused multiply-add) to agree with the reference",
            " * interpreter bit for bit on the integer paths. */",
            f'#include "{HEADER_NAME}"',
            "",
            "#include <stdint.h>",
            "#include <string.h>",
            "",
            '#include "tt_kernels.h"',
            '#include "tt_quant.h"',
            "",
            "/* The static arena: every activation, gradient and mask lives at a planned offset. */",
            "#ifndef TT_DEBUG_ARENA",
            f"static uint8_t tt_arena[{self.arena.size_bytes}] __attribute__((aligned({self.arena.alignment_bytes})));",
            "#define TT_ARENA_ENTER() ((void)0)",
            "#define TT_ARENA_STEP(tables, k) ((void)0)",
            "#else",
            "/* The debug build (-DTT_DEBUG_ARENA=1): the arena between two guard zones, and a",
            " * check after every op (tt_debug_arena.h; its tables come before the functions). */",
            '#include "tt_debug_arena.h"',
            f"static uint8_t tt_arena_storage[TT_ARENA_GUARD + {self.arena.size_bytes} + TT_ARENA_GUARD]",
            f"    __attribute__((aligned({self.arena.alignment_bytes})));",
            "#define tt_arena (tt_arena_storage + TT_ARENA_GUARD)",
            f"static uint8_t tt_arena_snapshot[{self.arena.size_bytes}];",
            f"#define TT_ARENA_ENTER() tt_arena_debug_enter(tt_arena, tt_arena_snapshot, {self.arena.size_bytes})",
            "#define TT_ARENA_STEP(tables, k) \\",
            f"    tt_arena_debug_step(tt_arena, tt_arena_snapshot, {self.arena.size_bytes}, tables##_function, (k), \\",
            "                        &tables##_steps[(k)], (k) > 0 ? &tables##_steps[(k) - 1] : NULL, tables##_spans)",
            "#endif",
            "",
            "#define TT_S8(offset) ((int8_t *)(tt_arena + (offset)))",
            "#define TT_I32(offset) ((int32_t *)(tt_arena + (offset)))",
            "#define TT_F32(offset) ((float *)(tt_arena + (offset)))",
            "#define TT_U8(offset) (tt_arena + (offset))",
            "",
            "static int tt_ready;",
            "static int32_t tt_saturated;",
            "",
            "/* ------------------------------------------------------------------ parameters */",
            "",
        ]
        for p in params:
            out.append(self.param_definition(p))
            out.append("")
        if self.constants:
            out += ["/* ------------------------------------------------------------------ constants */", ""]
            for constant in self.constants:
                out += [constant, ""]
        out += ["/* ------------------------------------------------------------------ parameter table */", ""]
        out += self.param_table(params)
        out += ["", *self.debug_tables(bodies)]
        out += [
            "/* ------------------------------------------------------------------ functions */",
            "",
            "void tt_init(void)",
            "{",
            f"    memset(tt_arena, 0, {self.arena.size_bytes});",
        ]
        for p in params:
            if p.trainable:
                out.append(f"    memcpy({p.c_name}, {p.c_name}_init, sizeof {p.c_name});")
        out += ["    tt_saturated = 0;", "    tt_ready = 1;", "}", ""]
        for printer, lines in bodies:
            out.append(f"/* @{printer.function.sym_name.data} */")
            out.append(printer.signature())
            out.append("{")
            out.append("    if (!tt_ready) {")
            out.append("        tt_init();")
            out.append("    }")
            out += lines
            out.append("}")
            out.append("")
        return "\n".join(out)

    def debug_tables(self, bodies: list[tuple[_FunctionPrinter, list[str]]]) -> list[str]:
        """The arena checker's tables of every function (arena_check.py), debug builds only."""
        assert self.arena is not None
        if self.arena.alignment_bytes > TT_ARENA_GUARD:
            raise CodegenError(f"c target: arena alignment {self.arena.alignment_bytes} exceeds the debug guard")
        out = ["/* ------------------------------------------------------------------ arena checker */", ""]
        out.append("#ifdef TT_DEBUG_ARENA")
        for printer, _ in bodies:
            steps = arena_steps(printer.function, self.arena.size_bytes, printer.code_ops)
            spans: list[int] = []
            entries = []
            for step in steps:
                change_first = len(spans) // 2
                spans += [v for span in step.may_change for v in span]
                live_first = len(spans) // 2
                spans += [v for span in step.live_after for v in span]
                entries.append(
                    f"    {{{c_string(step.what)}, {change_first}, {len(step.may_change)}, {live_first}, "
                    f"{len(step.live_after)}}},"
                )
            prefix = printer.debug_prefix
            out.append(f"static const char {prefix}_function[] = {c_string('@' + printer.function.sym_name.data)};")
            out.append(f"static const int32_t {prefix}_spans[{max(len(spans), 2)}] = {{")
            out.append("    " + _wrap([str(v) for v in (spans or [0, 0])], 16).strip())
            out.append("};")
            out.append(f"static const tt_arena_step {prefix}_steps[{max(len(entries), 1)}] = {{")
            out += entries or ['    {"", 0, 0, 0, 0},']
            out.append("};")
        out += ["#endif", ""]
        return out

    @staticmethod
    def param_definition(p: CParam) -> str:
        c_type = C_TYPES[p.kind]
        size = p.values.size
        values = c_array_values(p.values)
        shape = shape_text(p.shape)
        if not p.trainable:
            return (
                f"/* @{c_comment(p.name)}: {shape} {PARAM_KINDS[p.kind]}, frozen (flash) */\n"
                f"static const {c_type} {p.c_name}[{size}] __attribute__((aligned(4))) = {{\n    {values}\n}};"
            )
        if p.is_split:
            trained, frozen = p.parts()
            what = "input channels" if p.split_axis == 1 else "channels"
            dims = "".join(f"[{d}]" for d in trained.shape)
            frozen_dims = "".join(f"[{d}]" for d in frozen.shape)
            return (
                f"/* @{c_comment(p.name)}: {shape} {PARAM_KINDS[p.kind]}, split: the leading {p.split} of "
                f"{p.shape[p.split_axis]} {what} train.\n"
                f" * Trained part {dims} (SRAM; initial values in flash), frozen part {frozen_dims} (flash). */\n"
                f"static {c_type} {p.c_name}[{trained.size}] __attribute__((aligned(4)));\n"
                f"static const {c_type} {p.c_name}_init[{trained.size}] __attribute__((aligned(4))) = {{\n"
                f"    {c_array_values(trained)}\n}};\n"
                f"static const {c_type} {p.frozen_name}[{frozen.size}] __attribute__((aligned(4))) = {{\n"
                f"    {c_array_values(frozen)}\n}};"
            )
        note = ""
        if p.partial:
            note = "\n * Only a leading slice trains; this one cannot be split, the whole tensor is in SRAM."
        return (
            f"/* @{c_comment(p.name)}: {shape} {PARAM_KINDS[p.kind]}, trainable (SRAM; initial values in flash){note} */\n"
            f"static {c_type} {p.c_name}[{size}] __attribute__((aligned(4)));\n"
            f"static const {c_type} {p.c_name}_init[{size}] __attribute__((aligned(4))) = {{\n    {values}\n}};"
        )

    @staticmethod
    def param_table(params: list[CParam]) -> list[str]:
        if not params:
            return [
                "int32_t tt_param_count(void) { return 0; }",
                "const tt_param_info *tt_param(int32_t index) { (void)index; return NULL; }",
                "int32_t tt_get_param(int32_t index, void *dst, int32_t bytes) { (void)index; (void)dst; (void)bytes; return -1; }",
                "int32_t tt_set_param(int32_t index, const void *src, int32_t bytes) { (void)index; (void)src; (void)bytes; return -1; }",
                "int32_t tt_saturation_count(void) { return tt_saturated; }",
            ]
        lines = ["static const tt_param_info tt_params[] = {"]
        writable = []
        splits = []
        for index, p in enumerate(params):
            dims = list(p.shape) + [1] * (4 - len(p.shape))
            dtype = {"s8": "TT_DTYPE_I8", "i32": "TT_DTYPE_I32", "f32": "TT_DTYPE_F32"}[p.kind]
            data = "NULL" if p.is_split else p.c_name
            lines.append(
                f"    {{{c_string(p.name)}, {data}, {p.nbytes}, {dtype}, {int(p.trainable)}, {len(p.shape)}, "
                f"{{{', '.join(map(str, dims))}}}}},"
            )
            writable.append(p.c_name if p.trainable else "NULL")
            if p.is_split:
                assert p.split_axis is not None
                trained, frozen = p.parts()
                rows = math.prod(p.shape[: p.split_axis])
                splits.append(
                    f"    {{{index}, (uint8_t *){p.c_name}, (const uint8_t *){p.frozen_name}, {rows}, "
                    f"{trained.nbytes // rows}, {frozen.nbytes // rows}}}, /* @{c_comment(p.name)} */"
                )
        split_table, get_split, set_split = _split_access(splits)
        lines += [
            "};",
            "",
            "/* Where tt_set_param may write: the trainable parameters only. */",
            f"static void *const tt_param_writable[] = {{\n    {_wrap(writable, 4)}\n}};",
            "",
            *split_table,
            "int32_t tt_param_count(void)",
            "{",
            "    return (int32_t)(sizeof tt_params / sizeof tt_params[0]);",
            "}",
            "",
            "const tt_param_info *tt_param(int32_t index)",
            "{",
            "    return index >= 0 && index < tt_param_count() ? &tt_params[index] : NULL;",
            "}",
            "",
            "int32_t tt_get_param(int32_t index, void *dst, int32_t bytes)",
            "{",
            "    const tt_param_info *info = tt_param(index);",
            "    if (info == NULL || bytes != info->bytes) {",
            "        return -1;",
            "    }",
            "    if (!tt_ready) {",
            "        tt_init();",
            "    }",
            *get_split,
            "    memcpy(dst, info->data, (size_t)bytes);",
            "    return bytes;",
            "}",
            "",
            "int32_t tt_set_param(int32_t index, const void *src, int32_t bytes)",
            "{",
            "    const tt_param_info *info = tt_param(index);",
            "    if (info == NULL || bytes != info->bytes || tt_param_writable[index] == NULL) {",
            "        return -1;",
            "    }",
            "    if (!tt_ready) {",
            "        tt_init();",
            "    }",
            *set_split,
            "    memcpy(tt_param_writable[index], src, (size_t)bytes);",
            "    return bytes;",
            "}",
            "",
            "int32_t tt_saturation_count(void)",
            "{",
            "    return tt_saturated;",
            "}",
        ]
        return lines


def _split_access(entries: list[str]) -> tuple[list[str], list[str], list[str]]:
    """The table of split weights and the code of tt_get_param / tt_set_param that
    gathers / scatters their two parts (nothing when no weight is split)."""
    if not entries:
        return [], [], []
    table = [
        "/* Split weights: the logical tensor is `rows` rows, each `trained_row` bytes of the",
        " * trained part (SRAM) followed by `frozen_row` bytes of the frozen part (flash). */",
        "typedef struct {",
        "    int32_t index;",
        "    uint8_t *trained;",
        "    const uint8_t *frozen;",
        "    int32_t rows;",
        "    int32_t trained_row;",
        "    int32_t frozen_row;",
        "} tt_split_info;",
        "",
        "static const tt_split_info tt_splits[] = {",
        *entries,
        "};",
        "",
        "static const tt_split_info *tt_split_of(int32_t index)",
        "{",
        "    for (size_t i = 0; i < sizeof tt_splits / sizeof tt_splits[0]; ++i) {",
        "        if (tt_splits[i].index == index) {",
        "            return &tt_splits[i];",
        "        }",
        "    }",
        "    return NULL;",
        "}",
        "",
    ]
    get = [
        "    const tt_split_info *split = tt_split_of(index);",
        "    if (split != NULL) { /* gather: trained then frozen channels of each row */",
        "        uint8_t *out = (uint8_t *)dst;",
        "        for (int32_t r = 0; r < split->rows; ++r) {",
        "            memcpy(out, split->trained + r * split->trained_row, (size_t)split->trained_row);",
        "            out += split->trained_row;",
        "            memcpy(out, split->frozen + r * split->frozen_row, (size_t)split->frozen_row);",
        "            out += split->frozen_row;",
        "        }",
        "        return bytes;",
        "    }",
    ]
    put = [
        "    const tt_split_info *split = tt_split_of(index);",
        "    if (split != NULL) { /* the frozen channels must keep their values; scatter the trained ones */",
        "        const uint8_t *in = (const uint8_t *)src;",
        "        const int32_t row = split->trained_row + split->frozen_row;",
        "        for (int32_t r = 0; r < split->rows; ++r) {",
        "            if (memcmp(in + r * row + split->trained_row, split->frozen + r * split->frozen_row,",
        "                       (size_t)split->frozen_row) != 0) {",
        "                return -1;",
        "            }",
        "        }",
        "        for (int32_t r = 0; r < split->rows; ++r) {",
        "            memcpy(split->trained + r * split->trained_row, in + r * row, (size_t)split->trained_row);",
        "        }",
        "        return bytes;",
        "    }",
    ]
    return table, get, put


def _unique(name: str, used: set[str]) -> str:
    """`name`, or `name_2`, ...: distinct from every name in `used` and their `_init` and
    `_frozen` companions."""
    companions = ("", "_init", "_frozen")
    candidate, suffix = name, 1
    while any(f"{candidate}{c}" in used for c in companions):
        suffix += 1
        candidate = f"{name}_{suffix}"
    used.update(f"{candidate}{c}" for c in companions)
    return candidate


def generate_c(module: ModuleOp) -> CModel:
    """The C of a planned module; raises `CodegenError` for what C cannot express."""
    return _ModelPrinter(module).print()


@dataclass(frozen=True)
class CTarget(Target):
    """`tt-opt -t c`: model.h then model.c, each after a marker line."""

    name = "c"

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        output.write(generate_c(module).combined())
