"""The packed polygon layers of a Composition: exact round trips and the operations the build uses."""

import numpy as np
import pytest
import shapely

from batikgen.cloth.composition import Composition, Layer, PolygonArray
from batikgen.errors import PatternError

RING = shapely.box(0, 0, 30, 30).difference(shapely.box(10, 10, 20, 20))
MIXED = np.array([
    shapely.box(0, 0, 1, 2),
    shapely.Polygon(),
    shapely.MultiPolygon([shapely.box(2, 2, 3, 3), RING]),
    RING,
    shapely.MultiPolygon(),
    shapely.Polygon([(5, 5), (9, 5), (7, 8)]),
], dtype=object)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return len(a) == len(b) and all(
        x.geom_type == y.geom_type and (shapely.equals_exact(x, y, 0.0) or (x.is_empty and y.is_empty))
        for x, y in zip(a, b))


def test_round_trip_keeps_every_shape_its_type_and_vertex_order():
    packed = PolygonArray.from_shapely(MIXED)
    assert len(packed) == len(MIXED)
    assert _same(packed.to_shapely(), MIXED)


def test_plain_polygons_take_the_fast_path_and_round_trip():
    shapes = shapely.buffer(shapely.points(np.arange(40).reshape(20, 2)), 0.3, quad_segs=3)
    packed = PolygonArray.from_shapely(shapes)
    assert np.array_equal(packed.part_offsets, np.arange(21)) and not packed.multi.any()
    assert _same(packed.to_shapely(), shapes)


def test_bounds_match_shapely_and_are_nan_for_empty_shapes():
    bounds = PolygonArray.from_shapely(MIXED).bounds()
    assert np.array_equal(np.isnan(bounds), np.isnan(shapely.bounds(MIXED)))
    assert np.allclose(bounds, shapely.bounds(MIXED), equal_nan=True)


def test_take_concatenate_and_transform_agree_with_shapely():
    packed = PolygonArray.from_shapely(MIXED)
    order = [5, 2, 0, 1]
    assert _same(packed.take(order).to_shapely(), MIXED[order])
    mask = np.array([True, False, True, False, False, True])
    assert _same(packed.take(mask).to_shapely(), MIXED[mask])
    joined = PolygonArray.concatenate([packed, PolygonArray.empty(), packed.take([3])])
    assert _same(joined.to_shapely(), np.concatenate([MIXED, MIXED[[3]]]))
    moved = packed.transformed(scale=(1.0, -2.0), offset=(5.0, 1.0)).to_shapely()
    expected = shapely.transform(MIXED, lambda xy: xy * [1.0, -2.0] + [5.0, 1.0])
    assert _same(moved, expected)


def test_from_vertices_closes_each_ring():
    vertices = np.array([[(0, 0), (4, 0), (4, 3)], [(10, 10), (12, 10), (11, 13)]], dtype=float)
    shapes = PolygonArray.from_vertices(vertices).to_shapely()
    assert _same(shapes, shapely.polygons(vertices))
    assert shapely.area(shapes).tolist() == [6.0, 3.0]
    with pytest.raises(PatternError, match="n_vertices >= 3"):
        PolygonArray.from_vertices(vertices[:, :2])


def test_layers_refuse_what_is_not_a_polygon():
    with pytest.raises(PatternError, match="polygons only; got a LineString"):
        Layer("lines", (0, 0, 0), [shapely.box(0, 0, 1, 1), shapely.LineString([(0, 0), (1, 1)])])
    with pytest.raises(PatternError, match="got a None"):
        Layer("holes", (0, 0, 0), [None])


def test_layer_geometries_are_made_on_request_and_can_be_replaced():
    layer = Layer("a", (1, 2, 3), MIXED)
    assert len(layer) == len(MIXED) and _same(layer.geometries, MIXED)
    layer.geometries = MIXED[:2]
    assert len(layer.shapes) == 2
    composition = Composition(40, 40, (255, 255, 255), [layer, Layer("b", (0, 0, 0), [RING])])
    assert composition.n_shapes() == 3 and composition.all_valid()


def test_packed_layers_are_much_smaller_than_shapely_objects():
    # The point of packing: a dense cloth's shapes cost their coordinates, not ~1.4 kB apiece.
    dots = shapely.buffer(shapely.points(np.random.default_rng(1).uniform(0, 500, (20_000, 2))), 0.6, quad_segs=3)
    packed = PolygonArray.from_shapely(dots)
    packed_bytes = sum(getattr(packed, name).nbytes for name in PolygonArray.__slots__)
    assert packed_bytes < 300 * len(dots)


def test_packing_keeps_what_shapelys_ragged_arrays_lose():
    """Why PolygonArray packs with its own code rather than shapely.to_ragged_array: given Polygons
    and MultiPolygons together, shapely's ragged arrays make every shape a MultiPolygon, and with an
    empty polygon among them from_ragged_array crashes the interpreter (shapely 2.2, run in a
    subprocess here). PolygonArray keeps each shape's type and the empty shape in place.
    When this test fails because shapely got it right, switch to shapely's ragged arrays."""
    import subprocess
    import sys

    code = ("import numpy as np, shapely\n"
            "mixed = np.array([shapely.box(0, 0, 1, 1), shapely.Polygon(),\n"
            "                  shapely.MultiPolygon([shapely.box(2, 2, 3, 3), shapely.box(4, 4, 5, 5)])], dtype=object)\n"
            "back = shapely.from_ragged_array(*shapely.to_ragged_array(mixed))\n"
            "print(list(shapely.get_type_id(back)))\n")
    shapelys = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert shapelys.returncode != 0 or shapelys.stdout.strip() != "[3, 3, 6]"  # a crash, or the types lost

    mixed = np.array([shapely.box(0, 0, 1, 1), shapely.Polygon(),
                      shapely.MultiPolygon([shapely.box(2, 2, 3, 3), shapely.box(4, 4, 5, 5)])], dtype=object)
    back = PolygonArray.from_shapely(mixed).to_shapely()
    assert list(shapely.get_type_id(back)) == [3, 3, 6] and back[1].is_empty
    assert all(shapely.equals(a, b) for a, b in zip(back[[0, 2]], mixed[[0, 2]]))
