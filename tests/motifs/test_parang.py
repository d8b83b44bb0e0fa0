"""Parang and lereng: 45-degree bands of S blades, p2, continuous across rows, checked parameters."""

import numpy as np
import pytest
import shapely
from shapely import affinity

from batikgen.motifs import get_motif
from batikgen.motifs.parang import SQRT2

from .family_checks import (
    assert_bounds_refused,
    assert_deterministic,
    assert_valid_and_inside,
    draw,
    raster,
    same_shape,
    union,
    window,
)

PARANG, LERENG = get_motif("parang"), get_motif("lereng")
# A pitch whose blade centres fall on a 20 mm checkerboard: centres at (20 m, 20 n), m + n even.
PITCH = 20 * SQRT2


@pytest.mark.parametrize("family", [PARANG, LERENG], ids=lambda f: f.name)
@pytest.mark.parametrize("params", [{}, {"scale_mm": 15, "blades": 3, "curl": 0.7, "thickness": 0.9},
                                    {"scale_mm": 160, "blades": 1, "curl": 0, "slant": 1.6},
                                    {"slant": -1.6, "thickness": 0.2, "line": 0.06}])
def test_rows_are_valid_and_inside(family, params):
    assert_valid_and_inside(family, params, y0=13.0, cell=37.0, columns=4)


def test_parang_has_mlinjon_and_lereng_has_none():
    assert len(draw(PARANG)["mlinjon"]) > 0
    assert draw(LERENG)["mlinjon"] == [] and len(draw(LERENG)["blade"]) > 0


def _whole_blades(params, size=200.0):
    """Blade outlines of a large row that lie wholly inside it (none cut by the row's edges)."""
    row = draw(PARANG, params, 0.0, size, 1)
    areas = np.array([s.area for s in row["blade_outline"]])
    return [s for s, a in zip(row["blade_outline"], areas) if a > areas.max() * (1 - 1e-9)]


@pytest.mark.parametrize("params", [{}, {"scale_mm": 30, "slant": 0.8}, {"blades": 3, "scale_mm": 70}])
def test_blades_run_in_bands_at_45_degrees(params):
    pitch = PARANG.validate(params)["scale_mm"]
    centroids = np.array([s.centroid.coords[0] for s in _whole_blades(params)])
    across = (centroids[:, 0] - centroids[:, 1]) / SQRT2  # distance across the bands
    band = np.round(across / pitch)
    assert np.allclose(across, band * pitch, atol=1e-6), "every blade centre lies on a band's centre line"
    for index in np.unique(band):
        members = centroids[band == index]
        if len(members) < 3:
            continue
        direction = members[-1] - members[0]
        # The band's blades line up along (1, 1): 45 degrees, top left to bottom right.
        assert np.degrees(np.arctan2(direction[1], direction[0])) % 180 == pytest.approx(45.0, abs=1e-6)


def _around(centre, radius, params):
    shapes = union(draw(PARANG, params, 0.0, 160.0, 1), "blade_outline")
    return shapes.intersection(shapely.Point(centre).buffer(radius, quad_segs=64))


@pytest.mark.parametrize("params", [{"scale_mm": PITCH}, {"scale_mm": PITCH, "curl": 0.2, "slant": 0.5, "blades": 3}])
def test_band_is_invariant_under_a_half_turn_but_not_a_mirror(params):
    centre = (80.0, 80.0)  # a blade centre: m = n = 4
    area = _around(centre, 30.0, params)
    assert same_shape(area, affinity.rotate(area, 180, origin=centre))
    # An S mirrored is a Z: parang has no mirror lines, and the check sees the difference.
    assert not same_shape(area, affinity.scale(area, -1, 1, origin=centre), 1e-2)
    assert not same_shape(area, affinity.scale(area, 1, -1, origin=centre), 1e-2)


def test_a_broken_half_turn_would_be_caught():
    centre = (80.0, 80.0)
    off_centre = (81.0, 80.0)  # a point that is not a centre of symmetry
    area = _around(centre, 30.0, {"scale_mm": PITCH})
    assert not same_shape(area, affinity.rotate(area, 180, origin=off_centre), 1e-2)


def test_raster_is_invariant_under_a_half_turn():
    row = draw(PARANG, {"scale_mm": PITCH}, 0.0, 120.0, 1)
    layers = [(window(row[name], 40, 40, 80, 80), colour) for name, colour in
              (("blade_outline", (90, 60, 40)), ("blade", (240, 230, 210)), ("mlinjon", (150, 90, 50)))]
    image = raster(layers, 40, 40)
    turned = image[::-1, ::-1]
    mirrored = image[:, ::-1]
    assert np.abs(image - turned).mean() < 1.0
    assert np.abs(image - mirrored).mean() > 10 * max(np.abs(image - turned).mean(), 0.5)


def test_bands_run_on_across_rows():
    """Two rows drawn apart cover exactly what one double-height row covers: no seam in the bands."""
    params = {"scale_mm": 33.0}
    top, bottom = draw(PARANG, params, 0.0, 40.0, 2), draw(PARANG, params, 40.0, 40.0, 2)
    whole = PARANG.draw_row(0.0, 80.0, 1, PARANG.validate(params), None)
    for layer in ("blade_outline", "blade", "mlinjon"):
        assert same_shape(shapely.union_all(top[layer] + bottom[layer]), union(whole, layer))


@pytest.mark.parametrize("params", [{}, {"scale_mm": 23.0, "blades": 3}])
def test_repeat_tile_is_a_period(params):
    width, height = PARANG.repeat(40.0, PARANG.validate(params))
    assert width == pytest.approx(PARANG.validate(params)["scale_mm"] * SQRT2) and width == height
    shapes = union(PARANG.draw_row(0.0, 4 * height, 4, PARANG.validate(params), None), "blade_outline")
    box = shapely.box(width, height, 2 * width, 2 * height)
    here = shapes.intersection(box)
    for dx, dy in ((width, 0), (0, height), (width, height)):
        there = affinity.translate(shapes.intersection(affinity.translate(box, dx, dy)), -dx, -dy)
        assert same_shape(here, there)
    # Half a tile is not a period: the check can fail.
    half = affinity.translate(shapes.intersection(affinity.translate(box, width / 2, 0)), -width / 2, 0)
    assert not same_shape(here, half, 1e-2)


def test_scale_class_sets_the_band_pitch():
    fine = _whole_blades({"scale_mm": 20})
    broad = _whole_blades({"scale_mm": 80})
    assert np.mean([s.area for s in broad]) > 10 * np.mean([s.area for s in fine])


@pytest.mark.parametrize("family", [PARANG, LERENG], ids=lambda f: f.name)
def test_parameters_are_checked_and_drawing_is_deterministic(family):
    assert_bounds_refused(family)
    assert_deterministic(family, {"scale_mm": 27.0})


def test_thin_blades_with_a_heavy_line_stay_valid_and_keep_the_spine_inside():
    """A case found by a parameter sweep: GEOS refused one cut; the spine outgrew a thin blade."""
    params = {"scale_mm": 72.16, "slant": -0.545, "curl": 0.468, "thickness": 0.393, "blades": 3, "strip": 0.03,
              "line": 0.06}
    row = assert_valid_and_inside(LERENG, params, y0=499.1, cell=71.3, columns=2)
    blades = union(row, "blade_outline")
    assert union(row, "spine").difference(blades).area < 1e-9
