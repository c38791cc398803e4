"""A tiny line-plot helper for the benchmarks: PNG files drawn with Pillow (no matplotlib).

    from plots import line_plot, moving_average
    line_plot("loss.png", {"fp32": losses_a, "int8": losses_b}, title="mcunet-5fps", xlabel="step", ylabel="loss")

Each series is a sequence of y values at x = 1, 2, ...; non-finite values are skipped.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

COLORS = ((31, 119, 180), (214, 39, 40), (44, 160, 44), (255, 127, 14), (148, 103, 189), (140, 86, 75))


def moving_average(values: Sequence[float], window: int) -> list[float]:
    """The mean of the last `window` values at each position (fewer at the start)."""
    out: list[float] = []
    total = 0.0
    for index, value in enumerate(values):
        total += value
        if index >= window:
            total -= values[index - window]
        out.append(total / min(index + 1, window))
    return out


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About `count` round tick values from at or below `low` to at or above `high`."""
    if not high > low:
        high = low + 1.0
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step + 1e-9)
    last = math.ceil(high / step - 1e-9)
    return [round(index * step, 10) for index in range(first, last + 1)]


def _label(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e5 else f"{value:.2e}"


def line_plot(
    path: str | Path,
    series: Mapping[str, Sequence[float]],
    *,
    title: str = "",
    xlabel: str = "",
    ylabel: str = "",
    width: int = 800,
    height: int = 480,
) -> Path:
    """Draws the series as lines on shared axes with a legend; returns the PNG's path."""
    path = Path(path)
    font = ImageFont.load_default()
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    left, right, top, bottom = 70, width - 20, 40, height - 50
    points = [(x, y) for values in series.values() for x, y in enumerate(values, start=1) if math.isfinite(y)]
    x_max = max((x for x, _ in points), default=1)
    y_values = [y for _, y in points] or [0.0, 1.0]
    y_low, y_high = min(y_values), max(y_values)
    if y_high - y_low < 1e-12:
        y_low, y_high = y_low - 0.5, y_high + 0.5
    y_ticks = nice_ticks(y_low, y_high)
    y_low, y_high = min(y_low, y_ticks[0]), max(y_high, y_ticks[-1])
    x_ticks = [t for t in nice_ticks(0, x_max) if t <= x_max]  # the x axis ends at the last point

    def to_pixel(x: float, y: float) -> tuple[float, float]:
        px = left + (x - 0) / max(x_max, 1) * (right - left)
        py = bottom - (y - y_low) / (y_high - y_low) * (bottom - top)
        return px, py

    for tick in y_ticks:
        _, py = to_pixel(0, tick)
        draw.line([(left, py), (right, py)], fill=(225, 225, 225))
        text = _label(tick)
        draw.text((left - 6 - draw.textlength(text, font=font), py - 6), text, fill="black", font=font)
    for tick in x_ticks:
        px, _ = to_pixel(tick, y_low)
        draw.line([(px, bottom), (px, bottom + 4)], fill="black")
        text = _label(tick)
        draw.text((px - draw.textlength(text, font=font) / 2, bottom + 8), text, fill="black", font=font)
    draw.rectangle([left, top, right, bottom], outline="black")

    for index, (name, values) in enumerate(series.items()):
        color = COLORS[index % len(COLORS)]
        line = [to_pixel(x, y) for x, y in enumerate(values, start=1) if math.isfinite(y)]
        if len(line) == 1:
            px, py = line[0]
            draw.ellipse([px - 2, py - 2, px + 2, py + 2], fill=color)
        elif line:
            draw.line(line, fill=color, width=2)
        legend_y = top + 8 + 16 * index
        draw.line([(right - 150, legend_y + 6), (right - 125, legend_y + 6)], fill=color, width=3)
        draw.text((right - 118, legend_y), name, fill="black", font=font)

    if title:
        draw.text(((width - draw.textlength(title, font=font)) / 2, 14), title, fill="black", font=font)
    if xlabel:
        draw.text(((left + right - draw.textlength(xlabel, font=font)) / 2, height - 22), xlabel, fill="black", font=font)
    if ylabel:
        label = Image.new("RGB", (int(draw.textlength(ylabel, font=font)) + 4, 14), "white")
        ImageDraw.Draw(label).text((2, 0), ylabel, fill="black", font=font)
        rotated = label.rotate(90, expand=True)
        image.paste(rotated, (6, int((top + bottom - rotated.height) / 2)))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, format="PNG")
    return path
