"""Train a generated model on a list of samples: on a Cortex-M board under QEMU, or on the host.

    write_project(module, "out"); build_project("out", "cortex-m7"); build_project("out", "host")
    run = train_on_board("out", images, labels)                      # model_board_train.elf under QEMU
    m4 = train_on_board("out", images, labels, target="cortex-m4")   # after build_project("out", "cortex-m4")
    run.predictions, run.losses, run.params["head.weight"], run.instructions, run.stack_bytes
    again = train_on_board("out", more_images, more_labels, initial_params=run.params)
    host = train_on_board("out", images, labels, target="host")      # the same C on the host

The program is the project's dataset program (driver.c built with TT_DATASET=1:
`model_board_train.elf`, `model_host_train`). For each sample it runs `tt_infer` (the
prediction is the first largest logit: numpy's argmax) and then `tt_train_step` (the loss
is the loss before the update), and at the end it writes every trainable parameter.

How the data gets in and out: the harness writes the samples (and the initial parameters,
if any) into a fresh working directory, and runs QEMU there; the guest opens the files
through semihosting (SYS_OPEN/SYS_READ/SYS_WRITE; QEMU resolves the guest's relative
paths against its own working directory), prints one line per sample on the semihosting
console, and writes the trained parameters into the same directory. The file formats
(little-endian) are documented in driver.c and implemented here by write_dataset,
write_params and read_params:

    tt_dataset.bin     "TTDS", u32 version 1, u32 count, u32 image_bytes, u32 flags,
                       then count x (image_bytes int8, int32 label)
    tt_params_*.bin    "TTPW", u32 version 1, u32 count, then count x (u32 name_length,
                       name, u32 dtype (0 int8, 1 int32, 2 float32), u32 rank,
                       rank x u32 shape, u32 bytes, values)

Errors: the program's own complaints (a missing or malformed file, a wrong image size,
a label out of range, a parameter the model lacks) raise ProgramError with its message;
a HardFault or another fault raises qemu.GuestFault (the board's fault report, and the
sample it happened in); a run past `timeout` raises TrainingTimeout; a missing program
raises FileNotFoundError (with the build_project call that makes it); missing QEMU raises
qemu.ToolMissing.
"""

from __future__ import annotations

import re
import signal
import struct
import subprocess
import tempfile
import time
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tiny_training.backends.cortex_m import qemu
# The file formats (re-exported: callers use harness.write_dataset, harness.FLAG_NO_TRAIN, ...).
from tiny_training.backends.cortex_m.dataset_files import (  # noqa: F401
    CODE_DTYPES,
    DATASET_FILE,
    DATASET_MAGIC,
    DTYPE_CODES,
    FLAG_LOAD_PARAMS,
    FLAG_NO_INFER,
    FLAG_NO_TRAIN,
    FORMAT_VERSION,
    HarnessError,
    PARAMS_IN_FILE,
    PARAMS_MAGIC,
    PARAMS_OUT_FILE,
    read_params,
    write_dataset,
    write_params,
)
from tiny_training.backends.cortex_m.project import default_build_dir, train_program_name
from tiny_training.backends.targets import DEFAULT_TARGET, HOST, Board, Target, resolve


GuestFault = qemu.GuestFault  # re-exported: what a fault on the board raises


class ProgramError(HarnessError):
    """The dataset program reported an error (`tt-error: ...`) and exited with a failure status."""

    def __init__(self, message: str, stdout: str, exit_code: int):
        super().__init__(message)
        self.stdout = stdout
        self.exit_code = exit_code


class TrainingTimeout(qemu.QemuTimeout, HarnessError):
    """The program did not finish within the time limit (on the board or on the host)."""


@dataclass
class TrainingRun:
    target: Target  # the host, or the board's target
    board: Board | None  # where it ran (None: the host)
    program: Path
    predictions: np.ndarray  # int64 [N]: argmax of the logits before each sample's step (-1: no inference)
    losses: np.ndarray | None  # float32 [N]: each step's loss (None: no training)
    logits: np.ndarray | None  # float32 [N, classes] (None: no inference)
    params: dict[str, np.ndarray]  # every trainable parameter after the last step
    saturated: int  # tt_saturation_count(): int8/int32 values clamped in the updates
    instructions: int | None  # guest instructions, reset to exit (board, when counted)
    stack_bytes: int | None  # stack high-water mark (board)
    stack_reserved: int | None  # the stack region's usable size (board)
    wall_seconds: float
    stdout: str = field(repr=False)


# --------------------------------------------------------------------------- running


def find_program(
    program: Path | str, target: Target | str | None = None, toolchain: str = "gcc", board: Board | str | None = None
) -> tuple[Path, Target, Board | None]:
    """The dataset program, its target and board: `program` is the executable itself (`.elf`:
    a board image, which names its board), or a project directory whose default build
    directory for the target (default DEFAULT_TARGET, cortex-m7) and board holds it."""
    path = Path(program)
    if path.is_dir():
        target, board = resolve(target or DEFAULT_TARGET, board)
        executable = default_build_dir(path, target, toolchain, board=board) / train_program_name(target)
        if not executable.is_file():
            board_argument = "" if board is None else f", board={board.name!r}"
            raise FileNotFoundError(
                f"no dataset program {executable}: build it with "
                f"build_project({str(path)!r}, {target.name!r}{board_argument}, toolchain={toolchain!r})"
            )
        return executable, target, board
    if not path.is_file():
        raise FileNotFoundError(f"no such program or project directory: {path}")
    found = qemu.board_of_elf(path) if path.suffix == ".elf" else None
    inferred = HOST if found is None else found.target
    if target is not None and resolve(target)[0] != inferred:
        raise ValueError(f"{path.name} is a {inferred.name} program, not {resolve(target)[0].name}")
    return path.resolve(), inferred, found


def train_on_board(
    program: Path | str,
    images: Sequence[np.ndarray] | np.ndarray,
    labels: Sequence[int] | np.ndarray,
    *,
    initial_params: Mapping[str, np.ndarray] | Path | str | None = None,
    target: Target | str | None = None,
    board: Board | str | None = None,
    toolchain: str = "gcc",
    train: bool = True,
    infer: bool = True,
    timeout: float = 300.0,
    count_instructions: bool = True,
    workdir: Path | str | None = None,
) -> TrainingRun:
    """Runs the dataset program on the samples (in order, one step each) and returns what it did.

    program: a project directory (with the target (default "cortex-m7"), board (default the
    target's) and toolchain whose build to use) or the program file itself. initial_params: parameters
    (by name, e.g. a previous run's `params`) or a parameter file, set with tt_set_param
    before the first sample; otherwise the compiled values. train / infer: run the
    training steps / the inferences. workdir: where the files go (default: a temporary
    directory, removed afterwards).
    """
    executable, target, board = find_program(program, target, toolchain, board)
    if isinstance(initial_params, (str, Path)) and not Path(initial_params).is_file():
        raise FileNotFoundError(f"no such parameter file: {initial_params}")
    if not (train or infer):
        raise ValueError("nothing to run: train and infer are both false")
    flags = (0 if train else FLAG_NO_TRAIN) | (0 if infer else FLAG_NO_INFER)
    if initial_params is not None:
        flags |= FLAG_LOAD_PARAMS

    with tempfile.TemporaryDirectory(prefix="tt-harness-") as scratch:
        directory = Path(workdir) if workdir is not None else Path(scratch)
        directory.mkdir(parents=True, exist_ok=True)
        write_dataset(directory / DATASET_FILE, images, labels, flags=flags)
        if isinstance(initial_params, (str, Path)):
            (directory / PARAMS_IN_FILE).write_bytes(Path(initial_params).read_bytes())
        elif initial_params is not None:
            write_params(directory / PARAMS_IN_FILE, initial_params)
        (directory / PARAMS_OUT_FILE).unlink(missing_ok=True)
        result = run_program(executable, directory, timeout=timeout, count_instructions=count_instructions)
        predictions, losses, logits, saturated = parse_output(result.stdout, len(np.asarray(labels).reshape(-1)))
        params = read_params(directory / PARAMS_OUT_FILE)
    return TrainingRun(
        target=target,
        board=board,
        program=executable,
        predictions=predictions,
        losses=losses if train else None,
        logits=logits if infer else None,
        params=params,
        saturated=saturated,
        instructions=result.instructions,
        stack_bytes=result.stack_bytes,
        stack_reserved=result.stack_reserved,
        wall_seconds=result.wall_seconds,
        stdout=result.stdout,
    )


def run_program(
    program: Path | str,
    directory: Path | str,
    *,
    target: Target | str | None = None,
    timeout: float = 300.0,
    count_instructions: bool = True,
) -> qemu.QemuResult:
    """Runs a dataset program in `directory` (its files must be there) until it exits;
    raises ProgramError, GuestFault, TrainingTimeout or HarnessError unless it ended well."""
    executable, target, board = find_program(program, target)
    directory = Path(directory).resolve()
    if board is not None:
        try:
            result = qemu.run_elf(
                executable, board=board, cwd=directory, timeout=timeout, count_instructions=count_instructions
            )
        except qemu.QemuTimeout as expired:
            partial = str(expired).partition("its output so far:\n")[2]
            raise TrainingTimeout(
                f"{executable.name} did not exit within {timeout:g} s under QEMU [{_progress(partial)}]; "
                f"the end of its output:\n{partial[-600:]}"
            ) from expired
        except qemu.GuestFault as fault:
            raise qemu.GuestFault(f"{fault} [{_progress(fault.result.stdout)}]", fault.result) from fault
    else:
        started = time.perf_counter()
        try:
            completed = subprocess.run(
                [str(executable)], cwd=directory, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                timeout=timeout, check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired as expired:
            partial = expired.stdout or ""
            partial = partial.decode(errors="replace") if isinstance(partial, bytes) else partial
            raise TrainingTimeout(
                f"{executable.name} did not exit within {timeout:g} s [{_progress(partial)}]"
            ) from expired
        if completed.returncode < 0:
            name = signal.Signals(-completed.returncode).name
            raise HarnessError(
                f"{executable.name} was killed by {name} [{_progress(completed.stdout)}]\n{completed.stderr[-2000:]}"
            )
        result = qemu.QemuResult(
            completed.returncode, completed.stdout, None, None, None, time.perf_counter() - started
        )
    if result.exit_code != 0:
        errors = re.findall(r"^tt-error: (.*)$", result.stdout, re.MULTILINE)
        if errors:
            raise ProgramError(f"{executable.name}: {errors[-1]}", result.stdout, result.exit_code)
        raise HarnessError(f"{executable.name} exited with status {result.exit_code}:\n{result.stdout[-2000:]}")
    return result


_SAMPLE_LINE = re.compile(r"^sample (\d+) pred (-?\d+)(?: loss 0x([0-9a-f]{8}))?$")
_LOGITS_LINE = re.compile(r"^logits (\d+)((?: 0x[0-9a-f]{8})+)$")


def parse_output(stdout: str, count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, int]:
    """predictions [count], losses [count] (NaN where not trained), logits [count, classes]
    or None, and the saturation count, from the program's lines."""
    predictions = np.full(count, -1, dtype=np.int64)
    losses = np.full(count, np.nan, dtype=np.float32)
    logits: dict[int, np.ndarray] = {}
    seen, saturated, done = set(), None, False
    for line in stdout.splitlines():
        if match := _SAMPLE_LINE.match(line):
            index = int(match.group(1))
            if not 0 <= index < count:
                raise HarnessError(f"unexpected sample index in {line!r}")
            seen.add(index)
            predictions[index] = int(match.group(2))
            if match.group(3) is not None:
                losses[index] = np.array([int(match.group(3), 16)], dtype=np.uint32).view(np.float32)[0]
        elif match := _LOGITS_LINE.match(line):
            bits = [int(word, 16) for word in match.group(2).split()]
            logits[int(match.group(1))] = np.array(bits, dtype=np.uint32).view(np.float32)
        elif line.startswith("saturated "):
            saturated = int(line.split()[1])
        elif line.startswith("done "):
            done = int(line.split()[1]) == count
    if not done or saturated is None or len(seen) != count:
        raise HarnessError(f"the program's output is incomplete ({len(seen)} of {count} samples):\n{stdout[-2000:]}")
    stacked = np.stack([logits[i] for i in range(count)]) if len(logits) == count else None
    return predictions, losses, stacked, saturated


def _progress(stdout: str) -> str:
    samples = re.findall(r"^sample (\d+) ", stdout, re.MULTILINE)
    if not samples:
        return "before the end of the first sample"
    return f"after {int(samples[-1]) + 1} samples"


# --------------------------------------------------------------------------- the A/B store
#
# tt_store.bin (runtime/include/tt_persist.h): slot A at 0, slot B at slot_bytes; each slot
# a 28-byte header (u32 magic "TTAB", version 1, sequence, payload length, payload CRC-32,
# slot_bytes, CRC-32 of the previous 24 bytes) and the payload: the TTPW serialization of
# the trainable parameters. CRC-32 is zlib.crc32. A fresh store is 2 x slot_bytes of 0xFF.
# This is an implementation independent of the C one (runtime/src/persist/tt_persist.c).

STORE_FILE = "tt_store.bin"
FAULT_FILE = "tt_fault.bin"
STORE_MAGIC = b"TTAB"
STORE_VERSION = 1
STORE_HEADER_BYTES = 28
FLAG_STORE_RESUME = 8
FLAG_STORE_SAVE = 16
FLAG_STORE_SAVE_EACH = 32
FLAG_FAULT = 64
FAULT_EXIT_STATUS = 99
SLOT_NAMES = ("A", "B")


class StoreError(HarnessError):
    """A store file that cannot be read, or holds no valid record."""


@dataclass
class SlotState:
    name: str  # "A" or "B"
    valid: bool
    sequence: int | None  # from a header whose CRC is right (None otherwise)
    length: int | None
    problem: str | None  # why not valid


@dataclass
class StoreState:
    slot_bytes: int
    slots: tuple[SlotState, SlotState]
    newest: str | None  # the valid slot with the highest sequence ("A" on a tie), None: no saved state
    payload: bytes | None = field(default=None, repr=False)  # the newest valid record's payload
    params: dict[str, np.ndarray] | None = field(default=None, repr=False)  # decoded from it

    @property
    def sequence(self) -> int | None:
        return None if self.newest is None else self.slots[SLOT_NAMES.index(self.newest)].sequence

    def describe(self) -> str:
        parts = []
        for slot in self.slots:
            state = f"seq {slot.sequence}" if slot.valid else f"invalid ({slot.problem})"
            parts.append(f"slot {slot.name} {state}")
        return ", ".join(parts)


def encode_params(params: Mapping[str, np.ndarray]) -> bytes:
    """The TTPW serialization of parameters (what write_params writes): a store payload."""
    with tempfile.TemporaryDirectory(prefix="tt-store-") as scratch:
        path = Path(scratch) / "params.bin"
        write_params(path, params)
        return path.read_bytes()


def decode_params(payload: bytes, what: str = "payload") -> dict[str, np.ndarray]:
    """Parameters from a TTPW serialization (read_params on bytes)."""
    with tempfile.TemporaryDirectory(prefix="tt-store-") as scratch:
        path = Path(scratch) / "params.bin"
        path.write_bytes(payload)
        try:
            return read_params(path)
        except HarnessError as error:
            raise StoreError(str(error).replace(str(path), what)) from None


def store_slot_bytes(payload_bytes: int) -> int:
    """The slot size the device uses for a payload of this size: header + payload, rounded up to 8."""
    return (STORE_HEADER_BYTES + payload_bytes + 7) // 8 * 8


def encode_slot(payload: bytes, sequence: int, slot_bytes: int) -> bytes:
    """One committed slot record: header + payload (without the slot's erased tail)."""
    if STORE_HEADER_BYTES + len(payload) > slot_bytes:
        raise ValueError(f"a payload of {len(payload)} bytes does not fit a slot of {slot_bytes} bytes")
    head = STORE_MAGIC + struct.pack("<5I", STORE_VERSION, sequence, len(payload), zlib.crc32(payload), slot_bytes)
    return head + struct.pack("<I", zlib.crc32(head)) + payload


def read_store(path: Path | str, slot_bytes: int | None = None) -> StoreState:
    """Verifies both slots of a store file; the newest valid record's parameters are decoded.
    slot_bytes: the store's geometry (default: half the file, as the device formats it)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise StoreError(f"cannot read the store {path}: {error.strerror}") from None
    if slot_bytes is None:
        if len(data) % 2 or len(data) < 2 * STORE_HEADER_BYTES:
            raise StoreError(f"{path}: {len(data)} bytes is not two slots (give slot_bytes)")
        slot_bytes = len(data) // 2
    slots = []
    for index, name in enumerate(SLOT_NAMES):
        start = index * slot_bytes
        header = data[start : start + STORE_HEADER_BYTES]
        slot = SlotState(name, False, None, None, None)
        slots.append(slot)
        if len(header) < STORE_HEADER_BYTES:
            slot.problem = "unreadable header (file too short)"
            continue
        if header[:4] != STORE_MAGIC:
            slot.problem = "no record (bad magic)"
            continue
        version, sequence, length, payload_crc, recorded_slot_bytes, header_crc = struct.unpack_from("<6I", header, 4)
        if zlib.crc32(header[:24]) != header_crc:
            slot.problem = "header CRC mismatch"
            continue
        if version != STORE_VERSION or recorded_slot_bytes != slot_bytes:
            slot.problem = f"other format version or slot size (version {version}, slot {recorded_slot_bytes} bytes)"
            continue
        slot.sequence, slot.length = sequence, length
        if length > slot_bytes - STORE_HEADER_BYTES:
            slot.problem = "payload length over the slot size"
            continue
        payload = data[start + STORE_HEADER_BYTES : start + STORE_HEADER_BYTES + length]
        if len(payload) < length:
            slot.problem = "unreadable payload (file too short)"
            continue
        if zlib.crc32(payload) != payload_crc:
            slot.problem = "payload CRC mismatch"
            continue
        slot.valid = True
    valid = [slot for slot in slots if slot.valid]
    state = StoreState(slot_bytes, (slots[0], slots[1]), None)
    if valid:
        newest = max(valid, key=lambda slot: (slot.sequence, slot.name == "A"))
        start = SLOT_NAMES.index(newest.name) * slot_bytes + STORE_HEADER_BYTES
        state.newest = newest.name
        state.payload = data[start : start + newest.length]
        state.params = decode_params(state.payload, f"{path} slot {newest.name}")
    return state


def verify_store(path: Path | str, slot_bytes: int | None = None) -> StoreState:
    """read_store, raising StoreError when neither slot holds a valid record."""
    state = read_store(path, slot_bytes)
    if state.newest is None:
        raise StoreError(f"{path}: no saved state ({state.describe()})")
    return state


def write_store(
    path: Path | str,
    params: Mapping[str, np.ndarray],
    *,
    sequence: int = 1,
    slot: str = "A",
    slot_bytes: int | None = None,
) -> StoreState:
    """Restore: a fresh store (both slots erased) with one record of `params` in `slot`;
    the device resumes from it (FLAG_STORE_RESUME). params should be every trainable
    parameter, so that slot_bytes (default: the device's for that payload) matches."""
    payload = encode_params(params)
    slot_bytes = slot_bytes or store_slot_bytes(len(payload))
    data = bytearray(b"\xff" * (2 * slot_bytes))
    record = encode_slot(payload, sequence, slot_bytes)
    start = SLOT_NAMES.index(slot) * slot_bytes
    data[start : start + len(record)] = record
    Path(path).write_bytes(bytes(data))
    return read_store(path, slot_bytes)


@dataclass
class StoreRun:
    exit_code: int  # 0, or FAULT_EXIT_STATUS when the fault injection stopped it
    stdout: str
    interrupted: bool
    loaded: tuple[str, int] | None  # (slot, sequence) it resumed from
    saved: list[tuple[str, int]]  # (slot, sequence) of each completed save
    invalid: dict[str, str]  # slot -> problem, as the device saw them on resume
    params_out: dict[str, np.ndarray] | None  # tt_params_out.bin (None when interrupted)


_STORE_LINE = re.compile(r"^store (loaded|saved) slot ([AB]) seq (\d+)$", re.MULTILINE)
_INVALID_LINE = re.compile(r"^store slot ([AB]) invalid: (.*)$", re.MULTILINE)


def run_with_store(
    program: Path | str,
    directory: Path | str,
    images,
    labels,
    *,
    target: Target | str | None = None,
    resume: bool = False,
    save: bool = False,
    save_each: bool = False,
    fault_after: int | None = None,
    train: bool = True,
    infer: bool = True,
    timeout: float = 120.0,
) -> StoreRun:
    """Runs the dataset program in `directory` (whose tt_store.bin, if any, it uses) with the
    store flags; fault_after: stop after that many bytes written to the store (tt_fault.bin).
    Returns what it did; an interruption by the fault injection is not an error."""
    executable, target, board = find_program(program, target)
    directory = Path(directory).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    flags = (0 if train else FLAG_NO_TRAIN) | (0 if infer else FLAG_NO_INFER)
    flags |= (FLAG_STORE_RESUME if resume else 0) | (FLAG_STORE_SAVE if save else 0)
    flags |= FLAG_STORE_SAVE_EACH if save_each else 0
    if fault_after is not None:
        flags |= FLAG_FAULT
        (directory / FAULT_FILE).write_bytes(struct.pack("<I", fault_after))
    write_dataset(directory / DATASET_FILE, images, labels, flags=flags)
    (directory / PARAMS_OUT_FILE).unlink(missing_ok=True)
    if board is not None:
        result = qemu.run_elf(executable, board=board, cwd=directory, timeout=timeout, count_instructions=False)
        exit_code, stdout = result.exit_code, result.stdout
    else:
        completed = subprocess.run(
            [str(executable)], cwd=directory, stdin=subprocess.DEVNULL, capture_output=True, text=True,
            timeout=timeout, check=False,
        )  # fmt: skip
        exit_code, stdout = completed.returncode, completed.stdout
    if exit_code not in (0, FAULT_EXIT_STATUS):
        errors = re.findall(r"^tt-error: (.*)$", stdout, re.MULTILINE)
        if errors:
            raise ProgramError(f"{executable.name}: {errors[-1]}", stdout, exit_code)
        raise HarnessError(f"{executable.name} exited with status {exit_code}:\n{stdout[-2000:]}")
    events = _STORE_LINE.findall(stdout)
    loaded = [(slot, int(seq)) for kind, slot, seq in events if kind == "loaded"]
    interrupted = exit_code == FAULT_EXIT_STATUS
    return StoreRun(
        exit_code=exit_code,
        stdout=stdout,
        interrupted=interrupted,
        loaded=loaded[0] if loaded else None,
        saved=[(slot, int(seq)) for kind, slot, seq in events if kind == "saved"],
        invalid=dict(_INVALID_LINE.findall(stdout)),
        params_out=None if interrupted else read_params(directory / PARAMS_OUT_FILE),
    )


def start_with_store(program: Path | str, directory: Path | str, *, target: Target | str | None = None) -> subprocess.Popen:
    """Starts the dataset program in `directory` (its files already there: write_dataset with
    the store flags) without waiting; on the board QEMU writes the console to tt_console.txt.
    For tests that kill it (e.g. with SIGKILL) at an arbitrary moment."""
    executable, target, board = find_program(program, target)
    directory = Path(directory).resolve()
    if board is not None:
        command = qemu.qemu_command(executable, board, directory / "tt_console.txt")
        return subprocess.Popen(command, cwd=directory, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)  # fmt: skip
    console = open(directory / "tt_console.txt", "wb")  # noqa: SIM115 (the child keeps it)
    try:
        return subprocess.Popen([str(executable)], cwd=directory, stdin=subprocess.DEVNULL, stdout=console,
                                stderr=subprocess.DEVNULL)  # fmt: skip
    finally:
        console.close()
