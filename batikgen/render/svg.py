"""SVG for vector work: one group per layer (an Inkscape layer), one path per shape, in mm.

The viewBox is the cloth in millimetres and the width and height carry the ``mm`` unit, so the
file opens at true size. Coordinates are rounded to 0.01 mm (10 µm, far below a dye's bleed); each
ring is written as an absolute move then relative lines, with no redundant zeros or separators,
which keeps an A0 of half a million shapes to tens of MB. Formatting is vectorised with numpy's
string functions, a chunk of shapes at a time, so memory stays bounded. No dates, no ids that
change between runs: the same composition gives the same bytes.
"""

from __future__ import annotations

from typing import BinaryIO
from xml.sax.saxutils import quoteattr

import numpy as np

from ..cloth.composition import Composition, PolygonArray
from ..errors import RenderError
from .proof import hex_colour

#: Shapes formatted at a time (bounds the temporary string arrays to tens of MB).
_CHUNK_SHAPES = 20_000
_SCALE = 100  # coordinates in hundredths of a millimetre


_INT_DIGITS = 6  # up to 999999.99 mm: any cloth, with room to spare


def _table(texts: list[str]) -> np.ndarray:
    """Rows of ASCII codes, padded with 0 (the byte dropped when the text is assembled)."""
    width = max(len(t) for t in texts)
    return np.array([list(t.encode("ascii")) + [0] * (width - len(t)) for t in texts], dtype=np.uint8)


def _number_columns(values: np.ndarray) -> np.ndarray:
    """Hundredths as compact decimals, one row of characters each: 150 -> "1.5", -5 -> "-.05", 0 -> "0".

    Built digit by digit with integer arithmetic; characters to omit are 0. Formatting this way
    costs about 50 ns a number, against 0.5 µs for Python's ``str`` or numpy's string casts.
    """
    magnitude = np.abs(values)
    whole, frac = magnitude // _SCALE, magnitude % _SCALE
    if len(whole) and whole.max() >= 10**_INT_DIGITS:
        raise RenderError(f"a coordinate of {whole.max()} mm is too large for the SVG writer")
    out = np.zeros((len(values), 1 + _INT_DIGITS + 3), dtype=np.uint8)
    out[:, 0] = np.where(values < 0, ord("-"), 0)
    for i in range(_INT_DIGITS):
        power = 10 ** (_INT_DIGITS - 1 - i)
        digit = (whole // power) % 10
        shown = whole >= power if power > 1 else (whole >= 1) | (frac == 0)  # ".5", but "0"
        out[:, 1 + i] = np.where(shown, ord("0") + digit, 0)
    tenths, hundredths = frac // 10, frac % 10
    out[:, -3] = np.where(frac > 0, ord("."), 0)
    out[:, -2] = np.where(frac > 0, ord("0") + tenths, 0)
    out[:, -1] = np.where(hundredths > 0, ord("0") + hundredths, 0)
    return out


# Text before each vertex: opening a shape, starting a further ring, the first relative line,
# or the separator between pairs (a minus sign separates by itself).
_PREFIX = _table(['<path d="M', "M", "l", " ", ""])
_OPEN_SHAPE, _OPEN_RING, _FIRST_LINE, _SPACE, _NOTHING = range(5)
_SUFFIX = _table(["", "z", 'z"/>\n'])


def _paths(shapes: PolygonArray) -> bytes:
    """``<path d=.../>`` elements for ``shapes``, one per shape (holes as further rings)."""
    full = shapes.ring_lengths
    _, ring_count = shapes.rings_of_shapes()
    shape_of_ring = np.repeat(np.arange(len(shapes)), ring_count)
    keep = np.ones(len(shapes.coords), dtype=bool)
    keep[np.cumsum(full)[full > 0] - 1] = False  # the closing vertex is implied by "z"
    length = np.maximum(full - 1, 0)
    ints = np.rint(shapes.coords[keep] * _SCALE).astype(np.int64)
    first = (np.cumsum(length) - length)[length > 0]  # index of each ring's first vertex
    last = (np.cumsum(length) - 1)[length > 0]
    shape_of_vertex = np.repeat(shape_of_ring, length)
    deltas = ints.copy()
    deltas[1:] -= ints[:-1]
    deltas[first] = ints[first]  # a ring starts with an absolute move
    x, y = _number_columns(deltas[:, 0]), _number_columns(deltas[:, 1])

    prefix = np.where(x[:, 0] == ord("-"), _NOTHING, _SPACE)
    second = first + 1
    prefix[second[second <= last]] = _FIRST_LINE
    prefix[first] = _OPEN_RING
    new_shape = np.r_[True, shape_of_vertex[1:] != shape_of_vertex[:-1]]
    prefix[first[new_shape[first]]] = _OPEN_SHAPE
    suffix = np.zeros(len(ints), dtype=np.int64)
    suffix[last] = 1
    ends_shape = np.r_[shape_of_vertex[1:] != shape_of_vertex[:-1], True]
    suffix[last[ends_shape[last]]] = 2
    y_sep = np.where(y[:, :1] == ord("-"), 0, ord(" ")).astype(np.uint8)
    text = np.hstack([_PREFIX[prefix], x, y_sep, y, _SUFFIX[suffix]])
    return text[text != 0].tobytes()


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in name) or "layer"


def write_svg(handle: BinaryIO, composition: Composition) -> None:
    """Write ``composition`` as SVG into an open binary file.

    Parameters
    ----------
    handle : binary file
        Destination.
    composition : Composition
        Layers become ``<g>`` groups, in paint order, over a background rectangle.
    """
    size = np.rint(np.array([composition.width_mm, composition.height_mm]) * _SCALE).astype(np.int64)
    w, h = (row[row != 0].tobytes().decode("ascii") for row in _number_columns(size))
    handle.write(
        (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<svg xmlns="http://www.w3.org/2000/svg" '
            'xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" '
            f'width="{w}mm" height="{h}mm" viewBox="0 0 {w} {h}">\n'
            f'<rect id="ground" width="{w}" height="{h}" fill="{hex_colour(composition.background)}"/>\n'
        ).encode("utf-8")
    )
    for index, layer in enumerate(composition.layers, start=1):
        handle.write(
            f'<g id="layer{index}-{_slug(layer.name)}" inkscape:groupmode="layer" '
            f'inkscape:label={quoteattr(layer.name)} fill="{hex_colour(layer.colour)}" fill-rule="evenodd">\n'
            .encode("utf-8")
        )
        for start in range(0, len(layer), _CHUNK_SHAPES):
            handle.write(_paths(layer.shapes.take(np.arange(start, min(start + _CHUNK_SHAPES, len(layer))))))
        handle.write(b"</g>\n")
    handle.write(b"</svg>\n")
