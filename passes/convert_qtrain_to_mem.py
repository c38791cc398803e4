"""`convert-qtrain-to-mem{function=train_step alignment=4 shift-in-place=true}`: every tensor gets a buffer.

Input invariant: `@function` (default `train_step`) is a straight-line `qtrain`
function on tensors with no `mem` ops yet, e.g. after `qtrain-training` and
`qtrain-reorder-updates`.

Output: the same computation, with each tensor that the function computes or
receives stored in a `mem.alloc` buffer of SRAM:

* the buffers come first, in order of creation, each with its byte size (int8
  activations 1 byte per element, fp32 gradients and int32 values 4, clamp masks
  1 bit, bit-packed), its alignment, its lifetime `[first, last]` and its role
  (`input`, `activation`, `saved` for forward values the backward pass reads,
  `mask`, `gradient`);
* every function argument is stored into its buffer at the start, every compute
  op reads its tensor operands with `mem.load` right before it and stores each
  result with `mem.store` right after it; `func.return` returns loaded values.

Steps count the compute ops (everything but `qtrain.get_param`, the `mem` ops and
`func.return`) from 0; a buffer is live from the step that writes it to the last
step that reads it; returned values live to step N, one past the last compute op
(the return reads them after it). So what the backward
pass needs stays exactly as long as it is needed.

The op facts come from their traits (`dialects/traits.py`). In-place reuse: a result
shares its operand's buffer when the op is `Elementwise` (`qtrain.add`, `clamp_grad`,
`requant_grad`, `dequantize_grad`, `scale_channels`, `accumulate`, `add_grad`,
`sum_batch`), the pair is one of its `InPlaceOperands`, both have the same byte size,
and no later step reads the operand's buffer. Ops that `NeedsScratch`
(`qtrain.conv2d_dw`: one channel of its intermediate tensor) get a `scratch`
buffer for their own step, passed as their `scratch` operand; the results of
`AliasesOperand` ops (`flatten`/`reshape`) always share their operand's bytes (same
data, new shape); values that live past the `StartsBackward` op are `saved`. Parameters are not buffers: frozen
ones stay in flash, trainable ones (only their trained channels) live in SRAM
outside the arena, and `qtrain.sgd_update` writes them in place; see
`analysis.schedule.trainable_sram_bytes`.

Channel-shifted in place (`shift-in-place=true`, the default): a `ChannelStreamed` op
(a depthwise conv, or the input gradient of one) whose input dies at it and whose output channels are no
larger than its input channels writes its output one channel below the input in the
same buffer (which grows at the front by one output channel). The kernels finish
output channel c before reading input channel c + 1, so channel c only overwrites
input channels already read. Tensors then sit at byte offsets inside their buffer
(`mem.load %b[offset]`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import IntegerType, ModuleOp, TensorType
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.utils.exceptions import PassFailedException

from tiny_training.analysis.schedule import is_step
from tiny_training.analysis.symbols import find_function
from tiny_training.dialects import mem
from tiny_training.dialects.traits import (
    AliasesOperand,
    Elementwise,
    InPlaceOperands,
    NeedsScratch,
    StartsBackward,
    channel_streamed,
)


@dataclass
class BufferPlan:
    """One run-time buffer: the tensors stored in it (in-place reuse and aliases
    put several there), its size and its lifetime in steps."""

    size: int
    first: int
    last: int
    values: list[SSAValue] = field(default_factory=list)
    role: mem.BufferRole = mem.BufferRole.ACTIVATION


@dataclass
class BufferAssignment:
    buffers: list[BufferPlan]
    buffer_of: dict[SSAValue, int]
    steps: list[Operation]
    scratch_of: dict[Operation, int]  # op -> its scratch buffer (working memory of one kernel)
    offset_of: dict[SSAValue, int]  # value -> byte offset inside its buffer (0 unless shifted)


def _round_up(value: int, alignment: int) -> int:
    return -(-value // alignment) * alignment


def _storage_bytes(value: SSAValue, where: str) -> int:
    size = mem.tensor_storage_bytes(value.type)
    if size is None:
        raise PassFailedException(f"convert-qtrain-to-mem: {where}: {value.type} has no storage size")
    return size


def assign_buffers(function: func.FuncOp, *, shift_in_place: bool = True, alignment: int = 4) -> BufferAssignment:
    """Buffers, their sizes, lifetimes and roles for the tensors of `function`."""
    block = function.body.block
    steps = [op for op in block.ops if is_step(op)]
    step_of = {op: i for i, op in enumerate(steps)}
    # The return reads its values after the last compute op: one step past it, so that
    # an op at the last step cannot overwrite a returned value in place.
    end_step = len(steps)
    backward_from = next((i for i, op in enumerate(steps) if op.has_trait(StartsBackward)), len(steps))

    def last_use(value: SSAValue) -> int:
        last = -1
        for use in value.uses:
            user = use.operation
            last = max(last, end_step if isinstance(user, func.ReturnOp) else step_of.get(user, -1))
        return last

    buffers: list[BufferPlan] = []
    buffer_of: dict[SSAValue, int] = {}
    scratch_of: dict[Operation, int] = {}
    offset_of: dict[SSAValue, int] = {}

    def new_buffer(value: SSAValue, step: int, role: mem.BufferRole, where: str) -> None:
        buffers.append(BufferPlan(_storage_bytes(value, where), step, max(step, last_use(value)), [value], role))
        buffer_of[value] = len(buffers) - 1
        offset_of[value] = 0

    def join(value: SSAValue, index: int, offset: int) -> None:
        buffers[index].values.append(value)
        buffers[index].last = max(buffers[index].last, last_use(value))
        buffers[index].size = max(buffers[index].size, offset + _storage_bytes(value, "join"))
        buffer_of[value] = index
        offset_of[value] = offset

    def dies_here(value: SSAValue, step: int) -> bool:
        """Nothing in the value's buffer is read after `step`, and it is not an input."""
        index = buffer_of.get(value)
        return index is not None and buffers[index].last == step and buffers[index].role is not mem.BufferRole.INPUT

    def shift_into(source: SSAValue, target: SSAValue, step: int) -> bool:
        """Place `target` one channel below `source` in source's buffer (growing it at the
        front if needed): channel c of the output then overwrites only input channels
        below c, which the kernel has finished reading."""
        channels = source.type.get_shape()[1]  # pyright: ignore[reportAttributeAccessIssue]
        in_channel = _storage_bytes(source, "shift") // channels
        out_channel = _storage_bytes(target, "shift") // channels
        if out_channel > in_channel or not dies_here(source, step):
            return False
        index = buffer_of[source]
        shift = _round_up(out_channel, alignment)
        grow = max(0, shift - offset_of[source])
        if grow:
            for value in buffers[index].values:
                offset_of[value] += grow
            buffers[index].size += grow
        join(target, index, offset_of[source] - shift)
        return True

    for arg in block.args:
        new_buffer(arg, 0, mem.BufferRole.INPUT, f"argument {arg.index}")
    for step, op in enumerate(steps):
        reused: set[int] = set()
        streamed = channel_streamed(op) if shift_in_place else None
        in_place = op.get_trait(InPlaceOperands) if op.has_trait(Elementwise) else None
        for index, result in enumerate(op.results):
            where = f"result of {op.name}"
            if op.has_trait(AliasesOperand) and op.operands[0] in buffer_of:
                join(result, buffer_of[op.operands[0]], offset_of[op.operands[0]])
                continue
            if in_place is not None:
                candidate = next(
                    (
                        operand
                        for operand in in_place.operands_for(op, index)
                        if operand in buffer_of
                        and buffer_of[operand] not in reused
                        and dies_here(operand, step)
                        and _storage_bytes(operand, where) == _storage_bytes(result, where)
                    ),
                    None,
                )
                if candidate is not None:
                    reused.add(buffer_of[candidate])
                    join(result, buffer_of[candidate], offset_of[candidate])
                    continue
            if streamed is not None and result is streamed[1] and shift_into(streamed[0], result, step):
                continue
            if isinstance(result.type, TensorType) and result.type.element_type == IntegerType(1):
                role = mem.BufferRole.MASK
            elif step >= backward_from:
                role = mem.BufferRole.GRADIENT
            else:
                role = mem.BufferRole.ACTIVATION
            new_buffer(result, step, role, where)
        if op.has_trait(NeedsScratch):
            buffers.append(BufferPlan(op.scratch_bytes(), step, step, [], mem.BufferRole.SCRATCH))  # pyright: ignore[reportAttributeAccessIssue]
            scratch_of[op] = len(buffers) - 1
    for buffer in buffers:
        kept_for_backward = backward_from < end_step and buffer.last >= backward_from
        if buffer.role is mem.BufferRole.ACTIVATION and kept_for_backward:
            buffer.role = mem.BufferRole.SAVED
    return BufferAssignment(buffers, buffer_of, steps, scratch_of, offset_of)


@dataclass(frozen=True)
class ConvertQtrainToMemPass(ModulePass):
    name = "convert-qtrain-to-mem"

    function: str = "train_step"
    alignment: int = 4
    shift_in_place: bool = True

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if not mem.is_power_of_two(self.alignment):
            raise PassFailedException(f"{self.name}: alignment must be a power of two, got {self.alignment}")
        function = find_function(op, self.function, self.name)
        block = function.body.block
        if any(o.dialect_name() == "mem" for o in block.ops):
            raise PassFailedException(f"{self.name}: @{self.function} already uses mem buffers")
        assignment = assign_buffers(function, shift_in_place=self.shift_in_place, alignment=self.alignment)

        allocs = [
            mem.AllocOp(mem.BufferType(b.size, self.alignment, mem.MemorySpace.SRAM), (b.first, b.last), b.role)
            for b in assignment.buffers
        ]
        Rewriter.insert_op(allocs, InsertPoint.at_start(block))
        point = InsertPoint.after(allocs[-1]) if allocs else InsertPoint.at_start(block)
        for arg in block.args:
            Rewriter.insert_op(mem.StoreOp(arg, allocs[assignment.buffer_of[arg]], assignment.offset_of[arg]), point)

        def load_operands(user: Operation) -> None:
            for index, operand in enumerate(user.operands):
                if operand not in assignment.buffer_of:
                    continue
                load = mem.LoadOp(
                    allocs[assignment.buffer_of[operand]], operand.type, assignment.offset_of[operand]  # pyright: ignore[reportArgumentType]
                )
                Rewriter.insert_op(load, InsertPoint.before(user))
                user.operands = [*user.operands[:index], load.result, *user.operands[index + 1 :]]

        for step_op in assignment.steps:
            load_operands(step_op)
            if step_op in assignment.scratch_of:
                step_op.operands = [*step_op.operands, allocs[assignment.scratch_of[step_op]].result]
            anchor: Operation = step_op
            for result in step_op.results:
                store = mem.StoreOp(result, allocs[assignment.buffer_of[result]], assignment.offset_of[result])
                Rewriter.insert_op(store, InsertPoint.after(anchor))
                anchor = store
        terminator = block.last_op
        if isinstance(terminator, func.ReturnOp):
            load_operands(terminator)
