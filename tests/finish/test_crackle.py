"""Crackle that grows (cap and tulis): cracks end on earlier cracks, so the skeleton of a rendered
crackle shows T-junctions far more often than crossings; crisp's random walks do not."""

import numpy as np
import shapely
from scipy import ndimage
from skimage.morphology import skeletonize

from batikgen.cloth.composition import Composition, Layer
from batikgen.cloth.crackle import add_crackle
from batikgen.motifs import get_palette
from batikgen.motifs.kit.crackle_growth import CELL_MM, grown_veins
from batikgen.render.raster import render_array
from batikgen.seeding import SeedTree
from tests.finish.measure import DPI

PROOF = get_palette("proof")


def _junctions(finish: str) -> tuple[int, int]:
    """T and X junctions of the crackle over a 90 mm waxed square at 300 dpi."""
    composition = Composition(90.0, 90.0, PROOF.rgb("ground"),
                              [Layer("motif", PROOF.rgb("motif"), [shapely.box(0, 0, 90, 90)])], finish=finish)
    add_crackle(composition, {"motif": "motif"}, 1.0, PROOF, SeedTree("crackle-junctions"))
    skeleton = skeletonize(render_array(composition, DPI).astype(int).sum(-1) < 600)
    neighbours = ndimage.convolve(skeleton.astype(int), np.ones((3, 3), int), mode="constant") - 1
    blobs, n = ndimage.label(ndimage.binary_dilation(skeleton & (neighbours >= 3), iterations=2))
    t = x = 0
    for i in range(1, n + 1):
        blob = blobs == i
        ring = ndimage.binary_dilation(blob, iterations=3) & ~blob & skeleton
        arms = ndimage.label(ring, np.ones((3, 3)))[1]  # branches leaving the junction
        t, x = t + (arms == 3), x + (arms >= 4)
    return t, x


def test_grown_cracks_meet_in_t_junctions_and_random_walks_do_not():
    t, x = _junctions("tulis")
    assert t >= 30 and t >= 5 * x, (t, x)
    t, x = _junctions("crisp")
    assert t < 5 * max(x, 1), (t, x)


def test_each_cell_grows_the_same_cracks_whatever_the_cloth():
    small, _ = grown_veins(2 * CELL_MM, 2 * CELL_MM, 0.8, 11)
    large, _ = grown_veins(3 * CELL_MM, 3 * CELL_MM, 0.8, 11)
    inside = shapely.within(shapely.centroid(large), shapely.box(0, 0, 2 * CELL_MM, 2 * CELL_MM))
    assert sorted(shapely.to_wkb(small)) == sorted(shapely.to_wkb(large[inside]))


def test_cells_grown_in_lockstep_grow_as_each_would_alone():
    from batikgen.motifs.kit.crackle_growth import _grow_cells

    origins = np.array([(i * CELL_MM, j * CELL_MM) for j in range(3) for i in range(4)], dtype=float)

    def rngs():
        return [np.random.default_rng([5, 0, c, 1]) for c in range(len(origins))]

    with np.errstate(divide="ignore", invalid="ignore"):
        together = _grow_cells(origins, 0.9, rngs())
        alone = [_grow_cells(origins[c : c + 1], 0.9, [rng])[0] for c, rng in enumerate(rngs())]
    assert sum(map(len, together)) > 3 * len(origins)  # cells of several cracks, not one each
    assert [len(cracks) for cracks in together] == [len(cracks) for cracks in alone]
    assert all(np.array_equal(a, b) for x, y in zip(together, alone) for a, b in zip(x, y))
