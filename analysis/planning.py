"""Static arena planning: offsets for buffers with known sizes and lifetimes.

A buffer needs `size` bytes at an offset that is a multiple of `alignment`, from
schedule step `first` to step `last` (inclusive). Two buffers *conflict* when their
lifetimes share a step; conflicting buffers must not share a byte. The arena is
the largest `offset + size`.

* `lower_bound`: the largest number of (alignment-padded) bytes live at one step.
  No plan can use less, since all of those buffers are disjoint at that step.
* `greedy-by-size`: largest buffers first; each goes into the best-fitting gap
  (the smallest that is large enough) between the buffers it conflicts with.
* `greedy-by-conflicts`: the most constrained buffers first (largest total size
  of the buffers they conflict with), same placement rule.
* `optimal`: OR-Tools CP-SAT, one box per buffer (steps x bytes, no two boxes
  overlap), minimising the arena, started from the better greedy plan, within a
  time limit; reports whether it proved optimality and the remaining gap.

`check_plan` verifies any plan independently of how it was made.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Buffer:
    name: str
    size: int
    alignment: int
    first: int
    last: int

    @property
    def padded_size(self) -> int:
        return -(-self.size // self.alignment) * self.alignment

    def conflicts(self, other: Buffer) -> bool:
        return self.first <= other.last and other.first <= self.last


@dataclass(frozen=True)
class Plan:
    algorithm: str
    offsets: tuple[int, ...]  # one per buffer, in input order
    arena: int
    lower_bound: int
    seconds: float
    optimal: bool = False  # proved optimal (by the solver, or by meeting the lower bound)
    solver_bound: int = 0  # best lower bound known (solver's or liveness's)
    status: str = ""

    @property
    def gap(self) -> float:
        """(arena - best known lower bound) / arena."""
        bound = max(self.solver_bound, self.lower_bound)
        return 0.0 if self.arena == 0 else (self.arena - bound) / self.arena


ALGORITHMS = ("greedy-by-size", "greedy-by-conflicts", "optimal")


def live_bytes(buffers: Sequence[Buffer]) -> list[int]:
    """Padded bytes live at each step 0..last step."""
    steps = max((b.last for b in buffers), default=-1) + 1
    delta = [0] * (steps + 1)
    for b in buffers:
        delta[b.first] += b.padded_size
        delta[b.last + 1] -= b.padded_size
    live, total = [], 0
    for step in range(steps):
        total += delta[step]
        live.append(total)
    return live


def lower_bound(buffers: Sequence[Buffer]) -> tuple[int, int]:
    """(bytes, step): the largest number of padded bytes live at one step, and the first such step."""
    live = live_bytes(buffers)
    if not live:
        return 0, 0
    peak = max(live)
    return peak, live.index(peak)


def _round_up(value: int, alignment: int) -> int:
    return -(-value // alignment) * alignment


def _place(order: Sequence[int], buffers: Sequence[Buffer]) -> list[int]:
    offsets: list[int | None] = [None] * len(buffers)
    for index in order:
        buffer = buffers[index]
        size = buffer.padded_size
        taken = sorted(
            (offsets[j], offsets[j] + buffers[j].padded_size)  # type: ignore[operator]
            for j in range(len(buffers))
            if offsets[j] is not None and buffers[j].conflicts(buffer)
        )
        best: tuple[int, int] | None = None  # (gap size, offset)
        cursor = 0
        for start, end in taken:
            candidate = _round_up(cursor, buffer.alignment)
            if start - candidate >= size:
                gap = start - candidate
                if best is None or gap < best[0]:
                    best = (gap, candidate)
            cursor = max(cursor, end)
        offsets[index] = best[1] if best is not None else _round_up(cursor, buffer.alignment)
    return [o for o in offsets if o is not None]


def _arena(buffers: Sequence[Buffer], offsets: Sequence[int]) -> int:
    return max((o + b.padded_size for o, b in zip(offsets, buffers)), default=0)


def greedy(buffers: Sequence[Buffer], algorithm: str) -> Plan:
    started = time.perf_counter()
    if algorithm == "greedy-by-size":
        order = sorted(range(len(buffers)), key=lambda i: (-buffers[i].padded_size, buffers[i].first, i))
    elif algorithm == "greedy-by-conflicts":
        pressure = [
            sum(other.padded_size for other in buffers if other is not b and other.conflicts(b)) for b in buffers
        ]
        order = sorted(range(len(buffers)), key=lambda i: (-pressure[i], -buffers[i].padded_size, i))
    else:
        raise ValueError(f"unknown greedy algorithm {algorithm!r}")
    offsets = _place(order, buffers)
    arena = _arena(buffers, offsets)
    bound, _ = lower_bound(buffers)
    return Plan(
        algorithm, tuple(offsets), arena, bound, time.perf_counter() - started,
        optimal=arena == bound, solver_bound=bound, status="greedy",
    )  # fmt: skip


def optimal(buffers: Sequence[Buffer], time_limit: float = 10.0, workers: int = 2) -> Plan:
    """CP-SAT: minimise the arena; never worse than the better greedy plan (its start)."""
    from ortools.sat.python import cp_model

    started = time.perf_counter()
    start = min((greedy(buffers, name) for name in ALGORITHMS[:2]), key=lambda p: p.arena)
    bound, _ = lower_bound(buffers)
    if start.arena == bound:  # the greedy plan meets the lower bound: nothing to improve
        return Plan("optimal", start.offsets, start.arena, bound, time.perf_counter() - started,
                    optimal=True, solver_bound=bound, status="greedy meets the lower bound")  # fmt: skip
    model = cp_model.CpModel()
    arena = model.new_int_var(bound, start.arena, "arena")
    x_intervals, y_intervals, offset_vars = [], [], []
    for i, b in enumerate(buffers):
        slot = model.new_int_var(0, (start.arena - b.padded_size) // b.alignment, f"slot{i}")
        offset = model.new_int_var(0, start.arena - b.padded_size, f"offset{i}")
        model.add(offset == slot * b.alignment)
        model.add(offset + b.padded_size <= arena)
        model.add_hint(slot, start.offsets[i] // b.alignment)
        model.add_hint(offset, start.offsets[i])
        x_intervals.append(model.new_fixed_size_interval_var(b.first, b.last - b.first + 1, f"steps{i}"))
        y_intervals.append(model.new_fixed_size_interval_var(offset, b.padded_size, f"bytes{i}"))
        offset_vars.append(offset)
    model.add_no_overlap_2d(x_intervals, y_intervals)
    model.add_hint(arena, start.arena)
    model.minimize(arena)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit)
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = 1
    status = solver.solve(model)
    seconds = time.perf_counter() - started
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Plan("optimal", start.offsets, start.arena, bound, seconds, optimal=False,
                    solver_bound=bound, status=f"solver {solver.status_name(status)}; kept {start.algorithm}")  # fmt: skip
    offsets = tuple(int(solver.value(v)) for v in offset_vars)
    value = _arena(buffers, offsets)
    if value > start.arena:  # cannot happen with the arena's upper bound, but never return worse
        offsets, value = start.offsets, start.arena
    solver_bound = max(bound, int(solver.best_objective_bound))
    return Plan(
        "optimal", offsets, value, bound, seconds,
        optimal=status == cp_model.OPTIMAL or value == solver_bound, solver_bound=solver_bound,
        status=solver.status_name(status),
    )  # fmt: skip


def plan(buffers: Sequence[Buffer], algorithm: str, time_limit: float = 10.0) -> Plan:
    if algorithm == "optimal":
        return optimal(buffers, time_limit)
    return greedy(buffers, algorithm)


@dataclass
class PlanCheck:
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_plan(buffers: Sequence[Buffer], offsets: Sequence[int], arena: int) -> PlanCheck:
    """Independent check: alignment, inside the arena, no two conflicting buffers share a byte."""
    check = PlanCheck()
    if len(offsets) != len(buffers):
        check.problems.append(f"{len(offsets)} offsets for {len(buffers)} buffers")
        return check
    for b, offset in zip(buffers, offsets):
        if offset < 0 or offset % b.alignment:
            check.problems.append(f"{b.name}: offset {offset} is not a non-negative multiple of {b.alignment}")
        if offset + b.size > arena:
            check.problems.append(f"{b.name}: bytes [{offset}, {offset + b.size}) exceed the arena of {arena}")
    # Sweep over steps: only buffers live at the same step can collide.
    by_first = sorted(range(len(buffers)), key=lambda i: buffers[i].first)
    active: list[int] = []
    for i in by_first:
        b = buffers[i]
        active = [j for j in active if buffers[j].last >= b.first]
        for j in active:
            a = buffers[j]
            if offsets[i] < offsets[j] + a.size and offsets[j] < offsets[i] + b.size:
                check.problems.append(
                    f"{a.name} [{offsets[j]}, {offsets[j] + a.size}) steps {a.first}-{a.last} overlaps "
                    f"{b.name} [{offsets[i]}, {offsets[i] + b.size}) steps {b.first}-{b.last}"
                )
        active.append(i)
    return check
