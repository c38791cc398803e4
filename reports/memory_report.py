"""The memory report of a planned arena: a text table and an SVG picture.

The table gives the arena, its lower bound and their ratio, the solver's gap, the
SRAM total with the trainable parameters, the breakdown by role at the peak step,
and one row per buffer. The picture draws each buffer as a rectangle (schedule
step across, arena offset up), coloured by role, with the peak step and the lower
bound marked.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from html import escape

from tiny_training.analysis.planning import Buffer, Plan, lower_bound

ROLE_COLOURS = {
    "input": "#8c564b",
    "activation": "#1f77b4",
    "saved": "#2ca02c",
    "mask": "#9467bd",
    "gradient": "#ff7f0e",
    "scratch": "#7f7f7f",
}
ROLE_LABELS = {
    "input": "inputs",
    "activation": "activations",
    "saved": "saved activations",
    "mask": "clamp masks",
    "gradient": "gradients",
    "scratch": "scratch",
}


@dataclass(frozen=True)
class MemoryReport:
    function: str
    buffers: list[Buffer]
    roles: list[str]
    plan: Plan
    step_ops: list[str]
    trainable_bytes: int

    @property
    def total_sram(self) -> int:
        """Arena plus the trainable parameters that live in SRAM beside it."""
        return self.plan.arena + self.trainable_bytes

    @property
    def peak_step(self) -> int:
        """The first step with the most bytes live (where the lower bound is reached)."""
        return lower_bound(self.buffers)[1]

    def live_at(self, step: int) -> list[int]:
        return [i for i, b in enumerate(self.buffers) if b.first <= step <= b.last]

    def breakdown(self, step: int) -> dict[str, int]:
        """Bytes by role of the buffers live at `step`."""
        totals: dict[str, int] = defaultdict(int)
        for i in self.live_at(step):
            totals[self.roles[i]] += self.buffers[i].padded_size
        return dict(totals)

    def breakdown_lines(self) -> list[str]:
        step = self.peak_step
        op = self.step_ops[step] if step < len(self.step_ops) else "?"
        parts = self.breakdown(step)
        live = sum(parts.values())
        lines = [f"peak at step {step} ({op}):"]
        for role in ROLE_LABELS:
            lines.append(f"  {ROLE_LABELS[role]:<20}{parts.get(role, 0):>10,} B")
        lines.append(f"  {'arena unused here':<20}{self.plan.arena - live:>10,} B (fragmentation)")
        lines.append(f"  {'trainable weights':<20}{self.trainable_bytes:>10,} B (SRAM, outside the arena)")
        lines.append(f"  {'total':<20}{self.total_sram:>10,} B")
        return lines

    def over_budget_message(self, budget: int) -> str:
        lines = [
            f"the plan needs {self.total_sram:,} B of SRAM (arena {self.plan.arena:,} B + trainable weights "
            f"{self.trainable_bytes:,} B), over the budget of {budget:,} B by {self.total_sram - budget:,} B; "
            f"{self.breakdown_lines()[0]}"
        ]
        lines += self.breakdown_lines()[1:]
        return "\n".join(lines)


def render_table(report: MemoryReport) -> str:
    plan = report.plan
    ratio = plan.arena / plan.lower_bound if plan.lower_bound else 1.0
    lines = [
        f"memory plan for @{report.function}: {len(report.buffers)} buffers, {len(report.step_ops)} steps",
        f"algorithm {plan.algorithm} ({plan.status}, {plan.seconds:.2f} s)",
        f"arena {plan.arena:,} B, lower bound {plan.lower_bound:,} B, ratio {ratio:.4f}, "
        f"gap to best bound {plan.gap:.2%}{' (optimal)' if plan.optimal else ''}",
    ]
    lines += report.breakdown_lines()
    header = f"{'buffer':>7} {'role':<11}{'bytes':>9}{'offset':>9}{'end':>9}  {'steps':<11}first writer"
    lines += ["", header, "-" * len(header)]
    for i, (b, offset) in enumerate(zip(report.buffers, plan.offsets)):
        writer = report.step_ops[b.first] if b.first < len(report.step_ops) else "?"
        lines.append(
            f"{b.name:>7} {report.roles[i]:<11}{b.size:>9,}{offset:>9,}{offset + b.size:>9,}  "
            f"{f'{b.first}-{b.last}':<11}{writer}"
        )
    return "\n".join(lines)


def render_svg(report: MemoryReport, width: int = 1200, height: int = 600) -> str:
    """The plan as an SVG: x = schedule step, y = arena offset (0 at the bottom)."""
    margin_left, margin_right, margin_top, margin_bottom = 80, 200, 40, 50
    steps = max(len(report.step_ops), max((b.last + 1 for b in report.buffers), default=1))
    arena = max(report.plan.arena, 1)
    plot_w = width - margin_left - margin_right
    plot_h = height - margin_top - margin_bottom

    def x(step: float) -> float:
        return margin_left + plot_w * step / steps

    def y(offset: float) -> float:
        return margin_top + plot_h * (1 - offset / arena)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="white"/>',
        f'<text x="{margin_left}" y="20" font-size="14">{escape(report.function)}: arena '
        f'{report.plan.arena:,} B ({escape(report.plan.algorithm)}), lower bound {report.plan.lower_bound:,} B, '
        f"+ trainable {report.trainable_bytes:,} B = {report.total_sram:,} B SRAM</text>",
        f'<rect x="{margin_left}" y="{margin_top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="black"/>',
    ]
    for i, (b, offset) in enumerate(zip(report.buffers, report.plan.offsets)):
        colour = ROLE_COLOURS.get(report.roles[i], "#333333")
        top, bottom = y(offset + b.size), y(offset)
        out.append(
            f'<rect x="{x(b.first):.2f}" y="{top:.2f}" width="{max(x(b.last + 1) - x(b.first), 0.5):.2f}" '
            f'height="{max(bottom - top, 0.5):.2f}" fill="{colour}" fill-opacity="0.75" stroke="black" '
            f'stroke-width="0.3"><title>{escape(b.name)} {escape(report.roles[i])}: {b.size:,} B at '
            f"{offset:,}, steps {b.first}-{b.last}</title></rect>"
        )
    peak = report.peak_step
    out.append(
        f'<line x1="{x(peak + 0.5):.2f}" y1="{margin_top}" x2="{x(peak + 0.5):.2f}" y2="{margin_top + plot_h}" '
        f'stroke="red" stroke-width="1.5" stroke-dasharray="6,3"/>'
    )
    out.append(f'<text x="{x(peak + 0.5) + 4:.2f}" y="{margin_top + 14}" fill="red">peak, step {peak}</text>')
    bound = report.plan.lower_bound
    out.append(
        f'<line x1="{margin_left}" y1="{y(bound):.2f}" x2="{margin_left + plot_w}" y2="{y(bound):.2f}" '
        f'stroke="black" stroke-dasharray="2,2"/>'
    )
    out.append(f'<text x="{margin_left + plot_w + 4}" y="{y(bound) + 4:.2f}">lower bound</text>')
    for fraction in (0, 0.25, 0.5, 0.75, 1):
        out.append(
            f'<text x="{margin_left - 6}" y="{y(arena * fraction) + 4:.2f}" text-anchor="end">'
            f"{int(arena * fraction):,}</text>"
        )
        out.append(
            f'<text x="{x(steps * fraction):.2f}" y="{margin_top + plot_h + 16}" text-anchor="middle">'
            f"{int(steps * fraction)}</text>"
        )
    out.append(
        f'<text x="{margin_left + plot_w / 2}" y="{height - 10}" text-anchor="middle">schedule step</text>'
    )
    out.append(
        f'<text x="16" y="{margin_top + plot_h / 2}" transform="rotate(-90 16 {margin_top + plot_h / 2})" '
        f'text-anchor="middle">arena offset (bytes)</text>'
    )
    for row, (role, label) in enumerate(ROLE_LABELS.items()):
        ly = margin_top + 40 + 20 * row
        out.append(f'<rect x="{margin_left + plot_w + 10}" y="{ly}" width="12" height="12" fill="{ROLE_COLOURS[role]}"/>')
        out.append(f'<text x="{margin_left + plot_w + 28}" y="{ly + 10}">{label}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def render_png(report: MemoryReport, path: str, width: int = 1200, height: int = 600) -> None:
    """The same picture as `render_svg`, as a PNG (Pillow)."""
    from PIL import Image, ImageDraw

    margin_left, margin_right, margin_top, margin_bottom = 90, 190, 40, 50
    steps = max(len(report.step_ops), max((b.last + 1 for b in report.buffers), default=1))
    arena = max(report.plan.arena, 1)
    plot_w = width - margin_left - margin_right
    plot_h = height - margin_top - margin_bottom

    def x(step: float) -> float:
        return margin_left + plot_w * step / steps

    def y(offset: float) -> float:
        return margin_top + plot_h * (1 - offset / arena)

    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text(
        (margin_left, 12),
        f"{report.function}: arena {report.plan.arena:,} B ({report.plan.algorithm}), lower bound "
        f"{report.plan.lower_bound:,} B, + trainable {report.trainable_bytes:,} B = {report.total_sram:,} B SRAM",
        fill="black",
    )
    draw.rectangle([margin_left, margin_top, margin_left + plot_w, margin_top + plot_h], outline="black")
    for i, (b, offset) in enumerate(zip(report.buffers, report.plan.offsets)):
        colour = ROLE_COLOURS.get(report.roles[i], "#333333")
        left, right = x(b.first), max(x(b.last + 1), x(b.first) + 1)
        top, bottom = y(offset + b.size), max(y(offset), y(offset + b.size) + 1)
        draw.rectangle([left, top, right, bottom], fill=colour, outline="black")
    peak = x(report.peak_step + 0.5)
    for start in range(margin_top, margin_top + plot_h, 8):
        draw.line([peak, start, peak, min(start + 5, margin_top + plot_h)], fill="red", width=2)
    draw.text((peak + 4, margin_top + 4), f"peak, step {report.peak_step}", fill="red")
    bound = y(report.plan.lower_bound)
    for start in range(margin_left, margin_left + plot_w, 6):
        draw.line([start, bound, min(start + 3, margin_left + plot_w), bound], fill="black")
    draw.text((margin_left + plot_w + 4, bound - 6), "lower bound", fill="black")
    for fraction in (0, 0.25, 0.5, 0.75, 1):
        label = f"{int(arena * fraction):,}"
        draw.text((margin_left - 8 - 6 * len(label), y(arena * fraction) - 6), label, fill="black")
        draw.text((x(steps * fraction) - 8, margin_top + plot_h + 6), str(int(steps * fraction)), fill="black")
    draw.text((margin_left + plot_w / 2 - 40, height - 20), "schedule step", fill="black")
    draw.text((4, margin_top - 16), "arena offset (B)", fill="black")
    for row, (role, label) in enumerate(ROLE_LABELS.items()):
        top = margin_top + 40 + 20 * row
        draw.rectangle([margin_left + plot_w + 10, top, margin_left + plot_w + 22, top + 12], fill=ROLE_COLOURS[role])
        draw.text((margin_left + plot_w + 28, top), label, fill="black")
    image.save(path)
