"""The compiled hand (batikgen/cloth/_hand.c) against its numpy reference in hand.py: the same moved
vertices, within rounding, on real layers of the families and on synthetic rings that reach its edge
cases (holes, multipolygons, corners, cusps, tiny and degenerate rings, empty shapes)."""

import os

import numpy as np
import pytest
import shapely

from batikgen.cloth import hand
from batikgen.cloth.composition import PolygonArray

#: How far (mm) the compiled hand may move a vertex from where numpy's does: its sums of areas,
#: perimeters and arcs round differently from numpy's pairwise and whole-piece sums, its edge lengths
#: are not libm's hypot; a last bit of a millimetre, never a nanometre.
TOLERANCE_MM = 1e-9

needs_compiled = pytest.mark.skipif(hand.HAND_PASS != "compiled", reason="the compiled hand was not built")


def test_the_compiled_hand_is_built_where_ci_runs():
    """CI installs with a C compiler: the compiled hand must be there, or every tulis build there
    would quietly take the numpy hand (the same vertices, several times the CPU)."""
    if not os.environ.get("CI") and hand.HAND_PASS != "compiled":
        pytest.skip("the compiled hand was not built (no C compiler at install): the numpy hand runs")
    assert hand.HAND_PASS == "compiled"


def _family_layers(family: str):
    """The layers of a swatch of ``family`` as tulis lays them out, before the hand (cap has no hand)."""
    from batikgen.motifs import get_motif, get_palette
    from batikgen.render.catalogue import swatch_composition
    from batikgen.seeding import SeedTree

    composition = swatch_composition(get_motif(family), get_palette("proof"), min_cells=1,
                                     seeds=SeedTree(f"compiled-{family}"), finish="cap")
    return [(layer, role) for layer, (_, role) in zip(composition.layers, get_motif(family).layer_roles)]


def _same_dense(shapes: PolygonArray, step: float = hand.STEP_MM) -> PolygonArray:
    """:func:`hand.densify`, checked to be numpy's exactly (the same edge counts and vertices)."""
    dense, reference = hand.densify(shapes, step), hand._numpy_densify(shapes, step)
    for got, wanted in ((dense.coords, reference.coords), (dense.ring_offsets, reference.ring_offsets)):
        assert np.array_equal(got, wanted)
    return dense


def _same_moves(shapes: PolygonArray, spout, seed: int, rows) -> None:
    dense = _same_dense(shapes)
    compiled = hand._compiled_moved(dense, spout, seed, rows)
    reference = hand._numpy_moved(dense, spout, seed, rows)
    assert compiled.shape == reference.shape
    worst = np.abs(compiled - reference).max()
    assert worst <= TOLERANCE_MM, f"{spout.name}: moved {worst:.3g} mm from numpy's vertices"
    assert np.abs(compiled - dense.coords).max() > 1e-3  # it did move them


# kawung, parang, lereng and truntum: petals, blades, cusps and dots; semen, tambal and lung-lungan:
# holes and multipolygons.
@needs_compiled
@pytest.mark.parametrize("family", ["kawung", "parang", "lereng", "truntum", "semen", "tambal", "lung-lungan"])
def test_the_compiled_hand_moves_real_layers_as_numpy_does(family):
    rows = (3.0, 7.5, [0.4, 1.0, 1.7, 0.9])  # unsteadiness varying down the swatch, as a field's rows
    seed = (1 << 63) + 12345  # beyond int64: the seeds wrap as noise.hash_uniform's do
    for layer, role in _family_layers(family):
        assert np.array_equal(hand.is_dot(layer.shapes), hand._numpy_is_dot(layer.shapes))
        dots, lines = hand._split(layer.shapes)
        if len(lines):
            for spout_rows in (None, rows):
                _same_moves(lines, hand._spout(role), seed, spout_rows)
        if len(dots):
            seeds = [seed + 101 + 17 * j + i for j in range(3) for i in range(3)]
            assert np.array_equal(hand.dab(dots, seed + 101).coords, hand._numpy_dab(dots, seeds).coords)


def _synthetic() -> PolygonArray:
    square_with_holes = shapely.Polygon([(0, 0), (12, 0), (12, 9), (0, 9)],  # counter-clockwise
                                        [[(2, 2), (2, 4), (4, 4), (4, 2)], [(6, 5), (9, 5), (9, 7), (6, 7)]])
    two_blades = shapely.MultiPolygon([shapely.Polygon([(20, 0), (30, 1), (20, 2)]),  # clockwise, sharp tip
                                       shapely.Polygon([(20, 5), (20, 7), (35, 6)])])
    star = shapely.Polygon([(50 + (6 if k % 2 else 2) * np.cos(k * np.pi / 5),
                             20 + (6 if k % 2 else 2) * np.sin(k * np.pi / 5)) for k in range(10)])
    return PolygonArray.from_shapely([
        square_with_holes, two_blades, star,
        shapely.Point(70, 3).buffer(0.3, 4),        # a tiny dot drawn as a line
        shapely.Polygon([(80, 0), (80.001, 0), (80.001, 0.001)]),  # a sliver a micrometre across
        shapely.Polygon(),                          # an empty shape between others
        shapely.box(-40.5, -30.25, 140.75, -29.5),  # long edges, densified; negative coordinates
    ])


@needs_compiled
@pytest.mark.parametrize("spout", list(hand.SPOUTS))
def test_the_compiled_hand_moves_synthetic_rings_as_numpy_does(spout):
    shapes = _synthetic()
    assert len(shapes) == 7 and shapes.multi.sum() == 1 and (shapes.rings_of_shapes()[1] > 1).sum() == 2
    assert np.array_equal(hand.is_dot(shapes), [False, False, False, True, True, False, False])
    assert np.array_equal(hand.is_dot(shapes), hand._numpy_is_dot(shapes))
    for step in (0.3, 2.5, 1e3):  # many edges, a few, none added (the same shapes back)
        _same_dense(shapes, step)
    _same_moves(shapes, hand.SPOUTS[spout], 7, None)
    _same_moves(shapes, hand.SPOUTS[spout], -3, (-35.0, 4.0, [2.0, 0.5, 1.0]))
    # Rings stay closed, holes stay holes: the same structure, every ring's last vertex its first.
    moved = hand.breathe(shapes, hand.SPOUTS[spout], 7)
    assert len(moved) == len(shapes)
    assert np.array_equal(moved.coords[moved.ring_offsets[1:] - 1], moved.coords[moved.ring_offsets[:-1]])
    assert shapely.is_valid(moved.to_shapely()).all()


@needs_compiled
def test_the_compiled_hand_refuses_offsets_that_do_not_fit():
    shapes = hand.densify(_synthetic())
    args = [shapes.coords, np.empty_like(shapes.coords), *hand._offsets(shapes)]
    rest = (0.1, 0.1, 0.1, 1.2, 0.43, np.array([14.0]), np.array([1.0]), np.array([5], np.uint64), 0.0, 1.0,
            np.array([1.0]))
    hand._compiled.breathe(*args, *rest)
    bad = args[2].copy()
    bad[-1] += 1  # one vertex past the end
    with pytest.raises(ValueError, match="offsets do not fit"):
        hand._compiled.breathe(args[0], args[1], bad, *args[3:], *rest)
    with pytest.raises(ValueError, match="out holds"):
        hand._compiled.breathe(args[0], args[1][:-1], *args[2:], *rest)
    with pytest.raises(ValueError, match="offsets do not fit"):
        hand._compiled.densify_count(args[0], bad, 1.0, np.empty(len(args[0]), np.int64), np.empty(len(bad), np.int64))
    with pytest.raises(ValueError, match="offsets do not fit"):
        hand._compiled.dab(args[0], args[1], bad, *args[3:], np.zeros(9, np.uint64), 0.15, 0.45)


@needs_compiled
def test_without_the_compiled_hand_the_numpy_hand_draws_the_same_layers(monkeypatch):
    """The fallback of installs without a C compiler, end to end: every layer of a swatch drawn by
    hand_layers the same, dots, lines, repairs and all, within rounding."""
    pairs = _family_layers("kawung") + _family_layers("semen")
    layers = [layer for layer, _ in pairs]
    roles = {layer.name: role for layer, role in pairs}
    rows = (0.0, 10.0, [0.5, 1.5])
    compiled = hand.hand_layers(layers, roles, "tulis", 99, rows=rows, workers=2)
    monkeypatch.setattr(hand, "_compiled", None)
    reference = hand.hand_layers(layers, roles, "tulis", 99, rows=rows, workers=2)
    for got, wanted in zip(compiled, reference):
        assert got.name == wanted.name
        for offsets in ("ring_offsets", "part_offsets", "shape_offsets"):
            assert np.array_equal(getattr(got.shapes, offsets), getattr(wanted.shapes, offsets)), got.name
        assert np.abs(got.shapes.coords - wanted.shapes.coords).max(initial=0.0) <= TOLERANCE_MM, got.name
