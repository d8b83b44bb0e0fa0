"""Vertices slid onto pixel rows before cap and tulis are drawn (raster.snap_to_rows): the outline
moves by at most the tolerance, the anti-aliasing gets no less exact, the compiled and numpy versions
give the same floats, and crisp is drawn as it always was."""

import os

import numpy as np
import pytest
import shapely
import skia

from batikgen.cloth.composition import concat_ranges
from batikgen.errors import RenderError
from batikgen.motifs import get_motif, get_palette
from batikgen.render import raster
from batikgen.render.catalogue import swatch_composition
from batikgen.seeding import SeedTree

DPI = 300


def _scene(finish: str, family: str = "kawung", px_mm: float = 60.0):
    composition = swatch_composition(get_motif(family), get_palette("sogan-yogya"), min_cells=2, crackle=0.6,
                                     seeds=SeedTree(f"snap-{family}"), finish=finish)
    return composition, raster.prepare_scene(composition, DPI)


def _band_rings(layer: raster.PreparedLayer, band: int, top: float):
    """The points (px, shifted up by ``top``) and ring lengths that ``path_bytes`` draws for ``band``,
    before any snapping, rings read as stored."""
    shapes = np.flatnonzero((layer.first_band <= band) & (layer.last_band >= band))
    rings = concat_ranges(layer.shape_ring_start[shapes], layer.shape_ring_count[shapes])
    offsets = layer.shapes.ring_offsets
    lengths = offsets[rings + 1] - offsets[rings] - 1
    points = layer.shapes.coords[concat_ranges(offsets[rings], lengths)] * layer.scale
    points[:, 1] -= top
    return points, lengths


def _tulis_rings():
    _, scene = _scene("tulis")
    for layer in scene.layers:
        if len(layer.shapes):
            yield _band_rings(layer, 0, -scene.margin)


def test_slid_vertices_land_on_rows_and_move_the_outline_by_at_most_the_tolerance():
    slid_total = vertices = 0
    for points, lengths in _tulis_rings():
        snapped = points.copy()
        slid = raster.snap_to_rows(snapped, lengths)
        moved = np.any(snapped != points, axis=1)
        assert moved.sum() == slid
        assert np.array_equal(snapped[moved, 1], np.rint(points[moved, 1]))  # on a whole row
        assert np.array_equal(snapped[~moved], points[~moved])
        # Every ring, as a line, within the tolerance of where it was (both ways round).
        starts = np.cumsum(lengths) - lengths
        for start, n in zip(starts, lengths):
            if n < 3 or not moved[start : start + n].any():
                continue
            old = shapely.LinearRing(points[start : start + n])
            new = shapely.LinearRing(snapped[start : start + n])
            assert shapely.hausdorff_distance(old, new, densify=0.1) <= raster.ROW_SNAP_PX * 1.01
        slid_total += slid
        vertices += len(points)
    # Most of a tulis outline's vertices slide: that is where the drawing time goes.
    assert slid_total > 0.5 * vertices, f"only {slid_total} of {vertices} vertices slid"


def _coverage(points, lengths, rows, cols, supersample: int = 1) -> np.ndarray:
    path = skia.Path()
    start = 0
    for n in lengths:
        path.addPoly([skia.Point(float(x), float(y)) for x, y in points[start : start + n] * supersample], True)
        start += n
    pixels = np.zeros((rows * supersample, cols * supersample, 4), np.uint8)
    surface = skia.Surface(pixels, skia.kRGBA_8888_ColorType, skia.kPremul_AlphaType)
    surface.getCanvas().drawPath(path, skia.Paint(Color=skia.ColorWHITE, AntiAlias=True))
    alpha = pixels[..., 3].astype(float)
    return alpha.reshape(rows, supersample, -1, supersample).mean(axis=(1, 3))


def test_snapping_leaves_the_anti_aliasing_no_less_exact():
    """Against the outlines drawn 16 x 16 times finer and averaged (the true coverage, nearly), the
    snapped outlines' edge pixels are no further off than the unsnapped ones: skia's partial rows,
    which snapping avoids, are its least exact."""
    _, scene = _scene("tulis")
    points, lengths = next(_tulis_rings())  # the outline layer
    cols = int(points[:, 0].max()) + 2
    rows = min(int(points[:, 1].max()) + 2, 400)
    truth = _coverage(points, lengths, rows, cols, supersample=16)
    snapped = points.copy()
    raster.snap_to_rows(snapped, lengths)
    error_drawn = np.abs(_coverage(points, lengths, rows, cols) - truth)
    error_snapped = np.abs(_coverage(snapped, lengths, rows, cols) - truth)
    assert error_snapped.mean() <= error_drawn.mean()
    assert np.percentile(error_snapped, 99.9) <= np.percentile(error_drawn, 99.9)


def test_crisp_is_drawn_unsnapped_and_cap_and_tulis_snapped():
    for finish, wanted in (("crisp", False), ("cap", True), ("tulis", True)):
        _, scene = _scene(finish)
        assert {layer.snap_rows for layer in scene.layers} == {wanted}, finish


def test_a_vertex_slides_the_same_way_in_every_band():
    """The rows are the image's: a ring shifted by whole rows slides to the same places, shifted."""
    slid_total = 0
    for points, lengths in _tulis_rings():
        # As path_bytes makes them: image rows minus a band's top, for two bands' tops.
        image = points + [0.0, 2048.0]
        a, b = image.copy(), image.copy()
        a[:, 1] -= 1536
        b[:, 1] -= 2048
        slid = raster.snap_to_rows(a, lengths)
        assert raster.snap_to_rows(b, lengths) == slid
        assert np.array_equal(a[:, 1] - b[:, 1], np.full(len(a), 512.0))
        assert np.array_equal(a[:, 0], b[:, 0])
        slid_total += slid
    assert slid_total > 0


def test_short_rings_and_rows_already_whole_are_left_alone_and_bad_sizes_refused():
    points = np.array([[0.3, 0.4], [5.2, 9.7], [1.0, 2.0], [3.0, 4.0], [9.0, 4.0]], dtype=np.float64)
    before = points.copy()
    assert raster.snap_to_rows(points, np.array([2, 3])) == 0  # a segment, and a triangle already on rows
    assert np.array_equal(points, before)
    for snap in (raster.snap_to_rows, raster.numpy_snap_to_rows):
        for lengths in ([4, 3], [6, -1]):
            with pytest.raises(RenderError, match="do not fit 5 points"):
                snap(points, np.array(lengths))
        with pytest.raises(RenderError, match="float64"):
            snap(points.astype(np.float32), np.array([5]))


def test_the_compiled_snapping_is_built_where_ci_runs():
    """CI installs with a C compiler: the compiled snapping must be there, or every cap and tulis
    render there would quietly take the numpy one (the same floats, about 20x the CPU)."""
    if not os.environ.get("CI") and raster.SNAP_PASS != "compiled":
        pytest.skip("the compiled snapping was not built (no C compiler at install): the numpy one runs")
    assert raster.SNAP_PASS == "compiled"


@pytest.mark.parametrize("family", ["kawung", "parang", "truntum", "semen"])
def test_the_compiled_snapping_gives_the_numpy_floats(family):
    if raster.SNAP_PASS != "compiled":
        pytest.skip("the compiled snapping was not built")
    _, scene = _scene("tulis", family)
    rng = np.random.default_rng(7)
    cases = [_band_rings(layer, 0, -scene.margin) for layer in scene.layers if len(layer.shapes)]
    # Synthetic rings too: random polygons, axis-aligned squares (chords with no height), spikes.
    random = rng.uniform(0, 40, (300, 2))
    square = np.array([[1.5, 1.5], [9.5, 1.5], [9.5, 9.5], [1.5, 9.5]])
    spike = np.array([[0.0, 0.2], [10.0, 0.6], [0.1, 0.45], [0.0, 5.3]])
    cases.append((np.concatenate([random, square, spike]), np.array([100, 120, 80, 4, 4])))
    for points, lengths in cases:
        compiled, reference = points.copy(), points.copy()
        slid = raster.snap_to_rows(compiled, lengths)
        assert raster.numpy_snap_to_rows(reference, lengths) == slid
        assert np.array_equal(compiled, reference)


def test_without_the_compiled_snapping_the_same_pixels_are_drawn(monkeypatch):
    composition, scene = _scene("tulis")
    painted = raster.StripPainter(scene).paint(0)
    monkeypatch.setattr(raster, "_compiled_snap", None)
    assert np.array_equal(raster.StripPainter(raster.prepare_scene(composition, DPI)).paint(0), painted)
