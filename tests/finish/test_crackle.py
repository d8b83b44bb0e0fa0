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


def test_crackle_shows_only_where_its_wax_shows():
    """Dots painted over a waxed area cover its crackle in cap and tulis, as they cover the wax: no
    pixel inside a dot takes the crackle's colour. Crisp keeps its one crackle layer painted last,
    over the dots (the look of every cloth before the finish), so the same measure fails there."""
    dots = [shapely.Point(x, y).buffer(1.2) for x in np.arange(3.0, 40.0, 4.0) for y in np.arange(3.0, 40.0, 4.0)]
    dark = (20, 20, 20)
    for finish in ("tulis", "cap", "crisp"):
        composition = Composition(40.0, 40.0, PROOF.rgb("ground"),
                                  [Layer("motif", PROOF.rgb("motif"), [shapely.box(0, 0, 40, 40)]),
                                   Layer("dots", dark, dots)], finish=finish)
        add_crackle(composition, {"motif": "motif", "dots": "outline"}, 1.0, PROOF, SeedTree("covered"))
        names = [layer.name for layer in composition.layers]
        image = render_array(composition, DPI).astype(int)
        yy, xx = np.mgrid[: image.shape[0], : image.shape[1]] * 25.4 / DPI
        inside = np.zeros(image.shape[:2], bool)
        for dot in dots:  # well inside each dot (the dye seeps a little at its edge)
            inside |= (xx - dot.centroid.x) ** 2 + (yy - dot.centroid.y) ** 2 < 0.9 ** 2
        assert (np.abs(image[~inside] - PROOF.rgb("motif")).sum(-1) > 60).any()  # the crackle is there
        covered = np.abs(image[inside] - dark).max() <= 12
        if finish == "crisp":
            assert names == ["motif", "dots", "crackle"] and not covered
        else:
            assert names == ["motif", "crackle", "dots"] and covered, finish
