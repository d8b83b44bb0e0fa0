"""Isen-isen fillers: inside their region, denser with density, deterministic, checked parameters."""

import pytest
import shapely
from shapely import affinity

from batikgen.errors import ParameterError
from batikgen.motifs.kit.isen import GROUND_KINDS, ISEN_KINDS, isen_fill
from batikgen.seeding import SeedTree

REGION = shapely.Point(0, 0).buffer(20, quad_segs=16)
# A non-convex region with a hole: fillers must respect both.
RING = shapely.Point(0, 0).buffer(25, quad_segs=16).difference(shapely.box(-8, -8, 8, 8))


def _fill(kind, density, region=REGION, scale=3.0, seed="t"):
    return isen_fill(kind, region, density, scale, SeedTree(seed).rng(kind))


def test_every_documented_kind_exists():
    assert {"cecek", "cecek-pitu", "sawut", "sisik", "ukel", "galaran"} <= set(ISEN_KINDS)
    assert set(GROUND_KINDS) <= set(ISEN_KINDS) and len(GROUND_KINDS) >= 2
    assert all(isinstance(text, str) and text for text in ISEN_KINDS.values())


@pytest.mark.parametrize("kind", sorted(ISEN_KINDS))
def test_fillers_lie_inside_and_grow_with_density(kind):
    sparse = _fill(kind, 0.1)
    dense = _fill(kind, 0.9)
    assert sparse and all(REGION.contains(shape) and shape.is_valid for shape in sparse + dense)
    assert shapely.union_all(dense).area > shapely.union_all(sparse).area


@pytest.mark.parametrize("kind", sorted(ISEN_KINDS))
def test_coverage_rises_monotonically_and_stays_a_filler(kind):
    cover = [shapely.union_all(_fill(kind, d, RING)).area / RING.area for d in (0.0, 0.35, 0.7, 1.0)]
    assert all(b > a for a, b in zip(cover, cover[1:])), cover
    assert 0.01 < cover[0] and cover[-1] < 0.6  # a filler never floods its region
    assert all(RING.contains(shape) for shape in _fill(kind, 0.5, RING))


@pytest.mark.parametrize("kind", sorted(ISEN_KINDS))
def test_same_rng_same_fill(kind):
    a, b = _fill(kind, 0.6, seed="s"), _fill(kind, 0.6, seed="s")
    assert len(a) == len(b) and all(shapely.equals_exact(x, y, 0) for x, y in zip(a, b))


def test_only_irregular_kinds_depend_on_the_seed():
    differs = {k for k in ISEN_KINDS
               if not shapely.equals(shapely.union_all(_fill(k, 0.5, seed="a")), shapely.union_all(_fill(k, 0.5, seed="b")))}
    assert differs == {"beras-wutah"}


@pytest.mark.parametrize("kind", ["cecek", "cecek-pitu", "sisik", "gringsing", "galaran"])
def test_regular_fills_of_a_symmetric_region_are_mirror_symmetric(kind):
    square = shapely.box(-20, -20, 20, 20)
    fill = shapely.union_all(_fill(kind, 0.5, square))
    # Mirrored left-right; oblique lines (galaran) are symmetric under a half turn instead.
    mirrored = (affinity.rotate(fill, 180, origin=(0, 0)) if kind == "galaran"
                else affinity.scale(fill, -1, 1, origin=(0, 0)))
    assert fill.symmetric_difference(mirrored).area < 0.02 * fill.area


def test_cecek_pitu_comes_in_sevens():
    dots = _fill("cecek-pitu", 0.5)
    assert len(dots) % 7 == 0 and len(dots) >= 14
    clusters = shapely.get_parts(shapely.union_all(shapely.buffer(dots, 0.6)))
    assert len(clusters) == len(dots) // 7  # each seven merges into one cluster, clusters stay apart


def test_empty_or_tiny_regions_give_nothing():
    assert _fill("cecek", 0.5, shapely.Polygon()) == []
    assert _fill("ukel", 0.5, shapely.box(0, 0, 0.5, 0.5)) == []


def test_unknown_kind_and_bad_density_and_scale_are_refused():
    with pytest.raises(ParameterError, match="isen kind must be one of"):
        isen_fill("sparkles", REGION, 0.5, 3.0, SeedTree("t").rng("x"))
    with pytest.raises(ParameterError, match=r"isen density must be in \[0, 1\]; got 2"):
        isen_fill("cecek", REGION, 2, 3.0, SeedTree("t").rng("x"))
    with pytest.raises(ParameterError, match="isen scale_mm must be a positive number mm; got 0"):
        isen_fill("sisik", REGION, 0.5, 0, SeedTree("t").rng("x"))
    with pytest.raises(ParameterError, match="isen scale_mm is too small"):
        isen_fill("cecek", shapely.box(0, 0, 2000, 2000), 0.5, 0.5, SeedTree("t").rng("x"))
