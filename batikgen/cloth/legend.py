"""The legend strip beside the cloth: how each mapped rhythm ran over time, and what it drove.

Everything is ordinary Composition geometry in millimetres, so raster and SVG outputs get the same
legend. One column per trait of the plan, aligned with the cloth's rows: a filled plot of the
normalised feature (0 at the column's left edge, 1 at its right) and, beside it, a label running
down the column ("relative alpha → fullness: relaxed, eyes-closed alpha swells the petals"). A time
column gives minutes and seconds of the recording at the rows' boundaries. Labels are glyph
outlines converted to polygons: DejaVu Sans from matplotlib's data (installed with MNE), read
straight from the file so the glyphs are the same wherever that version is installed and no
system font configuration is consulted; the system's default face otherwise.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache, reduce
from pathlib import Path

import numpy as np
import shapely
import skia

from ..mapping.plan import MotifPlan, TraitRecord
from ..motifs.kit.geometry import polygonal
from ..motifs.kit.palettes import Palette
from .composition import Layer

#: Em size at which glyph outlines are read (then scaled): large enough for smooth curves.
_GLYPH_EM = 64.0
_CURVE_STEPS = 6
#: Width of the time column, in legend units: a "m:ss" label and its tick.
_TIME_COLUMN = 2.2


def _unit(plan: MotifPlan) -> float:
    """The legend's module: a 40th of the cloth's width, so the strip scales with the cloth."""
    return plan.cloth.width_mm / 40.0


def legend_width(plan: MotifPlan) -> float:
    """Width of the strip in mm: a margin, a time column, one column per trait, a margin."""
    u = _unit(plan)
    return u * (0.8 + _TIME_COLUMN + 2.8 * len(plan.traits) + 0.6)


def _flatten(path: skia.Path) -> list[np.ndarray]:
    """The contours of a skia path as vertex arrays, curves sampled into line segments."""
    rings: list[list] = []
    current: list = []
    steps = np.linspace(0, 1, _CURVE_STEPS + 1)[1:, None]
    for verb, points in path:
        pts = np.array([[p.x(), p.y()] for p in points])
        if verb == skia.Path.Verb.kMove_Verb:
            if len(current) > 2:
                rings.append(current)
            current = [pts[0]]
        elif verb == skia.Path.Verb.kLine_Verb:
            current.append(pts[1])
        elif verb in (skia.Path.Verb.kQuad_Verb, skia.Path.Verb.kConic_Verb):
            p0, p1, p2 = pts[:3]
            current.extend((1 - steps) ** 2 * p0 + 2 * (1 - steps) * steps * p1 + steps**2 * p2)
        elif verb == skia.Path.Verb.kCubic_Verb:
            p0, p1, p2, p3 = pts[:4]
            current.extend((1 - steps) ** 3 * p0 + 3 * (1 - steps) ** 2 * steps * p1
                           + 3 * (1 - steps) * steps**2 * p2 + steps**3 * p3)
        elif verb == skia.Path.Verb.kClose_Verb:
            if len(current) > 2:
                rings.append(current)
            current = []
    if len(current) > 2:
        rings.append(current)
    return [np.asarray(ring) / _GLYPH_EM for ring in rings]


@lru_cache(maxsize=1)
def _typeface() -> skia.Typeface:
    """DejaVu Sans from matplotlib's data folder when present, else the default face."""
    spec = importlib.util.find_spec("matplotlib")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
        if path.is_file():
            # A font manager that knows no system fonts: fontconfig is never initialised.
            face = skia.FontMgr.New_Custom_Empty().makeFromFile(str(path), 0)
            if face is not None:
                return face
    return skia.Typeface("")


@lru_cache(maxsize=512)
def _glyph(char: str) -> tuple[shapely.Geometry | None, float]:
    """Outline of one character at an em of 1 (baseline at y = 0, y down) and its advance."""
    font = skia.Font(_typeface(), _GLYPH_EM)
    glyph = font.textToGlyphs(char)[0]
    advance = font.getWidths([glyph])[0] / _GLYPH_EM
    polygons = [shapely.make_valid(shapely.Polygon(ring)) for ring in _flatten(font.getPath(glyph))]
    # Even-odd: a counter (the hole of an "o") is a contour inside another.
    shape = reduce(shapely.symmetric_difference, polygons) if polygons else None
    return shape, advance


def text_polygons(text: str, x: float, y: float, size: float, vertical: bool = False) -> list:
    """Polygons spelling ``text`` with its baseline starting at (x, y), ``size`` mm to the em.

    ``vertical`` runs the text downwards (turned a quarter clockwise, letter tops to the right).
    """
    shapes, pen = [], 0.0
    for char in text:
        outline, advance = _glyph(char)
        if outline is not None and not outline.is_empty:
            if vertical:
                def place(xy, pen=pen):
                    return np.column_stack([x - xy[:, 1] * size, y + (xy[:, 0] + pen) * size])
            else:
                def place(xy, pen=pen):
                    return np.column_stack([x + (xy[:, 0] + pen) * size, y + xy[:, 1] * size])
            shapes.extend(getattr(g, "geoms", [g]) for g in [shapely.transform(outline, place)])
        pen += advance
    return [g for group in shapes for g in group if g.geom_type == "Polygon" and not g.is_empty]


def text_width(text: str, size: float) -> float:
    """Advance of ``text`` in mm at ``size`` mm to the em."""
    return sum(_glyph(char)[1] for char in text) * size


def _clock(seconds: float, tenths: bool = False) -> str:
    if tenths:
        tenth = max(0, int(round(seconds * 10)))
        return f"{tenth // 600}:{tenth % 600 // 10:02d}.{tenth % 10}"
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60}:{seconds % 60:02d}"


def time_labels(seconds: list[float]) -> list[str]:
    """Clock labels (``m:ss``) for times from the recording's start, in order; with tenths of a
    second (``m:ss.s``) when whole seconds would label two ticks alike (a short recording)."""
    labels = [_clock(t) for t in seconds]
    if any(a == b for a, b in zip(labels, labels[1:])):
        labels = [_clock(t, tenths=True) for t in seconds]
    return labels


def _trait_label(trait: TraitRecord) -> str:
    feature = trait.feature.replace(".", " ").replace("index ", "").replace("_", " ")
    label = f"{feature} \u2192 {trait.parameter.replace('_', ' ')}"
    if trait.missing:
        return f"{label}: not in these features, held at the middle"
    return f"{label}: {trait.why}" if trait.why else label


def legend_layers(plan: MotifPlan, palette: Palette, field: list[float], x0: float) -> list[Layer]:
    """Layers of the legend strip whose left edge is at ``x0`` mm, rows aligned with ``field``.

    Parameters
    ----------
    plan : MotifPlan
        Its ``traits`` give each mapped feature per row.
    palette : Palette
        The strip is a light panel (motif colour) with plots in the accent and lines and text in
        the outline colour.
    field : list of float
        ``[x0, y0, x1, y1]`` of the cloth's field: row ``i`` spans ``y0 + i * cell_mm`` onwards.
    x0 : float
        Left edge of the strip (the cloth's right edge).

    Returns
    -------
    list of Layer
        ``legend-panel``, ``legend-plot``, ``legend-line``, ``legend-text``.
    """
    u = _unit(plan)
    width = legend_width(plan)
    height = plan.cloth.height_mm
    top = field[1]
    n_rows = len(plan.rows)
    edges = top + np.arange(n_rows + 1) * plan.cell_mm
    bottom = min(edges[-1], field[3])
    edges = np.minimum(edges, bottom)
    thin = 0.05 * u
    panel = [shapely.box(x0 + 0.3 * u, 0.3 * u, x0 + width - 0.3 * u, height - 0.3 * u)]
    plots, lines, text = [], [], []

    # Time column: a tick at each row boundary, labelled about every twelfth of the cloth.
    tx = x0 + 0.8 * u
    label_every = max(1, int(np.ceil(n_rows / 12)))
    labelled = [i for i in range(len(edges)) if i % label_every == 0 or i == n_rows]
    labels = dict(zip(labelled, time_labels([(plan.rows[-1].t_end if i == n_rows else plan.rows[i].t_start)
                                             - plan.rows[0].t_start for i in labelled])))
    for i, y in enumerate(edges):
        long_tick = i in labels
        lines.append(shapely.box(tx + (1.5 if long_tick else 1.8) * u, y - thin / 2, tx + _TIME_COLUMN * u, y + thin / 2))
        if long_tick:
            # Centred on its tick, to the tick's left (cap height is about 0.73 em).
            text += text_polygons(labels[i], tx, y + 0.15 * u, 0.42 * u)
    # Headers above the columns, shrunk when the margin above the field is narrow.
    head = min(1.0, (top - 0.3 * u) / (1.1 * u))
    text += text_polygons("time", tx, top - 0.45 * u * head, 0.42 * u * head)

    # Columns by trait name: metadata.json stores the traits with sorted keys, so a plan read back
    # from it draws the same legend as the plan that was rendered.
    for k, (_, trait) in enumerate(sorted(plan.traits.items())):
        cx = x0 + (0.8 + _TIME_COLUMN + 2.8 * k) * u
        left, right = cx + 0.7 * u, cx + 2.5 * u
        values = np.clip(np.asarray(trait.rows, dtype=float), 0, 1)
        xs = left + values * (right - left)
        # A step plot: each row's value held over the row, as the cloth holds it.
        ys = np.repeat(edges, 2)[1:-1]
        ring = np.column_stack([np.concatenate([np.repeat(xs, 2), [left, left]]),
                                np.concatenate([ys, [bottom, top]])])
        # Rows at 0 collapse the step plot onto its axis: keep only its area (none if every row is 0).
        plot = polygonal(shapely.make_valid(shapely.Polygon(ring)))
        if plot is not None:
            plots.append(plot)
        lines += [shapely.box(left - thin, top, left, bottom), shapely.box(right, top, right + thin, bottom),
                  shapely.box(left - thin, top - thin, right + thin, top), shapely.box(left - thin, bottom, right + thin, bottom + thin)]
        text += text_polygons(_trait_label(trait), cx + 0.2 * u, top + 0.2 * u, 0.42 * u, vertical=True)
        text += text_polygons("0", left - 0.1 * u, top - 0.2 * u * head, 0.34 * u * head)
        text += text_polygons("1", right - 0.2 * u, top - 0.2 * u * head, 0.34 * u * head)
    mode = "normalised per recording" if plan.mapping_mode == "relative" else "absolute reference ranges"
    footer = [f"{plan.mapping_name} v{plan.mapping_version}, {mode}"]
    if plan.scale:
        footer.append(f"scale: median {plan.scale.feature.replace('.', ' ')} {plan.scale.median:.2f}"
                      f" \u2192 {plan.cell_mm:.0f} mm cells")
    # Two lines under the columns, as large as the margin and the strip's width allow.
    room = height - 0.3 * u - bottom
    size = min(0.34 * u, room / (1.4 * len(footer) + 0.3),
               *((width - 1.4 * u) / max(text_width(line, 1.0), 1e-9) for line in footer))
    for i, line in enumerate(footer):
        text += text_polygons(line, x0 + 0.8 * u, bottom + 1.35 * size * (i + 1), size)
    keep = lambda shapes: np.asarray([g for g in shapes if not g.is_empty], dtype=object)  # noqa: E731
    return [Layer("legend-panel", palette.rgb("motif"), keep(panel)),
            Layer("legend-plot", palette.rgb("accent"), keep(plots)),
            Layer("legend-line", palette.rgb("outline"), keep(lines)),
            Layer("legend-text", palette.rgb("outline"), keep(text))]
