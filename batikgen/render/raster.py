"""Rasterise a Composition in horizontal strips with anti-aliasing (skia).

Memory stays bounded by one strip: each strip draws only the shapes that cross it, and is handed
to the encoder before the next is drawn.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import shapely
import skia

from .._validate import check_in_range
from ..errors import RenderError
from ..pattern.composition import Composition

MM_PER_INCH = 25.4
DEFAULT_STRIP_ROWS = 512
#: Pillow and most viewers balk beyond this; A0 at 300 dpi is ~140 Mpx, kain panjang ~366 Mpx.
MAX_PIXELS = 2_000_000_000


def canvas_size(composition: Composition, dpi: float) -> tuple[int, int]:
    """Width and height in pixels of ``composition`` at ``dpi``."""
    scale = dpi / MM_PER_INCH
    return max(1, int(round(composition.width_mm * scale))), max(1, int(round(composition.height_mm * scale)))


def _skia_colour(rgb: tuple[int, int, int]) -> int:
    return skia.Color(int(rgb[0]), int(rgb[1]), int(rgb[2]), 255)


def _add_ring(path: skia.Path, coords: np.ndarray) -> None:
    path.addPoly([skia.Point(x, y) for x, y in coords[:-1].tolist()], True)


def _strip_paths(geoms: np.ndarray, rings_px: list[list[np.ndarray]], members: np.ndarray) -> skia.Path:
    path = skia.Path()
    path.setFillType(skia.PathFillType.kWinding)
    for index in members:
        for ring in rings_px[index]:
            _add_ring(path, ring)
    return path


def _rings_in_pixels(geoms: np.ndarray, scale: float) -> list[list[np.ndarray]]:
    """Every ring of every polygon in pixel coordinates, exteriors and holes wound oppositely."""
    oriented = shapely.orient_polygons(geoms)
    out = []
    for geom in oriented:
        rings = []
        for polygon in getattr(geom, "geoms", [geom]):
            if polygon.is_empty or polygon.geom_type != "Polygon":
                continue
            rings.append(np.asarray(polygon.exterior.coords) * scale)
            rings.extend(np.asarray(hole.coords) * scale for hole in polygon.interiors)
        out.append(rings)
    return out


def render_strips(
    composition: Composition, dpi: float, strip_rows: int = DEFAULT_STRIP_ROWS
) -> Iterator[np.ndarray]:
    """Yield the image as RGB strips from top to bottom.

    Parameters
    ----------
    composition : Composition
        What to draw, in millimetres.
    dpi : float
        Resolution.
    strip_rows : int
        Height of each strip in pixels (the last may be shorter).

    Yields
    ------
    numpy.ndarray, shape (rows, width, 3), dtype uint8
    """
    dpi = check_in_range("dpi", dpi, 10, 2400)
    width, height = canvas_size(composition, dpi)
    if width * height > MAX_PIXELS:
        raise RenderError(f"{width} x {height} px at {dpi:g} dpi is over {MAX_PIXELS:,} pixels; lower --dpi")
    scale = dpi / MM_PER_INCH
    n_strips = -(-height // strip_rows)
    prepared = []
    for layer in composition.layers:
        if not len(layer.geometries):
            continue
        bounds = shapely.bounds(layer.geometries) * scale
        first = np.clip(np.floor(bounds[:, 1] / strip_rows).astype(int), 0, n_strips - 1)
        last = np.clip(np.floor(bounds[:, 3] / strip_rows).astype(int), 0, n_strips - 1)
        paint = skia.Paint(Color=_skia_colour(layer.colour), AntiAlias=True, Style=skia.Paint.kFill_Style)
        prepared.append((layer, _rings_in_pixels(layer.geometries, scale), first, last, paint))

    surface = skia.Surface(width, strip_rows)
    canvas = surface.getCanvas()
    background = _skia_colour(composition.background)
    for strip in range(n_strips):
        top = strip * strip_rows
        canvas.save()
        canvas.clear(background)
        canvas.translate(0, -top)
        for layer, rings, first, last, paint in prepared:
            members = np.flatnonzero((first <= strip) & (last >= strip))
            if len(members):
                canvas.drawPath(_strip_paths(layer.geometries, rings, members), paint)
        canvas.restore()
        pixels = surface.toarray(colorType=skia.kRGBA_8888_ColorType, alphaType=skia.kUnpremul_AlphaType)
        yield np.ascontiguousarray(pixels[: min(strip_rows, height - top), :, :3])


def render_array(composition: Composition, dpi: float) -> np.ndarray:
    """The whole image as one RGB array (for small renders and tests)."""
    return np.concatenate(list(render_strips(composition, dpi)), axis=0)
