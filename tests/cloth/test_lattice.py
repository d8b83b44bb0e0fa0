"""Lattices: copies cover an area with no gap and no overlap, and are shifted, mirrored or turned as named."""

import numpy as np
import pytest
import shapely

from batikgen.errors import ParameterError
from batikgen.cloth.lattice import LATTICES, lattice_points, place_tile, translate_many

W, H = 30.0, 20.0
BOUNDS = (5.0, 7.0, 185.0, 133.0)
TILE = shapely.box(0, 0, W, H)
# An asymmetric shape with a hole: a mirrored or turned copy is told apart from a moved one.
MARK = shapely.Polygon([(2, 2), (14, 2), (2, 9)], holes=[[(3, 3), (6, 3), (3, 4)]])


@pytest.mark.parametrize("kind", sorted(LATTICES))
def test_copies_cover_the_bounds_once(kind):
    placements = lattice_points(kind, W, H, BOUNDS)
    frames = place_tile([TILE], placements)
    area = shapely.box(*BOUNDS)
    pieces = shapely.intersection(frames, area)
    assert shapely.union_all(pieces).area == pytest.approx(area.area, rel=1e-9)  # no gap
    assert shapely.area(pieces).sum() == pytest.approx(area.area, rel=1e-9)  # no overlap
    assert np.all(shapely.intersects(frames, area))  # no copy is wasted
    assert np.allclose(shapely.area(frames), W * H)


def test_block_half_drop_and_brick_shift_as_named():
    block = lattice_points("block", W, H, BOUNDS).offsets
    assert np.allclose(np.mod(block, [W, H]), 0)
    drop = lattice_points("half-drop", W, H, BOUNDS).offsets
    column = np.round(drop[:, 0] / W).astype(int)
    assert np.allclose(np.mod(drop[:, 1] - (column % 2) * H / 2, H), 0)
    assert set(np.round(np.mod(drop[:, 1], H), 6)) == {0.0, H / 2}
    brick = lattice_points("brick", W, H, BOUNDS).offsets
    row = np.round(brick[:, 1] / H).astype(int)
    assert np.allclose(np.mod(brick[:, 0] - (row % 2) * W / 2, W), 0)


def test_mirror_lattice_alternates_mirror_images():
    placements = lattice_points("mirror", W, H, (0, 0, 2 * W, 2 * H))
    copies = place_tile([MARK], placements)
    by_offset = {tuple(np.round(o, 6)): g for o, g in zip(placements.offsets, copies)}
    plain, across, down = by_offset[(0.0, 0.0)], by_offset[(W, 0.0)], by_offset[(0.0, H)]
    assert plain.equals(MARK)
    assert across.equals(shapely.affinity.translate(shapely.affinity.scale(MARK, -1, 1, origin=(W / 2, H / 2)), W, 0))
    assert down.equals(shapely.affinity.translate(shapely.affinity.scale(MARK, 1, -1, origin=(W / 2, H / 2)), 0, H))
    assert not across.equals(shapely.affinity.translate(MARK, W, 0))  # the check can fail
    assert all(g.is_valid and g.area == pytest.approx(MARK.area) for g in copies)


def test_parang_lattice_runs_at_45_degrees():
    placements = lattice_points("parang", W, H, BOUNDS)
    assert placements.angle == 45.0
    # The tile's top edge (its band direction) runs down and to the right at 45 degrees.
    edge = place_tile([shapely.LineString([(0, 0), (W, 0)]).buffer(1e-3)], placements)[0]
    corners = np.asarray(edge.exterior.coords)
    dx, dy = np.ptp(corners[:, 0]), np.ptp(corners[:, 1])
    assert dx == pytest.approx(dy, rel=1e-3) and dx == pytest.approx(W / np.sqrt(2), rel=1e-3)
    # Band origins lie on lines x - y = const, one band height apart across the bands.
    offsets = placements.offsets
    across = np.round((offsets[:, 1] - offsets[:, 0]) / np.sqrt(2) / H, 6)
    assert np.allclose(across, np.round(across))
    centres = placements.centres()
    assert np.allclose(centres - offsets, [[(W / 2 - H / 2) / np.sqrt(2), (W / 2 + H / 2) / np.sqrt(2)]])


def test_translate_many_moves_each_geometry_by_its_own_offset():
    shapes = np.array([MARK, TILE, MARK], dtype=object)
    moved = translate_many(shapes, [[1, 2], [3, 4], [-5, 0]])
    for shape, g, (dx, dy) in zip(shapes, moved, [[1, 2], [3, 4], [-5, 0]]):
        assert g.equals(shapely.affinity.translate(shape, dx, dy))


def test_bad_lattice_inputs_are_refused():
    with pytest.raises(ParameterError, match="lattice must be one of block, half-drop, brick, mirror, parang; got 'hex'"):
        lattice_points("hex", W, H, BOUNDS)
    with pytest.raises(ParameterError, match="lattice tile width must be a positive number mm, got -1"):
        lattice_points("block", -1, H, BOUNDS)
