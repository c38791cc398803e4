"""What the C of a model holds, as Python values: one `CParam` per `qtrain.param`,
stored where `mem-place-params` recorded (`ParamOp.placement_value`, `ParamOp.split`),
and the `CModel` that `generate_c` returns (the two files and their sizes)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from tiny_training.backends.c.syntax import CodegenError, element_kind
from tiny_training.dialects import qtrain

HEADER_MARKER = "// ---- model.h ----"
SOURCE_MARKER = "// ---- model.c ----"


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


def unique_name(name: str, used: set[str]) -> str:
    """`name`, or `name_2`, ...: distinct from every name in `used` and their `_init` and
    `_frozen` companions."""
    companions = ("", "_init", "_frozen")
    candidate, suffix = name, 1
    while any(f"{candidate}{c}" in used for c in companions):
        suffix += 1
        candidate = f"{name}_{suffix}"
    used.update(f"{candidate}{c}" for c in companions)
    return candidate


def read_param(op: qtrain.ParamOp, used_names: set[str]) -> CParam:
    """The C storage of a parameter: its C name, element kind and the placement the
    pass recorded (whole, or split into trained leading channels and the rest)."""
    name = op.sym_name.data
    c_name = unique_name("tt_p_" + re.sub(r"\W", "_", name), used_names)
    kind = element_kind(op.value_type.element_type)
    if len(op.value_type.get_shape()) > 4:
        raise CodegenError(f"c target: parameter @{name} has rank > 4")
    param = CParam(name, c_name, op, kind, op.trainable is not None)
    param.partial = op.placement_value in ("sram-partial", "split")
    if op.split is not None:
        param.split_axis, param.split = op.split
    return param
