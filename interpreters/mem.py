"""Reference semantics of the `mem` dialect, as xDSL interpreter functions in numpy.

Runtime values are one-dimensional `np.uint8` arrays of the buffer's size:

* an arena is one zero-initialised `uint8` array of its size, created the first
  time it is used (or when its `mem.arena` op is run) and kept across calls;
* `mem.view` is the numpy *view* `arena[offset:offset + size]`: views of one
  arena alias each other, like the C pointers they become;
* `mem.alloc` is a fresh zero-initialised array on every execution, shared with
  nothing;
* `mem.get_global` is a read-only array holding the global's raw bytes (flash);
* `mem.load` reads a tensor's elements out of a buffer's bytes at its offset (a
  copy: later writes to the buffer do not change the loaded value), `mem.store`
  writes them in. int8/i32/f32 are little endian, i1 masks bit-packed LSB first (element
  `i` is bit `i & 7` of byte `i >> 3`), as in the generated C.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from xdsl.interpreter import Interpreter, InterpreterFunctions, impl, register_impls
from xdsl.ir import Operation
from xdsl.traits import SymbolTable
from xdsl.utils.exceptions import InterpretationError

from xdsl.dialects.builtin import IntegerType, TensorType

from tiny_training.dialects import mem


def _element_dtype(value_type: TensorType) -> np.dtype:
    element = value_type.element_type
    bits = mem.element_storage_bits(element)
    if isinstance(element, IntegerType) or bits == 8:
        return np.dtype({1: np.bool_, 8: np.int8, 32: np.int32}[bits])
    return np.dtype("<f4")


def tensor_from_bytes(data: np.ndarray, value_type: TensorType) -> np.ndarray:
    """The tensor whose storage is `data` (a uint8 array of the exact size)."""
    shape = value_type.get_shape()
    dtype = _element_dtype(value_type)
    if dtype == np.bool_:
        count = int(np.prod(shape))
        return np.unpackbits(data, bitorder="little")[:count].astype(np.bool_).reshape(shape)
    return np.frombuffer(data.tobytes(), dtype=dtype).reshape(shape).copy()


def tensor_to_bytes(value: np.ndarray, value_type: TensorType) -> np.ndarray:
    """The storage bytes of a tensor value (inverse of `tensor_from_bytes`)."""
    dtype = _element_dtype(value_type)
    flat = np.asarray(value).reshape(-1)
    if dtype == np.bool_:
        return np.packbits(flat.astype(np.bool_), bitorder="little")
    return np.frombuffer(np.ascontiguousarray(flat.astype(dtype)).tobytes(), dtype=np.uint8)


@register_impls
class MemFunctions(InterpreterFunctions):
    """Interpreter functions for `mem`. `arenas` holds the storage of every arena
    used so far, by symbol name; `globals` the read-only bytes of every global."""

    def __init__(self) -> None:
        self.arenas: dict[str, np.ndarray] = {}
        self.globals: dict[str, np.ndarray] = {}

    def arena_storage(self, arena: mem.ArenaOp) -> np.ndarray:
        """The `uint8` storage of `arena`, zero-initialised on first use."""
        name = arena.sym_name.data
        if name not in self.arenas:
            self.arenas[name] = np.zeros(arena.size_bytes, dtype=np.uint8)
        return self.arenas[name]

    def global_storage(self, target: mem.GlobalOp) -> np.ndarray:
        """The read-only bytes of `target` (flash is not written at run time)."""
        name = target.sym_name.data
        if name not in self.globals:
            data = np.frombuffer(target.data_bytes, dtype=np.uint8).copy()
            data.flags.writeable = False
            self.globals[name] = data
        return self.globals[name]

    @staticmethod
    def _lookup(op: Operation, symbol: Any, kind: type[Operation], what: str) -> Any:
        target = SymbolTable.lookup_symbol(op, symbol)
        if not isinstance(target, kind):
            raise InterpretationError(f"{op.name}: no {what} named {symbol}")
        return target

    @impl(mem.ArenaOp)
    def run_arena(self, interpreter: Interpreter, op: mem.ArenaOp, args: tuple[Any, ...]):
        self.arena_storage(op)
        return ()

    @impl(mem.AllocOp)
    def run_alloc(self, interpreter: Interpreter, op: mem.AllocOp, args: tuple[Any, ...]):
        return (np.zeros(op.buffer_type.size_bytes, dtype=np.uint8),)

    @impl(mem.ViewOp)
    def run_view(self, interpreter: Interpreter, op: mem.ViewOp, args: tuple[Any, ...]):
        arena = self._lookup(op, op.arena, mem.ArenaOp, "mem.arena")
        storage = self.arena_storage(arena)
        start = op.offset_bytes
        end = start + op.buffer_type.size_bytes
        if start < 0 or end > storage.size:
            raise InterpretationError(
                f"mem.view: bytes [{start}, {end}) do not fit arena {op.arena} of {storage.size} bytes"
            )
        return (storage[start:end],)

    @impl(mem.GlobalOp)
    def run_global(self, interpreter: Interpreter, op: mem.GlobalOp, args: tuple[Any, ...]):
        self.global_storage(op)
        return ()

    @impl(mem.GetGlobalOp)
    def run_get_global(self, interpreter: Interpreter, op: mem.GetGlobalOp, args: tuple[Any, ...]):
        target = self._lookup(op, op.global_name, mem.GlobalOp, "mem.global")
        return (self.global_storage(target),)

    @impl(mem.LoadOp)
    def run_load(self, interpreter: Interpreter, op: mem.LoadOp, args: tuple[Any, ...]):
        (buffer,) = args
        start = op.offset_bytes
        size = mem.tensor_storage_bytes(op.result.type)
        assert size is not None
        return (tensor_from_bytes(buffer[start : start + size], op.result.type),)  # pyright: ignore[reportArgumentType]

    @impl(mem.StoreOp)
    def run_store(self, interpreter: Interpreter, op: mem.StoreOp, args: tuple[Any, ...]):
        value, buffer = args
        if not buffer.flags.writeable:
            raise InterpretationError(f"{op.name}: the buffer is read-only")
        data = tensor_to_bytes(value, op.value.type)  # pyright: ignore[reportArgumentType]
        start = op.offset_bytes
        buffer[start : start + data.size] = data
        return ()
