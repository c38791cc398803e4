"""The `mem` dialect: byte buffers, the static arena and memory spaces.

The training program runs on a Cortex-M7 with 320 KB of SRAM and 1 MB of flash,
and no heap: every buffer lives at a static offset that the compiler chooses.
This dialect is the vocabulary of that placement.

Values
------
* A buffer is a value of type `!mem.buffer<SIZE, ALIGN, SPACE>`: `SIZE` bytes
  (> 0), aligned to `ALIGN` bytes (a power of two), in memory space `SPACE`.
  Like the quantization parameters of `qtrain`, the layout lives in the *type*:
  every user of a buffer sees its size, alignment and place, and a rewrite that
  turns an allocation into a view cannot leave a stale copy behind.
* Memory spaces are `#mem.space<sram>` (read-write, where activations, gradients
  and trainable parameters live) and `#mem.space<flash>` (read-only at run time,
  where frozen constants stay). Inside the ops' pretty syntax the space is the
  bare keyword (`space sram`, `!mem.buffer<64, 4, flash>`).

Ops
---
* `mem.arena` (module level symbol): the one static block of writable memory
  that the planner carves buffers from.
* `mem.alloc`: a buffer before planning, with the lifetime `[first, last]` (the
  schedule steps, inclusive, during which its contents are live).
* `mem.view`: a planned buffer at a static byte offset inside an arena. Views of
  the same arena alias each other, exactly like the C pointers they become.
* `mem.global` / `mem.get_global`: constant data that stays in flash, and its
  address as a buffer.

The reference semantics (numpy, one `uint8` array per arena) are in
`tiny_training.interpreters.mem`.
"""

from __future__ import annotations

from collections.abc import Sequence

import math

import numpy as np
from xdsl.dialects.builtin import (
    I64,
    Float32Type,
    IntegerType,
    BytesAttr,
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    IntAttr,
    IntegerAttr,
    ModuleOp,
    StringAttr,
    SymbolNameConstraint,
    SymbolRefAttr,
    TensorType,
    i64,
)
from xdsl.dialects.utils import EnumAttribute
from xdsl.ir import Attribute, Dialect, Operation, ParametrizedAttribute, SSAValue, TypeAttribute
from xdsl.irdl import (
    IRDLOperation,
    irdl_attr_definition,
    irdl_op_definition,
    operand_def,
    opt_prop_def,
    prop_def,
    result_def,
    traits_def,
)
from xdsl.irdl.declarative_assembly_format import (
    AttributeVariable,
    CustomDirective,
    ParsingState,
    PrintingState,
    irdl_custom_directive,
)
from xdsl.parser import AttrParser, Parser
from xdsl.printer import Printer
from xdsl.traits import HasParent, Pure, SymbolOpInterface, SymbolTable, SymbolUserOpInterface
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.str_enum import StrEnum

# --------------------------------------------------------------------------- memory spaces


class MemorySpace(StrEnum):
    """Where a buffer lives on the microcontroller."""

    SRAM = "sram"
    FLASH = "flash"

    @property
    def writable(self) -> bool:
        """Whether the program can write this memory at run time."""
        return self is MemorySpace.SRAM


@irdl_attr_definition
class MemorySpaceAttr(EnumAttribute[MemorySpace]):
    """A memory space: `#mem.space<sram>` or `#mem.space<flash>`.

    Example: `#mem.space<flash>` (in op syntax and in `!mem.buffer` just `flash`).
    """

    name = "mem.space"

    def __init__(self, space: MemorySpace | str):
        super().__init__(MemorySpace(space))

    def print_parameter(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_string(self.data.value)

    @classmethod
    def parse_parameter(cls, parser: AttrParser) -> MemorySpace:
        with parser.in_angle_brackets():
            return parser.parse_str_enum(MemorySpace)


@irdl_custom_directive
class SpaceKeyword(CustomDirective):
    """`custom<SpaceKeyword>($space)`: a `#mem.space` property as its bare keyword."""

    space: AttributeVariable

    def parse(self, parser: Parser, state: ParsingState) -> None:
        self.space.set(state, MemorySpaceAttr(parser.parse_str_enum(MemorySpace)))

    def print(self, printer: Printer, state: PrintingState, op: IRDLOperation) -> None:
        state.print_whitespace(printer)
        space = self.space.get(op)
        assert isinstance(space, MemorySpaceAttr)
        printer.print_string(space.data.value)


class BufferRole(StrEnum):
    """What a run-time buffer holds; the planner's budget breakdown groups by it."""

    INPUT = "input"  # a function argument (the training sample, its label)
    ACTIVATION = "activation"  # a forward value that dies in the forward pass
    SAVED = "saved"  # a forward value kept for the backward pass
    MASK = "mask"  # a bit-packed clamp mask saved for the backward pass
    GRADIENT = "gradient"  # an fp32 backward value
    SCRATCH = "scratch"  # working memory of one kernel


def _check_role(op: Operation, role: StringAttr | None) -> None:
    if role is None:
        return
    known = [r.value for r in BufferRole]
    if role.data not in known:
        raise VerifyException(f"{op.name}: unknown role \"{role.data}\" (expected one of {', '.join(known)})")


# --------------------------------------------------------------------------- types


def is_power_of_two(value: int) -> bool:
    return value > 0 and value & (value - 1) == 0


def element_storage_bits(element: Attribute) -> int | None:
    """Bits one element occupies in a buffer: i1 masks are bit-packed, other integers
    and f32 take their width, and element types of other dialects say it themselves
    (`storage_bits()`, e.g. `!qtrain.qi8` is 8). None when unknown."""
    if isinstance(element, IntegerType):
        return element.width.data
    if isinstance(element, Float32Type):
        return 32
    storage_bits = getattr(element, "storage_bits", None)
    return storage_bits() if callable(storage_bits) else None


def tensor_storage_bytes(value_type: Attribute) -> int | None:
    """Bytes a tensor of static shape takes in a buffer (rows packed without padding,
    bit-packed masks rounded up to whole bytes); None when it has no storage size."""
    if not isinstance(value_type, TensorType) or any(d < 0 for d in value_type.get_shape()):
        return None
    bits = element_storage_bits(value_type.element_type)
    if bits is None:
        return None
    count = math.prod(value_type.get_shape())
    return math.ceil(count * bits / 8)


@irdl_attr_definition
class BufferType(ParametrizedAttribute, TypeAttribute):
    """A buffer of `size` bytes aligned to `alignment` bytes in memory space `space`.

    Example: `!mem.buffer<1024, 16, sram>` (1 KB of SRAM, 16-byte aligned).
    """

    name = "mem.buffer"

    size: IntAttr
    alignment: IntAttr
    space: MemorySpaceAttr

    def __init__(self, size: int, alignment: int, space: MemorySpace | str | MemorySpaceAttr):
        if not isinstance(space, MemorySpaceAttr):
            space = MemorySpaceAttr(space)
        super().__init__(IntAttr(int(size)), IntAttr(int(alignment)), space)

    @property
    def size_bytes(self) -> int:
        return self.size.data

    @property
    def alignment_bytes(self) -> int:
        return self.alignment.data

    @property
    def memory_space(self) -> MemorySpace:
        return self.space.data

    def print_parameters(self, printer: Printer) -> None:
        printer.print_string(f"<{self.size_bytes}, {self.alignment_bytes}, {self.memory_space.value}>")

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> list[Attribute]:
        with parser.in_angle_brackets():
            size = parser.parse_integer(allow_boolean=False, context_msg=" (buffer size in bytes)")
            parser.parse_punctuation(",")
            alignment = parser.parse_integer(allow_boolean=False, context_msg=" (buffer alignment in bytes)")
            parser.parse_punctuation(",")
            space = parser.parse_str_enum(MemorySpace)
        return [IntAttr(size), IntAttr(alignment), MemorySpaceAttr(space)]

    def verify(self) -> None:
        if self.size_bytes <= 0:
            raise VerifyException(f"!mem.buffer: size must be > 0 bytes, got {self.size_bytes}")
        if not is_power_of_two(self.alignment_bytes):
            raise VerifyException(f"!mem.buffer: alignment must be a power of two, got {self.alignment_bytes}")


# --------------------------------------------------------------------------- helpers


def _int(attr: IntegerAttr) -> int:
    return attr.value.data


def _check_lifetime(op: Operation, lifetime: DenseArrayBase) -> tuple[int, int]:
    """`[first, last]`: two schedule steps, first >= 0, first <= last."""
    values = tuple(int(v) for v in lifetime.iter_values())
    if len(values) != 2:
        raise VerifyException(f"{op.name}: lifetime must be [first, last], got {len(values)} values")
    first, last = values
    if first < 0:
        raise VerifyException(f"{op.name}: lifetime must start at a step >= 0, got [{first}, {last}]")
    if first > last:
        raise VerifyException(f"{op.name}: lifetime [{first}, {last}] is not ordered (first must be <= last)")
    return first, last


def _lifetime_attr(lifetime: Sequence[int]) -> DenseArrayBase:
    return DenseArrayBase.from_list(i64, [int(step) for step in lifetime])


# --------------------------------------------------------------------------- arena


@irdl_op_definition
class ArenaOp(IRDLOperation):
    """The static arena: one block of `size` writable bytes, aligned to `alignment`,
    in memory space `space`, that the planner carves every buffer from (`mem.view`).
    A module-level symbol; it becomes one static array in the generated C.

    Example:
        mem.arena @arena size 327680 align 16 space sram
    """

    name = "mem.arena"

    sym_name = prop_def(SymbolNameConstraint())
    size = prop_def(IntegerAttr[I64])
    alignment = prop_def(IntegerAttr[I64])
    space = prop_def(MemorySpaceAttr)

    custom_directives = (SpaceKeyword,)
    assembly_format = "$sym_name `size` $size `align` $alignment `space` custom<SpaceKeyword>($space) attr-dict"

    traits = traits_def(SymbolOpInterface(), HasParent(ModuleOp))

    def __init__(self, name: str, size: int, alignment: int, space: MemorySpace | str = MemorySpace.SRAM):
        super().__init__(
            properties={
                "sym_name": StringAttr(name),
                "size": IntegerAttr(size, i64),
                "alignment": IntegerAttr(alignment, i64),
                "space": MemorySpaceAttr(space),
            }
        )

    @property
    def size_bytes(self) -> int:
        return _int(self.size)

    @property
    def alignment_bytes(self) -> int:
        return _int(self.alignment)

    @property
    def memory_space(self) -> MemorySpace:
        return self.space.data

    def verify_(self) -> None:
        label = f"{self.name} @{self.sym_name.data}"
        if self.size_bytes <= 0:
            raise VerifyException(f"{label}: size must be > 0 bytes, got {self.size_bytes}")
        if not is_power_of_two(self.alignment_bytes):
            raise VerifyException(f"{label}: alignment must be a power of two, got {self.alignment_bytes}")
        if not self.memory_space.writable:
            raise VerifyException(
                f"{label}: an arena holds run-time buffers and needs writable memory, "
                f"got space {self.memory_space.value} (constants in flash are mem.global)"
            )


# --------------------------------------------------------------------------- alloc and view


@irdl_op_definition
class AllocOp(IRDLOperation):
    """A buffer before memory planning: its size, alignment and space are in the
    result type, its lifetime `[first, last]` (schedule steps, inclusive) is the
    interval during which its contents are live. Every `mem.alloc` is a distinct,
    zero-initialised buffer; the planner replaces it with a `mem.view` whose
    bytes no other buffer uses while this one is live.

    Example:
        %b = mem.alloc lifetime [0, 3] : !mem.buffer<1024, 16, sram>
    """

    name = "mem.alloc"

    lifetime = prop_def(DenseArrayBase.constr(i64))
    role = opt_prop_def(StringAttr)
    result = result_def(BufferType)

    assembly_format = "`lifetime` $lifetime (`role` $role^)? attr-dict `:` type($result)"

    def __init__(self, buffer_type: BufferType, lifetime: Sequence[int], role: BufferRole | str | None = None):
        properties: dict[str, Attribute] = {"lifetime": _lifetime_attr(lifetime)}
        if role is not None:
            properties["role"] = StringAttr(BufferRole(role).value)
        super().__init__(properties=properties, result_types=[buffer_type])

    @property
    def role_name(self) -> str | None:
        return None if self.role is None else self.role.data

    @property
    def buffer_type(self) -> BufferType:
        return self.result.type  # pyright: ignore[reportReturnType]

    @property
    def lifetime_steps(self) -> tuple[int, int]:
        first, last = self.lifetime.iter_values()
        return int(first), int(last)

    def verify_(self) -> None:
        _check_lifetime(self, self.lifetime)
        _check_role(self, self.role)
        space = self.buffer_type.memory_space
        if not space.writable:
            raise VerifyException(
                f"{self.name}: a run-time buffer needs writable memory, got space {space.value} "
                "(constants in flash are mem.global)"
            )


class ViewSymbolUser(SymbolUserOpInterface):
    def verify(self, op: Operation) -> None:
        assert isinstance(op, ViewOp)
        arena = SymbolTable.lookup_symbol(op, op.arena)
        if arena is None:
            raise VerifyException(f"mem.view: no mem.arena named {op.arena}")
        if not isinstance(arena, ArenaOp):
            raise VerifyException(f"mem.view: {op.arena} is a {arena.name}, not a mem.arena")
        buffer = op.buffer_type
        if buffer.memory_space != arena.memory_space:
            raise VerifyException(
                f"mem.view: buffer space {buffer.memory_space.value} does not match "
                f"the space {arena.memory_space.value} of arena {op.arena}"
            )
        if buffer.alignment_bytes > arena.alignment_bytes:
            raise VerifyException(
                f"mem.view: buffer alignment {buffer.alignment_bytes} exceeds "
                f"the alignment {arena.alignment_bytes} of arena {op.arena}"
            )
        end = op.offset_bytes + buffer.size_bytes
        if end > arena.size_bytes:
            raise VerifyException(
                f"mem.view: bytes [{op.offset_bytes}, {end}) do not fit "
                f"arena {op.arena} of {arena.size_bytes} bytes"
            )


@irdl_op_definition
class ViewOp(IRDLOperation):
    """A planned buffer: the bytes `[offset, offset + size)` of an arena, where the
    result type gives size, alignment and space. The offset is a multiple of the
    buffer's alignment, the bytes lie inside the arena and the space is the
    arena's. Views of one arena alias: writing one changes every view that
    overlaps it. The optional lifetime is the one of the `mem.alloc` it replaces.

    Example:
        %v = mem.view @arena[1024] lifetime [0, 3] : !mem.buffer<1024, 16, sram>
    """

    name = "mem.view"

    arena = prop_def(SymbolRefAttr)
    offset = prop_def(IntegerAttr[I64])
    lifetime = opt_prop_def(DenseArrayBase.constr(i64))
    role = opt_prop_def(StringAttr)
    result = result_def(BufferType)

    assembly_format = (
        "$arena `[` $offset `]` (`lifetime` $lifetime^)? (`role` $role^)? attr-dict `:` type($result)"
    )

    traits = traits_def(Pure(), ViewSymbolUser())

    def __init__(
        self,
        arena: str | SymbolRefAttr,
        offset: int,
        buffer_type: BufferType,
        lifetime: Sequence[int] | None = None,
        role: BufferRole | str | None = None,
    ):
        if isinstance(arena, str):
            arena = SymbolRefAttr(arena)
        properties: dict[str, Attribute] = {"arena": arena, "offset": IntegerAttr(offset, i64)}
        if lifetime is not None:
            properties["lifetime"] = _lifetime_attr(lifetime)
        if role is not None:
            properties["role"] = StringAttr(BufferRole(role).value)
        super().__init__(properties=properties, result_types=[buffer_type])

    @property
    def role_name(self) -> str | None:
        return None if self.role is None else self.role.data

    @property
    def buffer_type(self) -> BufferType:
        return self.result.type  # pyright: ignore[reportReturnType]

    @property
    def offset_bytes(self) -> int:
        return _int(self.offset)

    @property
    def lifetime_steps(self) -> tuple[int, int] | None:
        if self.lifetime is None:
            return None
        first, last = self.lifetime.iter_values()
        return int(first), int(last)

    def verify_(self) -> None:
        offset = self.offset_bytes
        if offset < 0:
            raise VerifyException(f"{self.name}: offset must be >= 0, got {offset}")
        alignment = self.buffer_type.alignment_bytes
        if offset % alignment != 0:
            raise VerifyException(
                f"{self.name}: offset {offset} is not a multiple of the buffer's alignment {alignment}"
            )
        if self.lifetime is not None:
            _check_lifetime(self, self.lifetime)
        _check_role(self, self.role)


# --------------------------------------------------------------------------- constants in flash


@irdl_op_definition
class GlobalOp(IRDLOperation):
    """Constant data that stays in flash: a module-level symbol holding dense data
    (its raw little-endian bytes are the buffer's contents), aligned to
    `alignment` bytes. Read by `mem.get_global`; never written.

    Example:
        mem.global @conv0.weight align 4 space flash = dense<[1, -2, 3, 4]> : tensor<4xi8>
    """

    name = "mem.global"

    sym_name = prop_def(SymbolNameConstraint())
    alignment = prop_def(IntegerAttr[I64])
    space = prop_def(MemorySpaceAttr)
    value = prop_def(DenseIntOrFPElementsAttr)

    custom_directives = (SpaceKeyword,)
    assembly_format = (
        "$sym_name `align` $alignment `space` custom<SpaceKeyword>($space) `=` $value attr-dict"
    )

    traits = traits_def(SymbolOpInterface(), HasParent(ModuleOp))

    def __init__(self, name: str, data: np.ndarray, element_type: Attribute, alignment: int = 4):
        value_type = TensorType(element_type, data.shape)
        value = DenseIntOrFPElementsAttr(value_type, BytesAttr(np.ascontiguousarray(data).tobytes()))
        super().__init__(
            properties={
                "sym_name": StringAttr(name),
                "alignment": IntegerAttr(alignment, i64),
                "space": MemorySpaceAttr(MemorySpace.FLASH),
                "value": value,
            }
        )

    @property
    def alignment_bytes(self) -> int:
        return _int(self.alignment)

    @property
    def memory_space(self) -> MemorySpace:
        return self.space.data

    @property
    def data_bytes(self) -> bytes:
        return self.value.data.data

    @property
    def buffer_type(self) -> BufferType:
        """The type of the buffer that `mem.get_global` reads."""
        return BufferType(len(self.data_bytes), self.alignment_bytes, self.memory_space)

    def verify_(self) -> None:
        label = f"{self.name} @{self.sym_name.data}"
        if not is_power_of_two(self.alignment_bytes):
            raise VerifyException(f"{label}: alignment must be a power of two, got {self.alignment_bytes}")
        if self.memory_space != MemorySpace.FLASH:
            raise VerifyException(f"{label}: constant data stays in flash, got space {self.memory_space.value}")
        value_type = self.value.type
        if not isinstance(value_type, TensorType):
            raise VerifyException(f"{label}: value must be a tensor, got {value_type}")
        if not self.value.shape_is_complete:
            raise VerifyException(f"{label}: data must not be empty, got {value_type}")


class GetGlobalSymbolUser(SymbolUserOpInterface):
    def verify(self, op: Operation) -> None:
        assert isinstance(op, GetGlobalOp)
        target = SymbolTable.lookup_symbol(op, op.global_name)
        if target is None:
            raise VerifyException(f"mem.get_global: no mem.global named {op.global_name}")
        if not isinstance(target, GlobalOp):
            raise VerifyException(f"mem.get_global: {op.global_name} is a {target.name}, not a mem.global")
        if target.buffer_type != op.result.type:
            raise VerifyException(
                f"mem.get_global: result type {op.result.type} does not match "
                f"the buffer {target.buffer_type} of {op.global_name}"
            )


@irdl_op_definition
class GetGlobalOp(IRDLOperation):
    """The buffer holding the data of a `mem.global` (read-only; the result type is
    exactly the global's size in bytes, alignment and space).

    Example:
        %w = mem.get_global @conv0.weight : !mem.buffer<4, 4, flash>
    """

    name = "mem.get_global"

    global_name = prop_def(SymbolRefAttr, prop_name="name")
    result = result_def(BufferType)

    assembly_format = "$name attr-dict `:` type($result)"

    traits = traits_def(Pure(), GetGlobalSymbolUser())

    def __init__(self, name: str | SymbolRefAttr, buffer_type: BufferType):
        if isinstance(name, str):
            name = SymbolRefAttr(name)
        super().__init__(properties={"name": name}, result_types=[buffer_type])


# --------------------------------------------------------------------------- tensors in buffers


def _check_tensor_fits(op: Operation, tensor_type: Attribute, buffer: Attribute, offset: int) -> None:
    assert isinstance(buffer, BufferType)
    size = tensor_storage_bytes(tensor_type)
    if size is None:
        raise VerifyException(f"{op.name}: {tensor_type} has no storage size (static shape and known element needed)")
    if offset < 0:
        raise VerifyException(f"{op.name}: offset must be >= 0, got {offset}")
    if offset + size > buffer.size_bytes:
        at = f" at offset {offset}" if offset else ""
        raise VerifyException(
            f"{op.name}: {tensor_type} takes {size} bytes{at} but the buffer has {buffer.size_bytes}"
        )


def _offset_attr(offset: int) -> dict[str, Attribute]:
    return {"offset": IntegerAttr(offset, i64)} if offset else {}


@irdl_op_definition
class LoadOp(IRDLOperation):
    """The tensor stored in a buffer at byte `offset` (default 0): its bytes read as the
    tensor's elements (row major, little endian, i1 masks bit-packed LSB first). The
    tensor must fit in the buffer. In generated C this is no code: the consumer reads
    the buffer in place.

    Example:
        %x = mem.load %b : !mem.buffer<16, 4, sram> -> tensor<1x4x2x2xi8>
        %y = mem.load %b[4] : !mem.buffer<16, 4, sram> -> tensor<3xi8>
    """

    name = "mem.load"

    buffer = operand_def(BufferType)
    offset = opt_prop_def(IntegerAttr[I64])
    result = result_def(TensorType)

    assembly_format = "$buffer (`[` $offset^ `]`)? attr-dict `:` type($buffer) `->` type($result)"

    def __init__(self, buffer: SSAValue | Operation, tensor_type: TensorType, offset: int = 0):
        super().__init__(operands=[buffer], result_types=[tensor_type], properties=_offset_attr(offset))

    @property
    def offset_bytes(self) -> int:
        return 0 if self.offset is None else _int(self.offset)

    def verify_(self) -> None:
        _check_tensor_fits(self, self.result.type, self.buffer.type, self.offset_bytes)


@irdl_op_definition
class StoreOp(IRDLOperation):
    """Writes a tensor's elements into a buffer at byte `offset` (default 0); the tensor
    must fit. In generated C the producer of the tensor writes the buffer directly.

    Example:
        mem.store %y, %b : tensor<1x4x2x2xi8>, !mem.buffer<16, 4, sram>
        mem.store %z, %b[8] : tensor<2xi8>, !mem.buffer<16, 4, sram>
    """

    name = "mem.store"

    value = operand_def(TensorType)
    buffer = operand_def(BufferType)
    offset = opt_prop_def(IntegerAttr[I64])

    assembly_format = "$value `,` $buffer (`[` $offset^ `]`)? attr-dict `:` type($value) `,` type($buffer)"

    def __init__(self, value: SSAValue | Operation, buffer: SSAValue | Operation, offset: int = 0):
        super().__init__(operands=[value, buffer], properties=_offset_attr(offset))

    @property
    def offset_bytes(self) -> int:
        return 0 if self.offset is None else _int(self.offset)

    def verify_(self) -> None:
        _check_tensor_fits(self, self.value.type, self.buffer.type, self.offset_bytes)
        space = self.buffer.type.memory_space  # pyright: ignore[reportAttributeAccessIssue]
        if not space.writable:
            raise VerifyException(f"{self.name}: cannot write a buffer in {space.value} (read-only at run time)")


Mem = Dialect(
    "mem",
    [ArenaOp, AllocOp, ViewOp, GlobalOp, GetGlobalOp, LoadOp, StoreOp],
    [MemorySpaceAttr, BufferType],
)
