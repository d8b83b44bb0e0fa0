"""Repeat tiles (raport): inside their frame, valid, and seamless for every registered family.

The seam test is parametrised over the registry when tests are collected, so a family added later
is checked without touching this file. Two copies of the tile, side by side (and one above the
other), are rendered with the join on a pixel boundary and compared with the family's own
continuous drawing of the same area: a seam, a wrong declared repeat or a pattern that does not
repeat shows up as pixels that differ, above all across the join.
"""

import dataclasses

import numpy as np
import pytest
import shapely

from batikgen.cloth.composition import Composition, Layer
from batikgen.cloth.tile import draw_patch, draw_tile, tile_size, tiled_composition
from batikgen.errors import PatternError
from batikgen.motifs import MOTIFS, get_motif, get_palette
from batikgen.render.raster import render_array

CELL = 40.0
PROOF = get_palette("proof")
#: Pixels across the tile's side along the join: the join falls on a pixel boundary.
TILE_PX = 96
#: Large repeats (mega mendung) are rendered at least this fine.
MIN_DPI = 20
#: A pixel "differs" beyond this many levels (of 255) in any channel: anti-aliasing noise stays under it.
LEVELS = 24


def _settings(family):
    """Defaults, and every parameter at its low and at its high bound."""
    low = {p.name: p.low for p in family.parameters}
    high = {p.name: p.high for p in family.parameters}
    return {"defaults": family.validate({}), "low": family.validate(low), "high": family.validate(high)}


def _render(family, layers, size, dpi):
    return render_array(Composition(size[0], size[1], PROOF.rgb("ground"),
                                    [Layer(name, PROOF.rgb(role), layers.get(name, [])) for name, role in family.layer_roles]), dpi)


def seam_report(family, params, axis):
    """Compare two tiles joined along ``axis`` (0: side by side, 1: one above the other) with the pattern.

    Returns
    -------
    dict
        ``join``: share of differing pixels in the 6-pixel band across the join; ``whole``: share over
        the image; ``max``: largest difference.
    """
    w, h = tile_size(family, CELL, params)
    tile = draw_tile(family, CELL, params)
    copies = (2, 1) if axis == 0 else (1, 2)
    size = (copies[0] * w, copies[1] * h)
    side = w if axis == 0 else h
    px = max(TILE_PX, int(np.ceil(side * MIN_DPI / 25.4)))  # whole pixels per tile: the join is on a pixel edge
    dpi = px * 25.4 / side
    joined = render_array(tiled_composition(family, tile, (w, h), PROOF, copies), dpi)
    pattern = _render(family, draw_patch(family, CELL, params, (w, h), size), size, dpi)
    assert joined.shape == pattern.shape
    diff = np.abs(joined.astype(int) - pattern.astype(int)).max(axis=2) > LEVELS
    band = diff[:, px - 3 : px + 3] if axis == 0 else diff[px - 3 : px + 3, :]
    return {"join": band.mean(), "whole": diff.mean(), "max": int(np.abs(joined.astype(int) - pattern).max())}


def _seamless(report):
    """No seam: across the join, two copies look like the pattern itself."""
    return report["join"] <= 0.01


def _one_period(report):
    """Stronger: the second copy is the pattern's next period too (the declared repeat is its period)."""
    return _seamless(report) and report["whole"] <= 0.002


def _periodic(name):
    """The family, skipping a family that declares it has no repeat tile."""
    family = get_motif(name)
    if not family.periodic:
        pytest.skip(f"{name} declares periodic=False: its cells are chosen afresh, it has no repeat tile")
    return family


@pytest.mark.parametrize("setting", ["defaults", "low", "high"])
@pytest.mark.parametrize("name", sorted(MOTIFS))
def test_repeat_tile_is_seamless(name, setting):
    family = _periodic(name)
    params = _settings(family)[setting]
    for axis, where in ((0, "side by side"), (1, "one above the other")):
        report = seam_report(family, params, axis)
        assert _seamless(report), f"{name} ({setting}) tiles {where} show a seam: {report}"


@pytest.mark.parametrize("name", sorted(MOTIFS))
def test_declared_repeat_is_the_period_of_the_pattern(name):
    """At defaults (no seeded irregularity), copies of the tile are exactly the family's drawing."""
    family = _periodic(name)
    for axis in (0, 1):
        report = seam_report(family, family.validate({}), axis)
        assert _one_period(report), f"{name}: two tiles along axis {axis} differ from the pattern: {report}"


@pytest.mark.parametrize("name", sorted(MOTIFS))
def test_tile_geometry_is_valid_inside_its_frame_and_not_empty(name):
    family = _periodic(name)
    w, h = tile_size(family, CELL, family.defaults())
    tile = draw_tile(family, CELL)
    frame = shapely.box(0, 0, w, h).buffer(1e-9)
    shapes = np.concatenate([np.asarray(s, dtype=object) for s in tile.values()])
    assert len(shapes) > 0
    assert np.all(shapely.is_valid(shapes)) and np.all(shapely.within(shapes, frame))
    assert set(tile) >= {layer for layer, _ in family.layer_roles}


def test_a_wrong_repeat_shows_a_seam():
    """The seam check can fail: kawung declared with a repeat 1.5 or 1.02 cells wide."""
    kawung = get_motif("kawung")
    for factor in (1.5, 1.02):
        wrong = dataclasses.replace(kawung, repeat=lambda cell, params, f=factor: (cell * f, cell))
        report = seam_report(wrong, kawung.defaults(), 0)
        assert not _seamless(report) and not _one_period(report), report
    assert _seamless(seam_report(kawung, kawung.defaults(), 0))


def test_a_pattern_that_does_not_repeat_shows_a_seam():
    """Cells that spread out along the row, or rows that slide over each other, have no period."""
    kawung = get_motif("kawung")

    def spreading(y0, cell_mm, n_columns, params, seeds=None):
        row = kawung.draw_row(y0, cell_mm, n_columns, params, seeds)
        return {k: list(shapely.transform(np.asarray(v, dtype=object), lambda c: c * [1.03, 1.0])) for k, v in row.items()}

    def sliding(y0, cell_mm, n_columns, params, seeds=None):
        row = kawung.draw_row(y0, cell_mm, n_columns + 1, params, seeds)
        return {k: list(shapely.transform(np.asarray(v, dtype=object), lambda c: c - [0.1 * y0 % cell_mm, 0.0])) for k, v in row.items()}

    assert not _seamless(seam_report(dataclasses.replace(kawung, draw_row=spreading), kawung.defaults(), 0))
    assert not _seamless(seam_report(dataclasses.replace(kawung, draw_row=sliding), kawung.defaults(), 1))


def test_a_dishonest_repeat_declaration_is_refused():
    kawung = get_motif("kawung")
    with pytest.raises(PatternError, match=r"kawung.repeat must be positive, got \(0, 40\) mm"):
        draw_tile(dataclasses.replace(kawung, repeat=lambda cell, params: (0, cell)), CELL)


def test_tiled_composition_is_valid_and_has_the_tile_area_once_per_copy():
    kawung = get_motif("kawung")
    w, h = tile_size(kawung, CELL, kawung.defaults())
    tile = draw_tile(kawung, CELL)
    composition = tiled_composition(kawung, tile, (w, h), PROOF, (3, 2))
    assert (composition.width_mm, composition.height_mm) == (3 * w, 2 * h)
    assert composition.all_valid()
    frame = shapely.box(0, 0, 3 * w, 2 * h).buffer(1e-9)
    outlines = composition.layers[0].geometries
    assert np.all(shapely.within(outlines, frame))
    # Six copies of a tile that is cut to its own frame: six times its area, nothing lost or doubled.
    assert shapely.area(outlines).sum() == pytest.approx(6 * shapely.area(tile["outline"]).sum(), rel=1e-9)


def test_a_family_without_a_repeat_is_skipped_by_seam_checks_and_previewed_directly():
    from batikgen.render.catalogue import swatch_composition

    kawung = get_motif("kawung")
    loose = dataclasses.replace(kawung, name="loose", periodic=False)
    composition = swatch_composition(loose, PROOF)
    tiled = swatch_composition(kawung, PROOF)
    assert (composition.width_mm, composition.height_mm) == (tiled.width_mm, tiled.height_mm)
    assert composition.all_valid() and sum(len(layer.geometries) for layer in composition.layers) > 0
    assert kawung.periodic  # the default: every family has a repeat unless it says otherwise
