"""Overlap legality of a planned function: may each kernel write its results where the plan
put them?

A compute op reads its tensor operands (`mem.load`s, or `mem.view` scratch operands)
and writes each result into the buffer of its first `mem.store`. That is only correct
when

* those first stores come right after the op (before any other compute op, and before
  any load of their buffers), since the kernel writes the result buffers when it runs;
* no result's bytes overlap another result's;
* a result overlaps an operand only where the kernel may run in place: at the same
  start address for an `InPlaceOperands` pair, or, for a `ChannelStreamed` op, with the
  output at least one output channel below the input (channel c is written after input
  channels up to c are read). `AliasesOperand` results are the operand's bytes and not
  checked for overlap.

`mem-check-overlaps` reports these problems as pass failures; the C target refuses a
plan with any of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.dialects import func
from xdsl.ir import Operation, SSAValue

from tiny_training.dialects import mem, qtrain
from tiny_training.dialects.traits import AliasesOperand, InPlaceOperands, channel_streamed


@dataclass(frozen=True)
class Span:
    """Arena bytes [offset, offset + size)."""

    offset: int
    size: int

    def overlaps(self, other: Span) -> bool:
        return self.offset < other.offset + other.size and other.offset < self.offset + self.size


def _view(buffer: SSAValue) -> Span | None:
    owner = buffer.owner
    if not isinstance(owner, mem.ViewOp):
        return None  # unplanned buffers are reported by whoever needs offsets
    return Span(owner.offset_bytes, owner.buffer_type.size_bytes)


def _tensor(buffer: SSAValue, offset: int, value: SSAValue) -> Span | None:
    view, size = _view(buffer), mem.tensor_storage_bytes(value.type)
    if view is None or size is None:
        return None
    return Span(view.offset + offset, size)


def input_span(value: SSAValue) -> Span | None:
    """The arena bytes an operand reads: a loaded tensor's, or a buffer operand's (scratch)."""
    owner = value.owner
    if isinstance(owner, mem.LoadOp):
        return _tensor(owner.buffer, owner.offset_bytes, owner.result)
    if isinstance(owner, mem.ViewOp):
        return _view(value)
    return None


def stores_of(value: SSAValue) -> list[mem.StoreOp]:
    """The `mem.store`s that write `value` into a buffer, in program order."""
    stores = [use.operation for use in value.uses if isinstance(use.operation, mem.StoreOp)]
    stores = [store for store in stores if store.value == value]
    block = stores[0].parent_block() if len(stores) > 1 else None
    return sorted(stores, key=block.get_operation_index) if block is not None else stores


def _written(value: SSAValue) -> Span | None:
    """Where the kernel writes a result: the bytes of its first store."""
    stores = stores_of(value)
    return _tensor(stores[0].buffer, stores[0].offset_bytes, value) if stores else None


def _channel_shifted(op: Operation, i: int, j: int, source: Span, out: Span) -> bool:
    streamed = channel_streamed(op)
    if streamed is None or op.operands[i] is not streamed[0] or op.results[j] is not streamed[1]:
        return False
    channels = streamed[0].type.get_shape()[1]  # pyright: ignore[reportAttributeAccessIssue]
    in_channel, out_channel = source.size // channels, out.size // channels
    return out_channel <= in_channel and out.offset + out_channel <= source.offset


def overlap_problem(op: Operation) -> str | None:
    """Why the op's results may not be written where they are stored, or None."""
    trait = op.get_trait(InPlaceOperands)
    in_place = trait.pairs if trait is not None else ()
    inputs = [(i, input_span(v)) for i, v in enumerate(op.operands)]
    outputs = [(j, span) for j, r in enumerate(op.results) if (span := _written(r)) is not None]
    for j, out in outputs:
        for i, source in inputs:
            if source is None or not out.overlaps(source):
                continue
            if out.offset == source.offset and (i, j) in in_place:
                continue
            if _channel_shifted(op, i, j, source, out):
                continue
            return (
                f"result {j} (arena bytes {out.offset}..{out.offset + out.size}) overlaps operand {i} "
                f"({source.offset}..{source.offset + source.size}) and the kernel cannot run in place there"
            )
        for k, other in outputs:
            if k > j and out.overlaps(other):
                return f"results {j} and {k} overlap in the arena"
    return None


def stores_follow_problem(op: Operation) -> str | None:
    """The first store of each result must come before any other compute op (and before
    any load of its buffer); why not, or None."""
    pending: set[Operation] = {store for r in op.results for store in stores_of(r)[:1]}
    cursor = op.next_op
    while pending and cursor is not None:
        if cursor in pending:
            pending.discard(cursor)
        elif isinstance(cursor, mem.LoadOp) and any(
            isinstance(s, mem.StoreOp) and s.buffer == cursor.buffer for s in pending
        ):
            break
        elif not isinstance(cursor, (mem.StoreOp, mem.LoadOp, mem.ViewOp, qtrain.GetParamOp)):
            break
        cursor = cursor.next_op
    if pending:
        return (
            "a result is stored after another compute op; the C target needs each result stored right "
            "after its op (as convert-qtrain-to-mem emits it)"
        )
    return None


def plan_problems(function: func.FuncOp) -> list[str]:
    """Every problem of the function's compute ops, `@function: op: why`, in program order."""
    problems = []
    for op in function.body.block.ops:
        if op.dialect_name() == "mem" or isinstance(op, (qtrain.GetParamOp, func.ReturnOp)):
            continue
        problem = stores_follow_problem(op)
        if problem is None and not op.has_trait(AliasesOperand):
            problem = overlap_problem(op)
        if problem is not None:
            problems.append(f"@{function.sym_name.data}: {op.name}: {problem}")
    return problems
