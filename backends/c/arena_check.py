"""The debug build's arena checker: which arena bytes each op of a planned function may
change, and which bytes still hold a value somebody reads later.

`generate_c` puts these tables into model.c under `#ifdef TT_DEBUG_ARENA`; with that
macro defined (`build_project(..., debug_arena=True)`, `-DTT_DEBUG_ARENA=1`) every
generated function runs `runtime/src/debug/tt_debug_arena.c` around each op:

* on entry the whole arena is *poisoned* (filled with TT_ARENA_POISON) and guard zones
  of TT_ARENA_GUARD bytes below and above it hold a canary pattern;
* after each op, every arena byte outside the op's *may-change* spans must equal its
  value before the op, and both guards must be intact; then every byte that no later
  op reads (a dead buffer, or a dead part of one) is poisoned again, so a kernel that
  reads stale or unwritten bytes computes with 0xFF bytes (NaN as float) and no longer agrees with the
  interpreter.

The tables come from the planned IR's values and buffers, not from the planner's
offsets or lifetimes, so a plan that puts two live values on the same bytes is found:

* an op *writes* the bytes of the first `mem.store` of each result (where the kernel
  writes it), of its `mem.view` operands (scratch buffers) and, for a copying
  `mem.store` or an argument's `memcpy`, the stored bytes;
* a `mem.load` of buffer %b reads what the last `mem.store`s into %b put there; the
  op that physically wrote those bytes (the producer of a stored result, the copy, or,
  for a flatten or reshape on the same bytes, the producer of its operand) is the
  bytes' writer p, the op using the load (a copy, `func.return`) their reader q;
* those bytes are *live* after ops p..q-1 and *protected* during ops p+1..q-1:
  may-change(k) = written(k) minus protected(k), and live-after(k) is what is not
  poisoned after op k. If the plan lets another op write them in between, the
  runtime check reports that op.

An op reads before it writes (an in-place or channel-shifted kernel may overwrite what
it read); scratch is write-only (a kernel must write its scratch before reading it, and
the poison checks that).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from xdsl.dialects import func
from xdsl.ir import BlockArgument, Operation, SSAValue

from tiny_training.dialects import mem, qtrain
from tiny_training.dialects.traits import AliasesOperand

Span = tuple[int, int]  # [start, end) in arena bytes


@dataclass
class ArenaStep:
    """One checkpoint: after op `index` of the function's block."""

    index: int
    what: str
    may_change: list[Span]
    live_after: list[Span]


def _view_span(buffer: SSAValue) -> Span | None:
    owner = buffer.owner
    if not isinstance(owner, mem.ViewOp):
        return None
    return owner.offset_bytes, owner.offset_bytes + owner.buffer_type.size_bytes


def _tensor_span(buffer: SSAValue, offset: int, value: SSAValue) -> Span | None:
    view = _view_span(buffer)
    size = mem.tensor_storage_bytes(value.type)
    if view is None or size is None:
        return None
    start = view[0] + offset
    return start, start + size


def _loaded_span(value: SSAValue) -> Span | None:
    owner = value.owner
    if isinstance(owner, mem.LoadOp):
        return _tensor_span(owner.buffer, owner.offset_bytes, owner.result)
    return None


def _stored_span(store: mem.StoreOp) -> Span | None:
    return _tensor_span(store.buffer, store.offset_bytes, store.value)


def _first_store(value: SSAValue) -> mem.StoreOp | None:
    stores = [use.operation for use in value.uses if isinstance(use.operation, mem.StoreOp)]
    stores = [s for s in stores if s.value == value]
    if not stores:
        return None
    block = stores[0].parent_block()
    return min(stores, key=block.get_operation_index) if block is not None else stores[0]


def written_spans(op: Operation, function: func.FuncOp) -> list[Span]:
    """The arena bytes the C code of `op` writes (see the module docstring)."""
    if isinstance(op, (mem.ViewOp, mem.LoadOp, mem.AllocOp, qtrain.GetParamOp, func.ReturnOp)):
        return []
    if isinstance(op, mem.StoreOp):
        target = _stored_span(op)
        value = op.value
        if target is None:
            return []
        if isinstance(value, BlockArgument) and value.owner is function.body.block:
            return [target]  # the argument's memcpy
        if isinstance(value.owner, mem.LoadOp):
            source = _loaded_span(value)
        else:
            first = _first_store(value)
            if first is op:
                return []  # the producer writes this buffer directly
            source = _stored_span(first) if first is not None else None
        return [target] if source is not None and source[0] != target[0] else []  # a memmove
    if op.has_trait(AliasesOperand):
        source = _loaded_span(op.input)
        first = _first_store(op.output)
        target = _stored_span(first) if first is not None else None
        return [target] if source is not None and target is not None and source[0] != target[0] else []
    scratch = [_view_span(v) for v in op.operands if isinstance(v.owner, mem.ViewOp)]
    results = [_stored_span(first) for first in map(_first_store, op.results) if first is not None]
    return [span for span in (*scratch, *results) if span is not None]


def _runs(mask: np.ndarray) -> list[Span]:
    """The [start, end) runs of True in a boolean array."""
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2])]


@dataclass
class _Piece:
    """Bytes of a buffer's current contents and the op that physically wrote them."""

    start: int
    end: int
    origin: int


def _store_pieces(store: mem.StoreOp, position: int, function: func.FuncOp, contents) -> list[_Piece]:
    """What a `mem.store` leaves in its buffer: the bytes and which op wrote them (the
    producer for a result's first store, the store itself for a copy or an argument, the
    source's writers for a copy to the same bytes, which is no code)."""
    span = _stored_span(store)
    if span is None:
        return []
    value = store.value
    if isinstance(value, BlockArgument):
        return [_Piece(*span, position)]
    first = _first_store(value)
    if isinstance(value.owner, mem.LoadOp) or first is not store:
        source = _loaded_span(value) if isinstance(value.owner, mem.LoadOp) else _stored_span(first)
        if source is not None and source[0] == span[0] and isinstance(value.owner, mem.LoadOp):
            return _value_pieces(value, span, contents)
        return [_Piece(*span, position)]
    return _value_pieces(value, span, contents)


def _value_pieces(value: SSAValue, span: Span, contents) -> list[_Piece]:
    """The writers of a value's bytes: a loaded value's are its buffer's, a same-bytes
    flatten/reshape's its operand's, a computed value's its producer."""
    owner = value.owner
    if isinstance(owner, mem.LoadOp):
        return _pieces_of(contents, owner.buffer, span)
    if isinstance(owner, Operation) and owner.has_trait(AliasesOperand):
        source = _loaded_span(owner.input)
        if source is not None and source[0] == span[0]:
            return _value_pieces(owner.input, span, contents)
    block = owner.parent_block() if isinstance(owner, Operation) else None
    assert block is not None
    return [_Piece(span[0], span[1], block.get_operation_index(owner))]


def _pieces_of(contents, buffer: SSAValue, span: Span) -> list[_Piece]:
    """The current pieces of `buffer` within `span`, clipped to it."""
    return [
        _Piece(max(p.start, span[0]), min(p.end, span[1]), p.origin)
        for p in contents.get(buffer, [])
        if p.start < span[1] and span[0] < p.end
    ]


def _put(contents, buffer: SSAValue, pieces: list[_Piece]) -> None:
    """Stores `pieces` into `buffer`, replacing what they overlap."""
    kept = contents.get(buffer, [])
    for new in pieces:
        clipped = []
        for p in kept:
            if p.end <= new.start or new.end <= p.start:
                clipped.append(p)
                continue
            if p.start < new.start:
                clipped.append(_Piece(p.start, new.start, p.origin))
            if new.end < p.end:
                clipped.append(_Piece(new.end, p.end, p.origin))
        kept = clipped
    contents[buffer] = kept + pieces


def _read_values(op: Operation) -> list[SSAValue]:
    """The loaded values whose bytes the C code of `op` reads."""
    if isinstance(op, mem.StoreOp):
        value = op.value
        if isinstance(value.owner, mem.LoadOp):
            return [value]
        return []
    if isinstance(op, (mem.ViewOp, mem.LoadOp, mem.AllocOp, qtrain.GetParamOp)):
        return []
    return [v for v in op.operands if isinstance(v.owner, mem.LoadOp)]


def arena_steps(function: func.FuncOp, arena_bytes: int, code_ops: Sequence[Operation]) -> list[ArenaStep]:
    """The checkpoints of `function`: one after each op of `code_ops` (those that emit code)."""
    ops = list(function.body.block.ops)
    index = {op: i for i, op in enumerate(ops)}
    contents: dict[SSAValue, list[_Piece]] = {}
    records: list[tuple[int, int, int, int]] = []  # (written at, read at, start, end)
    writes: dict[int, list[Span]] = {}
    for i, op in enumerate(ops):
        for value in _read_values(op):
            span = _loaded_span(value)
            if span is None:
                continue
            for piece in _value_pieces(value, span, contents):
                if piece.origin < i:
                    records.append((piece.origin, i, piece.start, piece.end))
        writes[i] = written_spans(op, function)
        if isinstance(op, mem.StoreOp):
            _put(contents, op.buffer, _store_pieces(op, i, function, contents))

    written = np.array([r[0] for r in records], dtype=np.int64)
    last_read = np.array([r[1] for r in records], dtype=np.int64)
    starts = np.array([r[2] for r in records], dtype=np.int64)
    ends = np.array([r[3] for r in records], dtype=np.int64)

    def covered(selected: np.ndarray) -> np.ndarray:
        counts = np.zeros(arena_bytes + 1, dtype=np.int64)
        np.add.at(counts, starts[selected], 1)
        np.add.at(counts, ends[selected], -1)
        return np.cumsum(counts[:-1]) > 0

    steps = []
    for op in code_ops:
        k = index[op]
        protected = covered((written < k) & (k < last_read))
        live = covered((written <= k) & (k < last_read))
        may_change = np.zeros(arena_bytes, dtype=bool)
        for start, end in writes[k]:
            may_change[start:end] = True
        may_change &= ~protected
        steps.append(ArenaStep(k, _describe(op), _runs(may_change), _runs(live)))
    return steps


def _describe(op: Operation) -> str:
    if isinstance(op, mem.StoreOp):
        return "mem.store (copy)" if not isinstance(op.value, BlockArgument) else "mem.store (argument)"
    name = op.name
    if op.results and op.results[0].name_hint:
        name = f"%{op.results[0].name_hint} = {name}"
    return name
