"""Tambal: squares cut along diagonals, each triangle one motif, neighbours different, seeded."""

import pytest
import shapely

from batikgen.motifs import get_motif
from batikgen.motifs.tambal import PATCH_FAMILIES, _edge_triangle, patch_plan, triangles
from batikgen.seeding import SeedTree

from .family_checks import (
    assert_bounds_refused,
    assert_deterministic,
    assert_valid_and_inside,
    draw,
    p4m_invariant,
    union,
)

TAMBAL = get_motif("tambal")
CELL = 40.0


def _neighbours_differ(plan, split):
    per_cell = 4 if split == 2 else 2
    for column, cell in enumerate(plan):
        ring = list(zip(cell, cell[1:])) + ([(cell[-1], cell[0])] if per_cell == 4 else [])
        if any(a == b for a, b in ring):
            return False
        if column and cell[_edge_triangle(column, per_cell, "left")] == plan[column - 1][_edge_triangle(column - 1, per_cell, "right")]:
            return False
    return True


@pytest.mark.parametrize("params", [{}, {"variety": 2, "split": 1, "scale": 1.0, "seam": 0.04},
                                    {"variety": 7, "scale": 0.25, "seam": 0.005}, {"split": 1, "scale": 0.34}])
def test_rows_are_valid_and_inside(params):
    assert_valid_and_inside(TAMBAL, params, y0=17.0, cell=CELL, columns=4)


@pytest.mark.parametrize("split", [1, 2])
@pytest.mark.parametrize("variety", [2, 3, 7])
def test_neighbouring_patches_hold_different_motifs(split, variety):
    params = TAMBAL.validate({"split": split, "variety": variety})
    for seed in range(10):
        plan = patch_plan(9, params, SeedTree(f"s{seed}").rng("patches"))
        assert _neighbours_differ(plan, split)
        assert len({name for cell in plan for name in cell}) <= variety
    # The check fails for a plan that repeats a motif across a shared side.
    assert not _neighbours_differ([["kawung", "parang", "kawung", "kawung"]], 2)
    assert not _neighbours_differ([["kawung", "parang"], ["kawung", "nitik"]], 1)


@pytest.mark.parametrize("split", [1, 2])
def test_every_shape_keeps_to_its_own_triangle_and_family(split):
    params = TAMBAL.validate({"split": split, "variety": 5})
    seeds = SeedTree("t").child("row-0")
    row = TAMBAL.draw_row(0.0, CELL, 3, params, seeds)
    plan = patch_plan(3, params, seeds.rng("patches"))
    pieces = [(shapely.Polygon(tri).buffer(1e-6, join_style="mitre"), name)
              for column, cell in enumerate(plan) for tri, name in zip(triangles(column * CELL, 0.0, CELL, split, column), cell)]
    counted = 0
    for label, shapes in row.items():
        if label == "seam":
            continue
        family = label.split(".")[0]
        for shape in shapes:
            homes = [name for piece, name in pieces if piece.covers(shape)]
            assert homes == [family], label
            counted += 1
    assert counted > 50
    used = {label.split(".")[0] for label, shapes in row.items() if shapes and label != "seam"}
    assert used == {name for cell in plan for name in cell}


def test_patches_follow_the_seed():
    params = TAMBAL.validate({})
    plans = [patch_plan(12, params, SeedTree(s).rng("patches")) for s in ("a", "a", "b")]
    assert plans[0] == plans[1] and plans[0] != plans[2]
    a, b = (draw(TAMBAL, {}, cell=CELL, columns=4, seed=s) for s in ("a", "b"))
    assert any(len(a[k]) != len(b[k]) for k in a)


def test_seams_cut_each_square_along_its_diagonals():
    row = draw(TAMBAL, {"split": 2}, cell=CELL, columns=1)
    seams = union(row, "seam")
    assert p4m_invariant(seams, (CELL / 2, CELL / 2))
    for point in ((CELL / 4, CELL / 4), (3 * CELL / 4, CELL / 4), (CELL / 2, 0.1)):
        assert seams.contains(shapely.Point(point))
    assert not seams.contains(shapely.Point(CELL / 2, CELL / 4))  # inside a triangle, off the seams
    one = union(draw(TAMBAL, {"split": 1}, cell=CELL, columns=1), "seam")
    assert one.contains(shapely.Point(CELL / 4, CELL / 4)) and not one.contains(shapely.Point(3 * CELL / 4, CELL / 4))


def test_layers_cover_every_patch_family():
    names = {name for name, _ in TAMBAL.layer_roles}
    for family in PATCH_FAMILIES:
        for layer, _ in get_motif(family).layer_roles:
            assert f"{family}.{layer}" in names


def test_parameters_are_checked_and_drawing_is_deterministic():
    assert_bounds_refused(TAMBAL)
    assert_deterministic(TAMBAL, {"variety": 6})
