"""Safe weight persistence: the A/B store (runtime/src/persist/tt_persist.c) and the dataset
program's store flags (driver.c), checked against an independent Python reader and
writer of the format (backends/cortex_m/harness.py, CRC-32 from zlib).

* the C store through ctypes on an in-memory storage: its CRC-32 is zlib's (and the
  standard check value); two saves then a load give the second; a corrupted newest
  record falls back to the older one; both corrupted: no saved state; a save cut off
  after each possible number of bytes leaves the previous record the newest;
* the dataset program (host build and Cortex-M7 under QEMU): its store is byte for byte
  what the Python writer makes from the parameters it writes to tt_params_out.bin; a
  save interrupted (fault injection) before, inside and after the payload and inside
  the header keeps the last good state S1, which the next boot resumes from bit for bit
  and then saves again as the next sequence number in the other slot; a run saving
  after every sample killed with SIGKILL at an arbitrary moment leaves a store that
  loads and equals the parameters after one of the samples.
"""

from __future__ import annotations

import ctypes
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path

import numpy as np
import pytest

from tiny_training.backends.cortex_m import harness, qemu
from tiny_training.backends.cortex_m.project import build_project, write_project
from tiny_training.backends.targets import target_named

from test_qemu_training import Case, tiny_case

HEADER = harness.STORE_HEADER_BYTES

# --------------------------------------------------------------------------- the C store (ctypes)

READ = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_uint32, ctypes.c_void_p, ctypes.c_uint32)
WRITE = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_uint32, ctypes.c_void_p, ctypes.c_uint32)
SYNC = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p)


class Storage(ctypes.Structure):
    _fields_ = [("read", READ), ("write", WRITE), ("sync", SYNC), ("context", ctypes.c_void_p)]


class Store(ctypes.Structure):
    _fields_ = [("storage", ctypes.POINTER(Storage)), ("slot_bytes", ctypes.c_uint32)]


class SlotInfo(ctypes.Structure):
    _fields_ = [
        ("valid", ctypes.c_int),
        ("sequence", ctypes.c_uint32),
        ("length", ctypes.c_uint32),
        ("payload_crc", ctypes.c_uint32),
        ("problem", ctypes.c_char_p),
    ]


class Writer(ctypes.Structure):
    _fields_ = [
        ("store", ctypes.POINTER(Store)),
        ("slot", ctypes.c_int),
        ("sequence", ctypes.c_uint32),
        ("length", ctypes.c_uint32),
        ("crc", ctypes.c_uint32),
        ("failed", ctypes.c_int),
    ]


@pytest.fixture(scope="module")
def lib(host_runtime):
    library = ctypes.CDLL(str(host_runtime))
    library.tt_crc32_update.restype = ctypes.c_uint32
    library.tt_crc32_update.argtypes = [ctypes.c_uint32, ctypes.c_char_p, ctypes.c_uint32]
    for name, args in {
        "tt_store_check_slot": [ctypes.POINTER(Store), ctypes.c_int, ctypes.POINTER(SlotInfo)],
        "tt_store_newest": [ctypes.POINTER(Store), ctypes.POINTER(SlotInfo)],
        "tt_store_read_payload": [
            ctypes.POINTER(Store), ctypes.c_int, ctypes.c_uint32, ctypes.c_char_p, ctypes.c_uint32
        ],
        "tt_store_begin_save": [ctypes.POINTER(Store), ctypes.POINTER(Writer)],
        "tt_store_append": [ctypes.POINTER(Writer), ctypes.c_char_p, ctypes.c_uint32],
        "tt_store_commit": [ctypes.POINTER(Writer)],
    }.items():
        getattr(library, name).restype = ctypes.c_int
        getattr(library, name).argtypes = args
    return library


class MemoryStore:
    """The C store on a bytearray (a flash stand-in, erased: 0xFF); `budget` bytes of writes
    at most, after which every write fails (a power loss: nothing more reaches the storage)."""

    def __init__(self, lib, slot_bytes: int):
        self.lib = lib
        self.memory = bytearray(b"\xff" * (2 * slot_bytes))
        self.budget: int | None = None
        self.written = 0
        self._read = READ(self._on_read)
        self._write = WRITE(self._on_write)
        self._sync = SYNC(lambda context: 0)
        self.storage = Storage(self._read, self._write, self._sync, None)
        self.store = Store(ctypes.pointer(self.storage), slot_bytes)

    def _on_read(self, context, offset, buffer, size):
        if offset + size > len(self.memory):
            return -1
        ctypes.memmove(buffer, bytes(self.memory[offset : offset + size]), size)
        return 0

    def _on_write(self, context, offset, buffer, size):
        allowed = size if self.budget is None else max(0, min(size, self.budget - self.written))
        self.memory[offset : offset + allowed] = ctypes.string_at(buffer, allowed)
        self.written += allowed
        return 0 if allowed == size else -1

    def save(self, payload: bytes, pieces: int = 3) -> tuple[int, int] | None:
        """(slot, sequence) saved, or None when the save failed."""
        writer = Writer()
        ok = self.lib.tt_store_begin_save(ctypes.byref(self.store), ctypes.byref(writer)) == 0
        step = max(1, len(payload) // pieces)
        for start in range(0, len(payload), step):
            chunk = payload[start : start + step]
            ok = self.lib.tt_store_append(ctypes.byref(writer), chunk, len(chunk)) == 0 and ok
        ok = self.lib.tt_store_commit(ctypes.byref(writer)) == 0 and ok
        return (writer.slot, writer.sequence) if ok else None

    def load(self) -> tuple[int, int, bytes] | None:
        """(slot, sequence, payload) of the newest valid record, or None."""
        info = SlotInfo()
        slot = self.lib.tt_store_newest(ctypes.byref(self.store), ctypes.byref(info))
        if slot < 0:
            return None
        buffer = ctypes.create_string_buffer(info.length)
        assert self.lib.tt_store_read_payload(ctypes.byref(self.store), slot, 0, buffer, info.length) == 0
        return slot, info.sequence, buffer.raw

    def python_view(self, tmp_path: Path) -> harness.StoreState:
        """The independent Python reader's view of the same bytes (payloads must be TTPW)."""
        path = tmp_path / "memory.bin"
        path.write_bytes(bytes(self.memory))
        return harness.read_store(path)


def ttpw(seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    return harness.encode_params(
        {"w": rng.integers(-128, 128, size=(3, 5), dtype=np.int8), "b": rng.integers(-999, 999, size=3, dtype=np.int32)}
    )


def test_crc32_is_zlibs(lib):
    assert lib.tt_crc32_update(0, b"123456789", 9) == 0xCBF43926  # the standard CRC-32 check value
    assert lib.tt_crc32_update(0, b"", 0) == 0
    data = np.random.default_rng(1).integers(0, 256, size=4099, dtype=np.uint8).tobytes()
    assert lib.tt_crc32_update(0, data, len(data)) == zlib.crc32(data)
    partial = lib.tt_crc32_update(0, data[:1000], 1000)
    assert lib.tt_crc32_update(partial, data[1000:], len(data) - 1000) == zlib.crc32(data)


def test_two_saves_then_load_gives_the_second(lib, tmp_path):
    first, second = ttpw(1), ttpw(2)
    slot_bytes = harness.store_slot_bytes(len(first))
    memory = MemoryStore(lib, slot_bytes)
    assert memory.load() is None
    assert memory.save(first) == (0, 1)
    assert memory.save(second) == (1, 2)
    assert memory.load() == (1, 2, second)
    # The Python writer makes the same bytes: slot A = record 1, slot B = record 2.
    assert bytes(memory.memory[: HEADER + len(first)]) == harness.encode_slot(first, 1, slot_bytes)
    record_b = bytes(memory.memory[slot_bytes : slot_bytes + HEADER + len(second)])
    assert record_b == harness.encode_slot(second, 2, slot_bytes)
    view = memory.python_view(tmp_path)
    assert (view.newest, view.sequence, view.payload) == ("B", 2, second)
    assert [slot.sequence for slot in view.slots] == [1, 2]
    # A third save goes back into A.
    assert memory.save(first) == (0, 3)
    assert memory.load() == (0, 3, first)


def test_corruption_falls_back_then_no_saved_state(lib, tmp_path):
    first, second = ttpw(3), ttpw(4)
    slot_bytes = harness.store_slot_bytes(len(first))
    memory = MemoryStore(lib, slot_bytes)
    memory.save(first)
    memory.save(second)
    memory.memory[slot_bytes + HEADER + len(second) // 2] ^= 0x10  # one bit of B's payload
    assert memory.load() == (0, 1, first)
    view = memory.python_view(tmp_path)
    assert view.newest == "A" and view.payload == first and view.slots[1].problem == "payload CRC mismatch"
    memory.memory[8] ^= 0x01  # A's sequence number: its header CRC no longer matches
    assert memory.load() is None
    info = SlotInfo()
    assert lib.tt_store_check_slot(ctypes.byref(memory.store), 0, ctypes.byref(info)) == 0
    assert info.problem == b"header CRC mismatch"
    view = memory.python_view(tmp_path)
    assert view.newest is None and view.params is None
    with pytest.raises(harness.StoreError, match="no saved state"):
        harness.verify_store(tmp_path / "memory.bin")


def test_a_save_cut_off_at_any_byte_keeps_the_previous_record(lib, tmp_path):
    old, new = ttpw(5), ttpw(6)
    slot_bytes = harness.store_slot_bytes(len(old))
    total = HEADER + len(new) + HEADER  # invalidation, payload, header
    for budget in range(total + 1):
        memory = MemoryStore(lib, slot_bytes)
        memory.save(old)
        memory.save(old)  # A seq 1, B seq 2 (both valid): the next save overwrites A
        memory.budget, memory.written = budget, 0
        result = memory.save(new)
        view = memory.python_view(tmp_path)
        if budget == total:
            assert result == (0, 3) and memory.load() == (0, 3, new) and view.payload == new
            continue
        assert result is None, budget
        assert memory.load() == (1, 2, old), budget
        assert (view.newest, view.sequence, view.payload) == ("B", 2, old), budget
        assert view.slots[0].valid == (budget == 0), budget  # any write invalidates A first
        memory.budget = None
        assert memory.save(new) == (0, 3), budget
        assert memory.load() == (0, 3, new), budget


# --------------------------------------------------------------------------- the dataset program


def _needs_board() -> None:
    missing = qemu.missing_programs("gcc")
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed: the board tests need them (tools/setup.sh)")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Case:
    if shutil.which("cmake") is None:
        pytest.skip("cmake is not installed (make test installs it)")
    made = tiny_case(tmp_path_factory.mktemp("tiny-persist"))
    write_project(made.module, made.directory)
    return made


def _build(case: Case, target: str) -> None:
    if not target_named(target).is_host:
        _needs_board()
    if (target, "gcc") not in case.built:
        build_project(case.directory, target, training_only=True)
        case.built.add((target, "gcc"))


def assert_params_equal(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for name in a:
        assert a[name].dtype == b[name].dtype and a[name].shape == b[name].shape, name
        assert a[name].tobytes() == b[name].tobytes(), f"{name} differs"


def test_program_store_matches_the_python_format(tiny, tmp_path):
    """Host build: the store file is exactly what the Python writer makes from the parameters the
    program wrote to tt_params_out.bin; a store written by Python is resumed from; both slots
    corrupted: no saved state, the compiled parameters."""
    _build(tiny, "host")
    run = harness.run_with_store(tiny.directory, tmp_path, tiny.images, tiny.labels, target="host", save=True)
    assert run.saved == [("A", 1)] and run.params_out is not None
    payload = harness.encode_params(run.params_out)
    slot_bytes = harness.store_slot_bytes(len(payload))
    data = (tmp_path / harness.STORE_FILE).read_bytes()
    expected = harness.encode_slot(payload, 1, slot_bytes)
    assert data == expected + b"\xff" * (2 * slot_bytes - len(expected))

    # Restore: a store from Python (other parameters, seq 7 in B) is what the device resumes from.
    restored = {name: (value // 2).astype(value.dtype) for name, value in run.params_out.items()}
    harness.write_store(tmp_path / harness.STORE_FILE, restored, sequence=7, slot="B")
    again = harness.run_with_store(
        tiny.directory, tmp_path, tiny.images[:1], tiny.labels[:1], target="host", resume=True, save=True, train=False
    )
    assert again.loaded == ("B", 7) and again.saved == [("A", 8)]
    assert_params_equal(again.params_out, restored)
    assert_params_equal(harness.verify_store(tmp_path / harness.STORE_FILE).params, restored)

    # Both slots corrupted: the program says so and keeps the compiled parameters.
    data = bytearray((tmp_path / harness.STORE_FILE).read_bytes())
    data[HEADER + 5] ^= 0xFF
    data[slot_bytes + HEADER + 5] ^= 0xFF
    (tmp_path / harness.STORE_FILE).write_bytes(bytes(data))
    compiled = harness.train_on_board(tiny.directory, tiny.images[:1], tiny.labels[:1], target="host", train=False)
    empty = harness.run_with_store(
        tiny.directory, tmp_path, tiny.images[:1], tiny.labels[:1], target="host", resume=True, train=False
    )
    assert empty.loaded is None and "store empty: no saved state" in empty.stdout
    assert empty.invalid == {"A": "payload CRC mismatch", "B": "payload CRC mismatch"}
    assert_params_equal(empty.params_out, compiled.params)


@pytest.mark.parametrize("target", ["host", "cortex-m7"])
def test_interrupted_save_keeps_the_last_good_state(tiny, tmp_path, target, request, capsys):
    _build(tiny, target)
    # S1: two samples, a save after each: A seq 1, then B seq 2 = S1 (the parameters after both).
    first = tmp_path / "first"
    s1_run = harness.run_with_store(
        tiny.directory, first, tiny.images[:2], tiny.labels[:2], target=target, save_each=True
    )
    assert s1_run.saved == [("A", 1), ("B", 2)]
    s1 = s1_run.params_out  # tt_params_out.bin: the existing writer, independent of the store
    state = harness.verify_store(first / harness.STORE_FILE)
    assert (state.newest, state.sequence) == ("B", 2)
    assert_params_equal(state.params, s1)
    payload = len(state.payload)
    total = HEADER + payload + HEADER  # the next save: invalidate A, payload, header

    points = {
        0: "before anything",
        1: "in the invalidation",
        HEADER: "before the payload",
        HEADER + 1: "at the payload's first byte",
        HEADER + payload // 2: "mid-payload",
        HEADER + payload - 1: "before the payload's last byte",
        HEADER + payload: "after the payload, before the header",
        HEADER + payload + 1: "in the header's first word",
        HEADER + payload + 14: "mid-header",
        HEADER + payload + HEADER - 1: "before the header's last byte",
    }
    for budget, where in points.items():
        directory = tmp_path / f"cut-{budget}"
        directory.mkdir()
        shutil.copy(first / harness.STORE_FILE, directory / harness.STORE_FILE)
        cut = harness.run_with_store(
            tiny.directory, directory, tiny.images[2:], tiny.labels[2:], target=target,
            resume=True, save=True, fault_after=budget,
        )  # fmt: skip
        assert cut.interrupted and cut.loaded == ("B", 2) and cut.saved == [], where
        assert f"store fault injected after {budget} bytes" in cut.stdout, where
        # The host verifier: S1 intact in B, A (the slot being written) invalid.
        state = harness.verify_store(directory / harness.STORE_FILE)
        assert (state.newest, state.sequence) == ("B", 2), where
        assert_params_equal(state.params, s1)
        assert state.slots[0].valid == (budget == 0), where  # seq 1 survives only when nothing was written
        # The next boot resumes from S1 bit for bit, and its uninterrupted save is seq 3 in A.
        boot = harness.run_with_store(
            tiny.directory, directory, tiny.images[:1], tiny.labels[:1], target=target,
            resume=True, save=True, train=False,
        )  # fmt: skip
        assert boot.loaded == ("B", 2) and boot.saved == [("A", 3)], where
        assert_params_equal(boot.params_out, s1)
        state = harness.verify_store(directory / harness.STORE_FILE)
        assert (state.newest, state.sequence) == ("A", 3) and state.slots[1].sequence == 2, where
        assert_params_equal(state.params, s1)

    # Control: a budget of exactly the save's bytes lets it complete (the new state, seq 3 in A).
    directory = tmp_path / "complete"
    directory.mkdir()
    shutil.copy(first / harness.STORE_FILE, directory / harness.STORE_FILE)
    done = harness.run_with_store(
        tiny.directory, directory, tiny.images[2:], tiny.labels[2:], target=target,
        resume=True, save=True, fault_after=total,
    )  # fmt: skip
    assert not done.interrupted and done.saved == [("A", 3)]
    state = harness.verify_store(directory / harness.STORE_FILE)
    assert state.newest == "A" and state.params.keys() == s1.keys()
    assert_params_equal(state.params, done.params_out)
    assert any(state.params[name].tobytes() != s1[name].tobytes() for name in s1)  # it trained
    with capsys.disabled():
        print(
            f"\n{request.node.callspec.id}: store {2 * state.slot_bytes} B (2 slots x {state.slot_bytes} B, "
            f"payload {payload} B); {len(points)} interruption points, each recovered"
        )


def test_sigkill_during_repeated_saves_leaves_a_saved_state(tiny, tmp_path):
    """QEMU killed (SIGKILL) at an arbitrary moment of a run that saves after every sample: the
    store is still valid and holds the parameters after k samples (checked with the host
    build trained on the first k samples), and the next boot resumes from it."""
    _build(tiny, "cortex-m7")
    _build(tiny, "host")
    count = 20_000
    images, labels = tiny.images * (count // 3), tiny.labels * (count // 3)
    seed = int.from_bytes(os.urandom(4), "little")
    delay = random.Random(seed).uniform(0.0, 0.8)
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    harness.write_dataset(run_dir / harness.DATASET_FILE, images, labels, flags=harness.FLAG_STORE_SAVE_EACH)
    process = harness.start_with_store(tiny.directory, run_dir)
    console_file = run_dir / "tt_console.txt"
    deadline = time.monotonic() + 60
    while "store saved" not in (console_file.read_text() if console_file.exists() else ""):
        assert process.poll() is None and time.monotonic() < deadline, "no save within 60 s"
        time.sleep(0.02)
    time.sleep(delay)  # then a random moment later (some thousand saves a second)
    still_running = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    console = console_file.read_text()
    saved = re.findall(r"^store saved slot ([AB]) seq (\d+)$", console, re.MULTILINE)
    context = f"(seed {seed}, killed {delay:.2f} s after the first save, {len(saved)} saves printed)"
    assert still_running and saved, f"the kill came too late or too early {context}"
    last_printed = int(saved[-1][1])

    state = harness.verify_store(run_dir / harness.STORE_FILE)
    k = state.sequence  # seq k = the parameters after sample k
    assert last_printed <= k <= last_printed + 1, context
    reference = harness.train_on_board(tiny.directory, images[:k], labels[:k], target="host")
    assert_params_equal(state.params, reference.params)
    boot = harness.run_with_store(tiny.directory, run_dir, images[:1], labels[:1], resume=True, train=False)
    assert boot.loaded == (state.newest, k), context
    assert_params_equal(boot.params_out, reference.params)
    print(f"killed at seq {k} {context}", file=sys.stderr)


# --------------------------------------------------------------------------- the tt-store tool


def test_tt_store_tool(tiny, tmp_path):
    _build(tiny, "host")
    run = harness.run_with_store(tiny.directory, tmp_path, tiny.images, tiny.labels, target="host", save=True)
    store = tmp_path / harness.STORE_FILE
    tool = [sys.executable, "-m", "tiny_training.tools.tt_store"]
    verified = subprocess.run([*tool, "verify", str(store)], capture_output=True, text=True, check=False)
    assert verified.returncode == 0 and "newest: slot A seq 1" in verified.stdout, verified.stderr
    out = tmp_path / "params.npz"
    extract = [*tool, "extract", str(store), "-o", str(out)]
    extracted = subprocess.run(extract, capture_output=True, text=True, check=False)
    assert extracted.returncode == 0, extracted.stderr
    with np.load(out) as arrays:
        assert_params_equal(dict(arrays), run.params_out)
    data = bytearray(store.read_bytes())
    data[3] ^= 0xFF  # A's magic: no record left
    store.write_bytes(bytes(data))
    failed = subprocess.run([*tool, "verify", str(store)], capture_output=True, text=True, check=False)
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert failed.stderr.strip().count("\n") == 0 and "no saved state" in failed.stderr


def test_tt_store_restore_is_what_the_device_resumes_from(tiny, tmp_path):
    """`tt-store restore` builds a store from parameters (an .npz); the device resumes
    from it bit for bit and its next save goes to the other slot with the next sequence."""
    _build(tiny, "host")
    first = harness.run_with_store(tiny.directory, tmp_path / "a", tiny.images, tiny.labels, target="host", save=True)
    params = tmp_path / "trained.npz"
    np.savez(params, **first.params_out)
    store_dir = tmp_path / "b"
    store_dir.mkdir()
    tool = [sys.executable, "-m", "tiny_training.tools.tt_store"]
    restored = subprocess.run([*tool, "restore", str(params), "-o", str(store_dir / harness.STORE_FILE),
                               "--sequence", "5"], capture_output=True, text=True, check=False)  # fmt: skip
    assert restored.returncode == 0, restored.stderr
    run = harness.run_with_store(tiny.directory, store_dir, tiny.images[:1], tiny.labels[:1], target="host",
                                 resume=True, save=True, train=False)  # fmt: skip
    assert "store loaded slot A seq 5" in run.stdout
    assert "store saved slot B seq 6" in run.stdout
    assert_params_equal(run.params_out, first.params_out)
