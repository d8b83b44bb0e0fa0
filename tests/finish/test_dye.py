"""Dye seep at wax edges and the mottle of dyed fields (cap and tulis): measured on 300 dpi renders,
byte-identical however the image is cut into strips, and absent in crisp."""

import numpy as np
import pytest
import shapely

from batikgen.cloth.composition import Composition, Layer
from batikgen.motifs import get_motif, get_palette
from batikgen.motifs.kit.oklab import srgb_to_oklab
from batikgen.render.catalogue import swatch_composition
from batikgen.render.raster import BAND_ROWS, render_strips
from batikgen.seeding import SeedTree
from tests.finish.measure import DPI, MM_PER_PX

INDIGO, WAX = (29, 42, 77), (243, 237, 225)


def _edge(finish: str) -> np.ndarray:
    """A waxed (white) square on indigo, 40 mm: its left edge runs down the image."""
    composition = Composition(40.0, 40.0, INDIGO, [Layer("motif", WAX, [shapely.box(10.0, 0.0, 40.0, 40.0)])],
                              finish=finish, dye_seed=7)
    return np.concatenate(list(render_strips(composition, DPI)))


def _rise_mm(image: np.ndarray) -> np.ndarray:
    """Per row, the distance over which OKLab lightness climbs from 10 % to 90 % of the way from the
    dye to the wax, across the edge at x = 10 mm."""
    edge = int(round(10.0 / MM_PER_PX))
    band = srgb_to_oklab(image[:, edge - 30 : edge + 30] / 255.0)[..., 0]
    dark, light = band[:, :10].mean(axis=1, keepdims=True), band[:, -5:].mean(axis=1, keepdims=True)
    frac = (band - dark) / (light - dark)
    x = np.arange(band.shape[1], dtype=float)
    rises = [np.interp(0.9, np.maximum.accumulate(f), x) - np.interp(0.1, np.maximum.accumulate(f), x) for f in frac]
    return np.array(rises) * MM_PER_PX


def test_dye_seeps_under_the_wax_edge_unevenly_in_tulis_not_in_crisp():
    rise = _rise_mm(_edge("tulis"))
    rows = rise[20:-20]  # away from the image's own top and bottom
    assert 0.2 <= np.median(rows) <= 0.7, np.median(rows)
    spread = (np.percentile(rows, 95) - np.percentile(rows, 5)) / np.median(rows)
    assert spread >= 0.25, spread
    crisp = _rise_mm(_edge("crisp"))[20:-20]
    assert np.median(crisp) < 0.2, np.median(crisp)


def test_dyed_fields_are_faintly_mottled_and_wax_stays_clean():
    tulis, crisp = _edge("tulis"), _edge("crisp")
    field = slice(20, -20), slice(10, int(8.0 / MM_PER_PX))  # indigo, a way from the edge
    lightness = srgb_to_oklab(tulis[field] / 255.0)[..., 0]
    assert 0.002 < lightness.std() < 0.03
    assert srgb_to_oklab(crisp[field] / 255.0)[..., 0].std() < 1e-6
    wax = slice(20, -20), slice(int(20 / MM_PER_PX), -20)
    assert np.abs(tulis[wax].astype(int) - WAX).max() <= 2


@pytest.mark.parametrize("family", ["kawung", "lereng"])  # lereng: long slanted edges across every cut
@pytest.mark.parametrize("finish", ["crisp", "cap", "tulis"])
def test_strips_and_the_whole_canvas_are_the_same_bytes(finish, family):
    composition = swatch_composition(get_motif(family), get_palette("indigo-soga"), min_cells=2,
                                     seeds=SeedTree("strips"), finish=finish, crackle=0.6)
    whole = np.concatenate(list(render_strips(composition, DPI, 100_000)))
    assert whole.shape[0] > BAND_ROWS  # the whole canvas crosses a band's cut too
    for rows in (37, 128, 700):  # inside a band, and across bands
        strips = np.concatenate(list(render_strips(composition, DPI, rows)))
        assert strips.tobytes() == whole.tobytes(), f"{finish}: strips of {rows} rows differ from the whole"
    again = swatch_composition(get_motif(family), get_palette("indigo-soga"), min_cells=2,
                               seeds=SeedTree("strips"), finish=finish, crackle=0.6)
    assert np.concatenate(list(render_strips(again, DPI, 128))).tobytes() == whole.tobytes()


@pytest.mark.parametrize("radius", [1, 4, 7, 9, 36])  # 9 and 36 (about 600 and 2400 dpi) sum in uint32
@pytest.mark.parametrize("shape", [(90, 91), (130, 97)])
def test_box_sums_are_exact(radius, shape):
    """The seep's box sums against their definition: scipy's sums down and along the rows of each
    channel, with the workspace reused (by a smaller tile first) as the tiles of a pass reuse it."""
    from scipy import ndimage

    from batikgen.render.dye import _sum_dtype, _Workspace, box_sums

    rng = np.random.default_rng(radius * 1000 + shape[0])
    rgb = rng.integers(0, 256, size=(*shape, 3), dtype=np.uint8)
    rgb[: shape[0] // 2] = 255  # the largest sums: they must not overflow
    n = 2 * radius + 1
    box = np.ones(n, dtype=np.int64)
    sums = ndimage.correlate1d(rgb.astype(np.int64), box, axis=0, mode="constant")
    expected = ndimage.correlate1d(sums, box, axis=1, mode="constant")[radius:-radius, radius:-radius]
    planes = np.ascontiguousarray(np.moveaxis(rgb, 2, 0))
    work = _Workspace(_sum_dtype(n))
    box_sums(planes[:, : n + 3, : n + 5], n, work)
    got = np.moveaxis(box_sums(planes, n, work), 0, 2)
    assert np.array_equal(got, expected)


@pytest.mark.parametrize("dpi", [30, 72, 300, 600, 1200, 2400])
def test_the_dye_fields_stay_in_range_at_every_resolution(dpi):
    """The fields are fixed-point uint16: their interpolation must not wrap at any dpi."""
    from batikgen.render.dye import SEEP_WEIGHT, _Fields

    fields = _Fields(-37, 300, 500, dpi, 5, seep_unit=400.0)
    seep = fields.seep(-37, 263, 0, 500) / 400
    assert SEEP_WEIGHT[0] - 0.01 <= seep.min() and seep.max() <= SEEP_WEIGHT[1] + 0.01
    assert seep.max() - seep.min() > 0.1 or dpi < 100  # it varies (over a few mm: only visible at higher dpi)
    mottle = fields.mottle(-37, 263, 0, 500)
    assert mottle.max() <= 8 * 256 / 37 + 1
    assert mottle.max() - mottle.min() > 5 or dpi < 100


def test_noise_on_a_grid_is_the_noise_at_each_point():
    from batikgen.motifs.kit.noise import value_noise, value_noise_grid

    x, y = np.linspace(-7.3, 33.1, 201), np.linspace(-50.2, -10.0, 77)
    for period, seed in ((7.0, -3), (0.9, 12)):
        assert np.array_equal(value_noise_grid(x, y, period, seed), value_noise(x[None, :], y[:, None], period, seed))


def test_the_dye_of_a_pixel_depends_only_on_its_neighbours_and_its_position():
    from batikgen.render.dye import dye_pass, reach_px

    rng = np.random.default_rng(3)
    block = np.repeat(np.repeat(rng.integers(0, 4, (30, 60, 3), dtype=np.uint8) * 80, 7, 0), 7, 1)  # 210 x 420
    reach = reach_px(DPI)
    whole = dye_pass(block, -40, DPI, 11)
    part = dye_pass(block[37:150], -40 + 37, DPI, 11)
    assert np.array_equal(part, whole[37 : 37 + len(part)])
    rgba = np.concatenate([block, np.full((*block.shape[:2], 1), 255, np.uint8)], axis=2)
    assert np.array_equal(dye_pass(rgba, -40, DPI, 11), whole)  # skia's alpha is ignored
    assert whole.shape == (block.shape[0] - 2 * reach, *block.shape[1:])
    assert not np.array_equal(whole, dye_pass(block, -39, DPI, 11))  # the noise is anchored to the cloth


def test_the_compiled_dye_pass_is_built_where_ci_runs():
    """CI installs with a C compiler: the compiled pass must be there, or every cap and tulis render
    there would quietly take the numpy pass (the same bytes, about 3x the CPU)."""
    import os

    from batikgen.render import dye

    if not os.environ.get("CI") and dye.DYE_PASS != "compiled":
        pytest.skip("the compiled dye pass was not built (no C compiler at install): the numpy pass runs")
    assert dye.DYE_PASS == "compiled"


@pytest.mark.parametrize("dpi", [30, 150, 300, 600, 1200])  # radius 1 to 18; lattice steps 1 to 8 px
@pytest.mark.parametrize("top", [-45, 0, 1029])  # above the cloth, at its top, inside it off the lattice
def test_the_compiled_dye_pass_gives_the_numpy_pass_bytes(dpi, top):
    from batikgen.render import dye

    if dye.DYE_PASS != "compiled":
        pytest.skip("the compiled dye pass was not built")
    rng = np.random.default_rng(dpi + top + 100)
    # Flat fields and hard edges (as drawn cloth has), a few random pixels, and white and black:
    # the extremes of every sum and product.
    block = np.repeat(np.repeat(rng.integers(0, 5, (24, 53, 4), dtype=np.uint8) * 63, 9, 0), 7, 1)[:, :367]
    block[::17, ::13] = rng.integers(0, 256, block[::17, ::13].shape, dtype=np.uint8)
    block[:40, :60], block[40:80, :60] = 255, 0
    for rows in (2 * dye.reach_px(dpi) + 1, block.shape[0]):  # a single output row, and many
        got = dye.dye_pass(block[:rows], top, dpi, 23)
        assert np.array_equal(got, dye.numpy_dye_pass(block[:rows], top, dpi, 23)), f"{dpi} dpi, {rows} rows"
    assert np.array_equal(dye.dye_pass(block[..., :3], top, dpi, 23), got)  # RGB in: the same
    assert np.array_equal(dye.dye_pass(block[:, ::-1][:, ::-1], top, dpi, 23), got)  # not contiguous: the same
