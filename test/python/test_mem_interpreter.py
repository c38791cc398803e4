"""The reference semantics of the `mem` dialect (`tiny_training.interpreters.mem`):
arenas are zeroed byte arrays, views alias them at their offsets, allocs are
fresh and independent, globals are read-only bytes."""

from __future__ import annotations

import numpy as np
import pytest
from xdsl.context import Context
from xdsl.dialects.builtin import Builtin, ModuleOp, i8, i32
from xdsl.dialects.func import Func, FuncOp, ReturnOp
from xdsl.interpreter import Interpreter
from xdsl.interpreters.func import FuncFunctions
from xdsl.parser import Parser
from xdsl.utils.exceptions import InterpretationError, VerifyException

from tiny_training.dialects.mem import (
    AllocOp,
    ArenaOp,
    BufferType,
    GetGlobalOp,
    GlobalOp,
    Mem,
    MemorySpace,
    MemorySpaceAttr,
    ViewOp,
)
from tiny_training.interpreters.mem import MemFunctions

VIEWS = """
mem.arena @arena size 64 align 16 space sram
func.func @views() -> (!mem.buffer<16, 16, sram>, !mem.buffer<32, 16, sram>, !mem.buffer<8, 8, sram>) {
  %a = mem.view @arena[16] lifetime [0, 1] : !mem.buffer<16, 16, sram>
  %b = mem.view @arena[0] lifetime [2, 3] : !mem.buffer<32, 16, sram>
  %c = mem.view @arena[56] : !mem.buffer<8, 8, sram>
  func.return %a, %b, %c : !mem.buffer<16, 16, sram>, !mem.buffer<32, 16, sram>, !mem.buffer<8, 8, sram>
}
"""

ALLOCS = """
func.func @allocs() -> (!mem.buffer<12, 4, sram>, !mem.buffer<12, 4, sram>) {
  %a = mem.alloc lifetime [0, 1] : !mem.buffer<12, 4, sram>
  %b = mem.alloc lifetime [0, 1] : !mem.buffer<12, 4, sram>
  func.return %a, %b : !mem.buffer<12, 4, sram>, !mem.buffer<12, 4, sram>
}
"""

GLOBALS = """
mem.global @bias align 8 space flash = dense<[1, -2]> : tensor<2xi32>
func.func @read() -> !mem.buffer<8, 8, flash> {
  %b = mem.get_global @bias : !mem.buffer<8, 8, flash>
  func.return %b : !mem.buffer<8, 8, flash>
}
"""


def parse(text: str) -> ModuleOp:
    ctx = Context()
    ctx.load_dialect(Builtin)
    ctx.load_dialect(Func)
    ctx.load_dialect(Mem)
    module = Parser(ctx, text).parse_module()
    module.verify()
    return module


def interpreter_for(module: ModuleOp) -> tuple[Interpreter, MemFunctions]:
    functions = MemFunctions()
    interpreter = Interpreter(module)
    interpreter.register_implementations(FuncFunctions())
    interpreter.register_implementations(functions)
    return interpreter, functions


def call(module: ModuleOp, name: str) -> tuple[tuple[np.ndarray, ...], MemFunctions]:
    interpreter, functions = interpreter_for(module)
    return tuple(interpreter.call_op(name, ())), functions


def test_views_are_slices_of_one_zeroed_arena():
    (a, b, c), functions = call(parse(VIEWS), "views")
    arena = functions.arenas["arena"]
    assert arena.dtype == np.uint8 and arena.shape == (64,)
    assert not arena.any()
    for view, offset, size in ((a, 16, 16), (b, 0, 32), (c, 56, 8)):
        assert view.dtype == np.uint8 and view.shape == (size,)
        assert view.base is arena or view.base is arena.base
        # The view starts exactly `offset` bytes into the arena.
        assert view.__array_interface__["data"][0] - arena.__array_interface__["data"][0] == offset


def test_views_alias_each_other_and_the_arena():
    (a, b, c), functions = call(parse(VIEWS), "views")
    arena = functions.arenas["arena"]
    # b = bytes [0, 32) overlaps a = bytes [16, 32) completely.
    b[:] = np.arange(32, dtype=np.uint8)
    np.testing.assert_array_equal(a, np.arange(16, 32, dtype=np.uint8))
    a[0] = 200
    assert b[16] == 200 and arena[16] == 200
    # c = bytes [56, 64) shares nothing with a or b.
    c[:] = 7
    assert not np.shares_memory(c, b) and not np.shares_memory(c, a)
    np.testing.assert_array_equal(arena[56:], np.full(8, 7, dtype=np.uint8))
    np.testing.assert_array_equal(arena[32:56], np.zeros(24, dtype=np.uint8))


def test_arena_persists_across_calls():
    interpreter, functions = interpreter_for(parse(VIEWS))
    a, _, _ = interpreter.call_op("views", ())
    a[:] = 9
    a_again, b_again, _ = interpreter.call_op("views", ())
    assert np.shares_memory(a, a_again)
    np.testing.assert_array_equal(b_again[16:], np.full(16, 9, dtype=np.uint8))
    assert list(functions.arenas) == ["arena"]


def test_allocs_are_fresh_zeroed_and_independent():
    interpreter, functions = interpreter_for(parse(ALLOCS))
    a, b = interpreter.call_op("allocs", ())
    for buffer in (a, b):
        assert buffer.dtype == np.uint8 and buffer.shape == (12,)
        assert not buffer.any()
    assert not np.shares_memory(a, b)
    a[:] = 1
    assert not b.any()
    # A second execution gives new buffers again, zeroed.
    a2, _ = interpreter.call_op("allocs", ())
    assert not np.shares_memory(a, a2) and not a2.any()
    assert functions.arenas == {}


def test_get_global_reads_the_raw_bytes_read_only():
    (data,), _ = call(parse(GLOBALS), "read")
    assert data.dtype == np.uint8 and data.shape == (8,)
    np.testing.assert_array_equal(data.view("<i4"), np.array([1, -2], dtype=np.int32))
    assert not data.flags.writeable
    with pytest.raises(ValueError):
        data[0] = 1


def test_python_constructors_build_the_same_program():
    arena = ArenaOp("arena", 64, 16)
    weights = GlobalOp("w", np.array([1, -2, 3], dtype=np.int8), i8, alignment=4)
    view_type = BufferType(32, 16, MemorySpace.SRAM)
    view = ViewOp("arena", 32, view_type, lifetime=(1, 2))
    other = ViewOp("arena", 16, BufferType(32, 16, "sram"))
    alloc = AllocOp(BufferType(5, 1, "sram"), (0, 4))
    read = GetGlobalOp("w", weights.buffer_type)
    function = FuncOp(
        "main",
        ((), (view_type, other.result.type, alloc.result.type, read.result.type)),
    )
    function.body.block.add_ops([view, other, alloc, read, ReturnOp(view, other, alloc, read)])
    module = ModuleOp([arena, weights, function])
    module.verify()
    assert weights.buffer_type == BufferType(3, 4, MemorySpace.FLASH)
    assert view.lifetime_steps == (1, 2) and other.lifetime_steps is None
    assert alloc.lifetime_steps == (0, 4)
    assert MemorySpaceAttr("flash").data is MemorySpace.FLASH

    (v, o, fresh, w), functions = call(module, "main")
    # [32, 64) and [16, 48) overlap in [32, 48).
    v[:16] = 5
    np.testing.assert_array_equal(o[16:], np.full(16, 5, dtype=np.uint8))
    assert fresh.shape == (5,) and not np.shares_memory(fresh, functions.arenas["arena"])
    np.testing.assert_array_equal(w.view(np.int8), np.array([1, -2, 3], dtype=np.int8))


def test_verifier_rejects_a_view_past_the_arena():
    arena = ArenaOp("arena", 64, 16)
    view = ViewOp("arena", 48, BufferType(32, 16, "sram"))
    function = FuncOp("main", ((), ()))
    function.body.block.add_ops([view, ReturnOp()])
    with pytest.raises(VerifyException, match=r"mem.view: bytes \[48, 80\) do not fit arena @arena of 64 bytes"):
        ModuleOp([arena, function]).verify()


def test_global_with_i32_data_has_its_byte_size():
    weights = GlobalOp("b", np.array([1, 2, 3], dtype=np.int32), i32, alignment=8)
    weights.verify()
    assert weights.buffer_type == BufferType(12, 8, "flash")


def test_view_of_a_missing_arena_is_an_interpretation_error():
    # Unverified IR: the interpreter still names the problem.
    view = ViewOp("missing", 0, BufferType(4, 4, "sram"))
    function = FuncOp("main", ((), (view.result.type,)))
    function.body.block.add_ops([view, ReturnOp(view)])
    module = ModuleOp([function])
    interpreter, _ = interpreter_for(module)
    with pytest.raises(InterpretationError, match="mem.view: no mem.arena named @missing"):
        interpreter.call_op("main", ())
