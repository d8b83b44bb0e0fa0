"""Isen-isen fillers: inside their region, denser with density, checked parameters."""

import pytest
import shapely

from batikgen.errors import ParameterError
from batikgen.pattern.isen import ISEN_KINDS, isen_fill
from batikgen.seeding import SeedTree

REGION = shapely.Point(0, 0).buffer(20, quad_segs=16)


@pytest.mark.parametrize("kind", sorted(ISEN_KINDS))
def test_fillers_lie_inside_and_grow_with_density(kind):
    rng = SeedTree("t").rng(kind)
    sparse = isen_fill(kind, REGION, 0.1, 3.0, rng)
    dense = isen_fill(kind, REGION, 0.9, 3.0, SeedTree("t").rng(kind))
    assert sparse and all(REGION.contains(shape) and shape.is_valid for shape in sparse + dense)
    assert shapely.union_all(dense).area > shapely.union_all(sparse).area


def test_unknown_kind_and_bad_density_are_refused():
    with pytest.raises(ParameterError, match="isen kind must be one of"):
        isen_fill("sparkles", REGION, 0.5, 3.0, SeedTree("t").rng("x"))
    with pytest.raises(ParameterError, match=r"isen density must be in \[0, 1\], got 2"):
        isen_fill("cecek", REGION, 2, 3.0, SeedTree("t").rng("x"))
