"""Facts about ops that passes and the backend query instead of keeping lists of op classes.

Each trait states one property of an op's semantics or of its kernel (tt_kernels.h);
what to do with it (reuse a buffer, shift a tensor, check a plan) is decided by the
passes that read it:

* `InPlaceOperands(pairs)`: result `j` may be written at the start address of operand
  `i`, for each `(i, j)`; the kernel reads each operand byte before it writes a result
  byte over it. `mem-check-overlaps` accepts exactly these overlaps (beside channel
  streaming).
* `Elementwise()`: result element k is computed from the operand elements at position
  k (and, for `qtrain.sum_batch`, from those at k in every batch entry), so
  `convert-qtrain-to-mem` gives a result its dying operand's buffer when an
  `InPlaceOperands` pair allows it and both have the same size.
* `ChannelStreamed(operand, result)`: with batch 1, output channel c depends only on
  input channel c and the kernel writes it before it reads input channel c + 1, so the
  output may sit channels below the input in the same bytes (`op.channel_streamed()`
  says whether the op's shapes allow it).
* `NeedsScratch()`: the kernel needs `op.scratch_bytes()` bytes of working memory for
  its own step, passed as its optional `scratch` operand after lowering.
* `ProducesClampMask()`: the optional result `mask` is the clamp mask of result 0;
  `op.without_mask()` is the same op without it.
* `AliasesOperand()`: the result is operand 0's bytes under another shape (no code).
* `StartsBackward()`: the first op of the backward pass (values that live past it are
  saved for the backward pass).
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.ir import Operation, SSAValue
from xdsl.traits import OpTrait


@dataclass(frozen=True)
class InPlaceOperands(OpTrait):
    """(operand index, result index) pairs the kernel may run on with the same start address."""

    pairs: tuple[tuple[int, int], ...] = ()

    def operands_for(self, op: Operation, result: int) -> list[SSAValue]:
        """The operands that result `result` may overwrite, in operand order."""
        return [op.operands[i] for i, j in sorted(self.pairs) if j == result]


@dataclass(frozen=True)
class Elementwise(OpTrait):
    """Result element k comes from the operand elements at k: sharing a dying operand's buffer is free."""


@dataclass(frozen=True)
class ChannelStreamed(OpTrait):
    """Operand `operand` is read and result `result` written one channel at a time, channel c
    written before channel c + 1 is read (batch 1, when `op.channel_streamed()` allows it)."""

    operand: int = 0
    result: int = 0

    def streamed(self, op: Operation) -> tuple[SSAValue, SSAValue] | None:
        """(input, output) of the streaming, or None when the op's shapes do not stream."""
        source, target = op.operands[self.operand], op.results[self.result]
        if source.type.get_shape()[0] != 1 or target.type.get_shape()[0] != 1:  # pyright: ignore[reportAttributeAccessIssue]
            return None
        if not op.channel_streamed():  # pyright: ignore[reportAttributeAccessIssue]
            return None
        return source, target


def channel_streamed(op: Operation) -> tuple[SSAValue, SSAValue] | None:
    """(input, output) of an op whose kernel streams channels (see `ChannelStreamed`), or None."""
    trait = op.get_trait(ChannelStreamed)
    return trait.streamed(op) if trait is not None else None


@dataclass(frozen=True)
class NeedsScratch(OpTrait):
    """The kernel needs `op.scratch_bytes()` bytes of working memory, the `scratch` operand."""


@dataclass(frozen=True)
class ProducesClampMask(OpTrait):
    """The optional result `mask` is the clamp mask of result 0; `op.without_mask()` drops it."""


@dataclass(frozen=True)
class AliasesOperand(OpTrait):
    """The result is operand 0's bytes with a new shape."""


@dataclass(frozen=True)
class StartsBackward(OpTrait):
    """The first op of the backward pass."""
