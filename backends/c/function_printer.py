"""One C function per `func.func` of a planned module: the arguments copied into the
arena, one kernel call per compute op on the arena offsets the plan chose, the results
copied out. Everything it prints is read from the IR: buffer offsets from `mem.view` /
`mem.load` / `mem.store`, constants from the op attributes, the split kernels from the
placement `mem-place-params` recorded."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import TensorType
from xdsl.ir import BlockArgument, Operation, SSAValue

from tiny_training.analysis.overlaps import plan_problems
from tiny_training.backends.c.params import CParam
from tiny_training.backends.c.syntax import (
    ARENA_MACROS,
    C_TYPES,
    SGD_SUFFIX,
    CodegenError,
    c_comment,
    c_float,
    c_float_commented,
    count_of,
    element_kind,
    shape_of,
    shape_text,
    tensor_of,
    type_text,
)
from tiny_training.dialects import mem, qtrain

if TYPE_CHECKING:
    from tiny_training.backends.c.model_printer import ModelPrinter


@dataclass
class Buffer:
    """Arena bytes [offset, offset + size)."""

    offset: int
    size: int


def _tensor_bytes(value: SSAValue) -> int:
    size = mem.tensor_storage_bytes(value.type)
    assert size is not None, f"{value.type} has no storage size (the verifier rejects this)"
    return size


@dataclass
class FunctionPrinter:
    """The C function of one `func.func`: `print()` gives its body's lines."""

    model: ModelPrinter
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

    def buffer_of(self, buffer: SSAValue, op: Operation) -> Buffer:
        owner = buffer.owner
        if isinstance(owner, mem.AllocOp):
            raise CodegenError(
                f"c target: {self.where(op)} uses an unplanned mem.alloc (run mem-plan or qtrain-memory first)"
            )
        if not isinstance(owner, mem.ViewOp):
            raise CodegenError(f"c target: {self.where(op)}: buffer is not a mem.view of the arena")
        if owner.arena.string_value() != self.model.arena_name:
            raise CodegenError(f"c target: {self.where(op)}: buffer of an unknown arena {owner.arena}")
        return Buffer(owner.offset_bytes, owner.buffer_type.size_bytes)

    def loaded(self, load: mem.LoadOp, op: Operation) -> Buffer:
        """The arena bytes of a loaded tensor: its buffer's, from the load's offset."""
        view = self.buffer_of(load.buffer, op)
        return Buffer(view.offset + load.offset_bytes, _tensor_bytes(load.result))

    def stored(self, store: mem.StoreOp) -> Buffer:
        """The arena bytes a `mem.store` writes: its buffer's, from the store's offset."""
        view = self.buffer_of(store.buffer, store)
        return Buffer(view.offset + store.offset_bytes, _tensor_bytes(store.value))

    def arena_pointer(self, buffer: Buffer, value: SSAValue) -> str:
        return f"{ARENA_MACROS[element_kind(tensor_of(value).element_type)]}({buffer.offset})"

    def input_buffer(self, value: SSAValue, op: Operation) -> Buffer | None:
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

    def result_buffers(self, value: SSAValue) -> list[Buffer]:
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

