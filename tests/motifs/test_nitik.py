"""Nitik: only square dots, on the grid, p4m cells for every design; checked parameters."""

import numpy as np
import pytest
import shapely
from shapely import affinity

from batikgen.motifs import get_motif
from batikgen.motifs.nitik import DESIGNS

from .family_checks import (
    assert_bounds_refused,
    assert_deterministic,
    assert_valid_and_inside,
    draw,
    p4m_invariant,
    raster,
    union,
)

NITIK = get_motif("nitik")
CELL = 60.0  # the repeat of a nitik is 5-7 cm


@pytest.mark.parametrize("design", range(len(DESIGNS)))
@pytest.mark.parametrize("extra", [{}, {"dots": 13, "dot": 0.9, "fullness": 1.0, "fill": 0.3},
                                   {"dots": 41, "dot": 0.35, "fullness": 0.3, "fill": 0.0}, {"dots": 24}])
def test_rows_are_valid_and_inside(design, extra):
    assert_valid_and_inside(NITIK, {"design": design, **extra}, y0=60.0, cell=CELL, columns=2)


@pytest.mark.parametrize("design", range(len(DESIGNS)))
@pytest.mark.parametrize("dots", [17, 24, 31])
def test_every_mark_is_a_square_dot_on_the_grid(design, dots):
    params = NITIK.validate({"design": design, "dots": dots})
    row = draw(NITIK, params, cell=CELL, columns=2)
    pitch = CELL / dots
    side = params["dot"] * pitch
    shapes = [s for layer in row.values() for s in layer]
    assert len(shapes) > dots  # a motif, not a few stray dots
    for shape in shapes:
        coords = np.asarray(shape.exterior.coords)[:-1]
        assert len(coords) == 4 and shape.area == pytest.approx(side**2)
        assert np.allclose(np.ptp(coords, axis=0), side)  # axis-aligned square
        centre = coords.mean(axis=0) / pitch - 0.5
        assert np.allclose(centre, np.round(centre), atol=1e-9)  # on a grid place
    centres = np.round(np.array([np.asarray(s.exterior.coords)[:-1].mean(axis=0) for s in shapes]) / pitch, 6)
    assert len(np.unique(centres, axis=0)) == len(shapes)  # one dot per place, no overprinting


@pytest.mark.parametrize("design", range(len(DESIGNS)))
@pytest.mark.parametrize("dots", [17, 24])
def test_cell_is_p4m_on_geometry_and_raster(design, dots):
    row = draw(NITIK, {"design": design, "dots": dots}, cell=CELL, columns=1)
    centre = (CELL / 2, CELL / 2)
    for layer in row:
        if row[layer]:
            assert p4m_invariant(union(row, layer), centre), layer
    assert _raster_asymmetry(row["line"], row) == 0
    # One dot moved a place over: the raster check sees it.
    moved = list(row["line"])
    moved[3] = affinity.translate(moved[3], CELL / dots, 0)
    assert _raster_asymmetry(moved, row) > 20


def _raster_asymmetry(lines, row):
    """Pixels that change by more than anti-aliasing can explain under a quarter turn or a mirror."""
    image = raster([(lines, (255, 255, 255)), (row["fill"], (150, 90, 40)), (row["corner"], (255, 255, 255))],
                   CELL, CELL, dpi=25.4 * 4)
    return max(int((np.abs(image - t).max(axis=2) > 100).sum())
               for t in (np.rot90(image), image[:, ::-1], image.transpose(1, 0, 2)))


def test_a_misplaced_dot_would_be_caught():
    row = draw(NITIK, {"design": 1}, cell=CELL, columns=1)
    dots = list(row["line"])
    dots[3] = affinity.translate(dots[3], CELL / 23, 0)  # one dot a place to the right
    assert not p4m_invariant(shapely.union_all(dots), (CELL / 2, CELL / 2))


def test_designs_differ_and_fill_thins_the_insides():
    masks = [union(draw(NITIK, {"design": d}, cell=CELL, columns=1), "line") for d in range(len(DESIGNS))]
    for i in range(len(masks)):
        for j in range(i + 1, len(masks)):
            assert masks[i].symmetric_difference(masks[j]).area > 0.1 * masks[i].area
    counts = [len(draw(NITIK, {"fill": f}, cell=CELL, columns=1)["fill"]) for f in (0.0, 0.3, 1.0)]
    assert counts[0] == 0 < counts[1] < counts[2]


def test_parameters_are_checked_and_drawing_is_deterministic():
    assert_bounds_refused(NITIK)
    assert_deterministic(NITIK, {"design": 2})
