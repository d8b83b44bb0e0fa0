"""Checks every motif family must pass, shared by the per-family test modules."""

from __future__ import annotations

import re

import numpy as np
import pytest
import shapely
from shapely import affinity

from batikgen.cloth.composition import Composition, Layer
from batikgen.errors import ParameterError
from batikgen.render.raster import render_array
from batikgen.seeding import SeedTree


def draw(family, params=None, y0=0.0, cell=40.0, columns=3, seed="s"):
    """One row of ``family`` with validated ``params``."""
    return family.draw_row(y0, cell, columns, family.validate(params or {}), SeedTree(seed).child("row-0"))


def assert_valid_and_inside(family, params=None, y0=0.0, cell=40.0, columns=3, seed="s"):
    """Every geometry of the row is valid, non-empty and lies in the row band across the cloth."""
    row = draw(family, params, y0, cell, columns, seed)
    assert set(row) == {name for name, _ in family.layer_roles}, "layers must match layer_roles"
    band = shapely.box(0, y0, columns * cell, y0 + cell).buffer(1e-7, join_style="mitre")
    count = 0
    for name, shapes in row.items():
        shapes = np.asarray(shapes, dtype=object)
        if not len(shapes):
            continue
        count += len(shapes)
        assert shapely.is_valid(shapes).all(), name
        assert not shapely.is_empty(shapes).any(), name
        assert shapely.within(shapes, band).all(), f"{name} leaves the row band"
        assert all(s.geom_type in ("Polygon", "MultiPolygon") for s in shapes), name
    assert count > 0
    return row


def union(row, layer):
    """All shapes of one layer as one geometry."""
    return shapely.union_all(np.asarray(row[layer], dtype=object))


def same_shape(a, b, tolerance=1e-6):
    """True when two geometries cover the same area within a relative tolerance."""
    return a.symmetric_difference(b).area <= tolerance * max(a.area, b.area, 1e-12) + 1e-9


def p4m_invariant(shape, centre, tolerance=1e-6):
    """True when ``shape`` is unchanged by quarter turns and mirrors about ``centre``."""
    return all(
        same_shape(shape, t, tolerance)
        for t in (
            affinity.rotate(shape, 90, origin=centre),
            affinity.rotate(shape, 180, origin=centre),
            affinity.scale(shape, -1, 1, origin=centre),
            affinity.scale(shape, 1, -1, origin=centre),
            affinity.rotate(affinity.scale(shape, -1, 1, origin=centre), 90, origin=centre),
        )
    )


def assert_bounds_refused(family):
    """Every parameter below its low bound and above its high bound is refused, naming it."""
    for spec in family.parameters:
        for bad in (spec.low - 1, spec.high + 1):
            with pytest.raises(ParameterError, match=rf"{family.name}\.{spec.name} must be in \[.*\].*got {re.escape(repr(bad))}"):
                family.validate({spec.name: bad})
    with pytest.raises(ParameterError, match=f"{family.name} parameter must be one of"):
        family.validate({"no_such_parameter": 1})


def assert_deterministic(family, params=None, cell=40.0, columns=3):
    """The same seed gives the same geometry, shape by shape."""
    a = draw(family, params, 20.0, cell, columns, seed="same")
    b = draw(family, params, 20.0, cell, columns, seed="same")
    for name in a:
        assert len(a[name]) == len(b[name]), name
        assert all(shapely.equals_exact(x, y, 0) for x, y in zip(a[name], b[name])), name


def raster(layers, width, height, dpi=101.6, background=(0, 0, 0)):
    """Render ``[(geometries, rgb), ...]`` on a small canvas; returns a float array (rows, cols, 3)."""
    composition = Composition(width, height, background,
                              [Layer(f"l{i}", colour, np.asarray(g, dtype=object)) for i, (g, colour) in enumerate(layers)])
    return render_array(composition, dpi).astype(float)


def window(geoms, xmin, ymin, xmax, ymax):
    """Geometries clipped to a box and moved so the box's corner is the origin."""
    clipped = shapely.intersection(np.asarray(geoms, dtype=object), shapely.box(xmin, ymin, xmax, ymax))
    clipped = clipped[~shapely.is_empty(clipped)]
    return shapely.transform(clipped, lambda xy: xy - [xmin, ymin])
