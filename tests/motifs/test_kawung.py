"""Kawung geometry: valid, inside its cell, p4m-symmetric, parameters checked."""

import numpy as np
import pytest
import shapely
from shapely import affinity

from batikgen.errors import ParameterError
from batikgen.motifs import get_motif

KAWUNG = get_motif("kawung")
CELL = 40.0


def _cell_union(params: dict) -> dict:
    row = KAWUNG.draw_row(0.0, CELL, 1, KAWUNG.validate(params))
    return {name: shapely.union_all(shapes) for name, shapes in row.items() if shapes}


@pytest.mark.parametrize("fullness", [0.3, 0.414, 0.6, 0.8, 1.0])
@pytest.mark.parametrize("cecek", [0, 3, 6])
def test_cells_are_valid_and_inside(fullness, cecek):
    row = KAWUNG.draw_row(0.0, CELL, 1, KAWUNG.validate({"fullness": fullness, "cecek": cecek}))
    cell = shapely.box(0, 0, CELL, CELL)
    for name, shapes in row.items():
        assert all(shapely.is_valid(shapes)), name
        assert all(cell.contains(shape) for shape in shapes), name
    # Petals of one cell never overlap each other (they meet only near the centre and corners).
    petals = row["outline"]
    for i in range(len(petals)):
        for j in range(i + 1, len(petals)):
            assert petals[i].intersection(petals[j]).area < 1e-9


@pytest.mark.parametrize("params", [{}, {"fullness": 0.9, "core": 0.7, "cecek": 5}, {"fullness": 0.35, "core": 0.0}])
def test_cell_is_invariant_under_quarter_turns_and_mirrors(params):
    layers = _cell_union(params)
    centre = (CELL / 2, CELL / 2)
    for name, shape in layers.items():
        for transformed in (
            affinity.rotate(shape, 90, origin=centre),
            affinity.rotate(shape, 180, origin=centre),
            affinity.scale(shape, -1, 1, origin=centre),  # mirror about the vertical axis
            affinity.scale(shape, 1, -1, origin=centre),
        ):
            difference = shape.symmetric_difference(transformed).area
            assert difference < 1e-6 * shape.area + 1e-9, name


def test_a_broken_symmetry_would_be_caught():
    """The symmetry check can fail: a shape moved off-centre is not invariant."""
    layers = _cell_union({})
    shifted = affinity.translate(layers["outline"], 0.5, 0)
    rotated = affinity.rotate(shifted, 90, origin=(CELL / 2, CELL / 2))
    assert shifted.symmetric_difference(rotated).area > 1.0


def test_fullness_makes_petals_fuller():
    areas = [_cell_union({"fullness": f})["outline"].area for f in (0.35, 0.5, 0.7)]
    assert areas[0] < areas[1] < areas[2]


def test_parameters_out_of_bounds_are_refused():
    with pytest.raises(ParameterError, match=r"kawung.fullness must be in \[0.3, 1\]; got 1.4"):
        KAWUNG.validate({"fullness": 1.4})
    with pytest.raises(ParameterError, match="kawung parameter must be one of fullness, core, cecek, line, size_class; got 'petals'"):
        KAWUNG.validate({"petals": 3})
    assert KAWUNG.validate({"cecek": 2.6})["cecek"] == 3.0


def test_same_parameters_same_geometry():
    a = KAWUNG.draw_row(10.0, CELL, 3, KAWUNG.defaults())
    b = KAWUNG.draw_row(10.0, CELL, 3, KAWUNG.defaults())
    for name in a:
        assert all(shapely.equals_exact(x, y, 0) for x, y in zip(a[name], b[name]))
    # The row is drawn where asked: every shape lies between y0 and y0 + cell.
    bounds = np.array([shape.bounds for shapes in a.values() for shape in shapes])
    assert bounds[:, 1].min() >= 10.0 and bounds[:, 3].max() <= 10.0 + CELL


@pytest.mark.parametrize("size_class, per_side", [(0, 3), (1, 2), (2, 1)])
def test_size_classes_fit_flowers_in_a_cell_and_keep_it_p4m(size_class, per_side):
    row = KAWUNG.draw_row(0.0, CELL, 1, KAWUNG.validate({"size_class": size_class, "cecek": 3}))
    assert len(row["centre"]) == per_side**2  # one centre star per flower
    cell = shapely.box(0, 0, CELL, CELL)
    for name, shapes in row.items():
        assert all(cell.contains(shape) and shape.is_valid for shape in shapes), name
        union = shapely.union_all(shapes)
        centre = (CELL / 2, CELL / 2)
        for transformed in (affinity.rotate(union, 90, origin=centre), affinity.scale(union, -1, 1, origin=centre)):
            assert union.symmetric_difference(transformed).area < 1e-6 * union.area + 1e-9, name
    width, height = KAWUNG.repeat(CELL, KAWUNG.validate({"size_class": size_class}))
    assert width == height == pytest.approx(CELL / per_side)


def test_default_size_class_is_the_old_single_flower():
    """The sen class (the default) draws exactly what kawung drew before size classes existed."""
    a = KAWUNG.draw_row(0.0, CELL, 2, KAWUNG.validate({}))
    b = KAWUNG.draw_row(0.0, CELL, 2, KAWUNG.validate({"size_class": 2}))
    assert all(shapely.equals_exact(x, y, 0) for name in a for x, y in zip(a[name], b[name]))
    assert len(a["centre"]) == 2


def test_raster_cell_is_p4m_and_a_shifted_cell_is_not():
    from .family_checks import raster

    row = KAWUNG.draw_row(0.0, CELL, 1, KAWUNG.validate({"cecek": 3}))
    colours = {"outline": (60, 30, 20), "petal": (240, 220, 180), "core": (180, 100, 40), "cecek": (60, 30, 20),
               "centre": (180, 100, 40)}
    image = raster([(row[name], colours[name]) for name in row], CELL, CELL)
    for transformed in (np.rot90(image), image[:, ::-1], image[::-1, :], image.transpose(1, 0, 2)):
        assert np.abs(image - transformed).mean() < 1.5
    shifted = np.roll(image, 1, axis=1)
    assert np.abs(shifted - np.rot90(shifted)).mean() > 4.0
