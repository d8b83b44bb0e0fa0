"""Strip rendering and the streaming PNG writer."""

import numpy as np
import pytest
import shapely
from PIL import Image

from batikgen.cloth.composition import Composition, Layer
from batikgen.errors import RenderError
from batikgen.render.png import write_png
from batikgen.render.raster import canvas_size, render_array, render_strips


def _square_with_hole(same_winding: bool = False) -> Composition:
    ring = shapely.box(10, 10, 90, 90).difference(shapely.box(30, 30, 70, 70))
    if same_winding:  # valid for shapely, but the hole would fill under the non-zero rule if drawn as given
        ring = shapely.Polygon(shapely.box(10, 10, 90, 90).exterior, [shapely.box(30, 30, 70, 70).exterior])
    return Composition(100.0, 100.0, (255, 255, 255), [Layer("ring", (200, 0, 0), [ring])])


@pytest.mark.parametrize("same_winding", [False, True])
def test_polygons_with_holes_render_with_the_hole_open(same_winding):
    image = render_array(_square_with_hole(same_winding), dpi=25.4)  # 1 px per mm
    assert image.shape == (100, 100, 3)
    assert tuple(image[20, 20]) == (200, 0, 0)
    assert tuple(image[50, 50]) == (255, 255, 255)  # the hole
    assert tuple(image[5, 5]) == (255, 255, 255)


def test_edges_are_anti_aliased():
    disc = shapely.Point(50, 50).buffer(30, quad_segs=32)
    image = render_array(Composition(100, 100, (255, 255, 255), [Layer("disc", (0, 0, 0), [disc])]), dpi=25.4)
    grey = np.unique(image[..., 0])
    assert len(grey) > 10  # intermediate values along the edge, not just 0 and 255


def test_strips_join_into_the_same_image_as_one_strip():
    composition = _square_with_hole()
    whole = np.concatenate(list(render_strips(composition, 50.8, strip_rows=1000)))
    striped = np.concatenate(list(render_strips(composition, 50.8, strip_rows=37)))
    assert np.array_equal(whole, striped)


def test_png_round_trips_with_dpi_and_srgb(tmp_path):
    composition = _square_with_hole()
    width, height = canvas_size(composition, 72)
    path = write_png(tmp_path / "a.png", width, height, render_strips(composition, 72, strip_rows=50), dpi=72)
    with Image.open(path) as image:
        assert image.size == (width, height) and image.mode == "RGB"
        assert image.info["dpi"] == pytest.approx((72, 72), abs=0.01)
        assert "srgb" in image.info
        assert np.array_equal(np.asarray(image), render_array(composition, 72))


def test_png_writer_refuses_wrong_strips_and_leaves_no_file(tmp_path):
    bad = [np.zeros((10, 20, 3), np.uint8)]
    with pytest.raises(RenderError, match="expected \\(rows, 30, 3\\) uint8"):
        write_png(tmp_path / "b.png", 30, 10, bad, dpi=72)
    with pytest.raises(RenderError, match="got 10 rows of pixels, expected 12"):
        write_png(tmp_path / "b.png", 20, 12, bad, dpi=72)
    assert list(tmp_path.iterdir()) == []


# --- path building, anti-aliasing, parallel strips -------------------------------------------------

import multiprocessing  # noqa: E402
import os  # noqa: E402
import zlib  # noqa: E402

import skia  # noqa: E402

from batikgen.render.parallel import encoded_strips  # noqa: E402
from batikgen.render.png import PngStripEncoder, PngWriter, adler32_combine  # noqa: E402
from batikgen.render.raster import prepare_scene  # noqa: E402


def test_numpy_built_paths_match_skias_own_serialisation():
    squares = [shapely.box(1, 1, 3, 4), shapely.Polygon([(5, 5), (9, 5), (7, 8)])]
    scene = prepare_scene(Composition(10, 10, (255, 255, 255), [Layer("a", (0, 0, 0), squares)]), 25.4)
    ours = scene.layers[0].path_bytes(0, 0.0)
    expected = skia.Path()
    for shape in squares:  # both wound with positive area already, so drawn as given (1 px a mm)
        ring = np.asarray(shape.exterior.coords)[:-1]
        expected.addPoly([skia.Point(float(x), float(y)) for x, y in ring], True)
    assert ours == bytes(expected.serialize())
    assert skia.Path().readFromMemory(ours) == len(ours)


def test_overlapping_shapes_of_a_layer_merge_whatever_their_winding():
    clockwise = shapely.Polygon([(10, 10), (10, 60), (60, 60), (60, 10)])
    anticlockwise = shapely.Polygon([(40, 40), (90, 40), (90, 90), (40, 90)])
    assert shapely.is_ccw(clockwise.exterior) != shapely.is_ccw(anticlockwise.exterior)
    image = render_array(Composition(100, 100, (255, 255, 255), [Layer("a", (0, 0, 200), [clockwise, anticlockwise])]),
                         dpi=25.4)
    assert tuple(image[50, 50]) == (0, 0, 200)  # the overlap is filled, not cancelled


def test_known_pixels_and_edge_coverage():
    # A square whose left edge falls mid-pixel: that column is half covered.
    square = shapely.box(10.5, 10, 30, 30)
    image = render_array(Composition(40, 40, (255, 255, 255), [Layer("a", (0, 0, 0), [square])]), dpi=25.4)
    assert tuple(image[20, 20]) == (0, 0, 0)
    assert tuple(image[20, 5]) == (255, 255, 255)
    assert abs(int(image[20, 10, 0]) - 128) <= 3  # 50 % coverage of black over white
    assert tuple(image[20, 11]) == (0, 0, 0)


def _dense_small() -> Composition:
    rng = np.random.default_rng(3)
    centres = rng.uniform(0, 200, (400, 2))
    discs = shapely.buffer(shapely.points(centres), 2.5, quad_segs=4)
    ring = shapely.box(20, 20, 180, 180).difference(shapely.box(60, 60, 140, 140))
    return Composition(200, 200, (240, 230, 210), [Layer("ground", (120, 60, 20), [ring]),
                                                     Layer("dots", (20, 20, 60), discs)])


def _png_bytes(tmp_path, composition, dpi, workers, strip_rows, name):
    scene = prepare_scene(composition, dpi, strip_rows)
    path = tmp_path / name
    with open(path, "wb") as handle:
        writer = PngWriter(handle, scene.width, scene.height, dpi)
        for (piece,) in encoded_strips(scene, [PngStripEncoder(scene.width, scene.n_strips)], workers=workers):
            writer.add(piece)
        writer.finish()
    return path


def test_parallel_workers_write_the_same_bytes_as_one_process(tmp_path):
    composition = _dense_small()
    one = _png_bytes(tmp_path, composition, 30, 1, 16, "one.png")
    two = _png_bytes(tmp_path, composition, 30, 2, 16, "two.png")
    assert one.read_bytes() == two.read_bytes()
    with Image.open(two) as image:
        assert np.array_equal(np.asarray(image), render_array(composition, 30))


def test_adler32_combine_matches_zlib():
    a, b = b"batik " * 1000, bytes(range(256)) * 300
    assert adler32_combine(zlib.adler32(a), zlib.adler32(b), len(b)) == zlib.adler32(a + b)


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")  # shapely, making the bad shape
def test_non_finite_coordinates_are_refused_with_the_layer_named():
    bad = shapely.Polygon([(0, 0), (10, 0), (np.nan, 10)])
    with pytest.raises(RenderError, match="layer 'isen': a shape has a non-finite coordinate"):
        render_array(Composition(20, 20, (0, 0, 0), [Layer("isen", (1, 2, 3), [bad])]), dpi=25.4)


def test_spawned_workers_as_on_macos_and_windows_write_the_same_bytes(tmp_path):
    composition = _dense_small()
    scene = prepare_scene(composition, 30, 32)
    encoder = PngStripEncoder(scene.width, scene.n_strips)
    forked = [piece for (piece,) in encoded_strips(scene, [encoder], workers=2, start_method="fork")]
    spawned = [piece for (piece,) in encoded_strips(scene, [encoder], workers=2, start_method="spawn")]
    assert spawned == forked and len(forked) == scene.n_strips


class _DiesOnStrip:
    """An encoder whose worker process exits abruptly on one strip, as an out-of-memory kill does."""

    def __init__(self, strip: int) -> None:
        self.strip = strip

    def encode(self, strip, pixels):
        if strip == self.strip:
            os._exit(3)
        return strip


def test_a_worker_that_dies_is_reported_not_waited_for():
    scene = prepare_scene(_dense_small(), 30, 16)
    with pytest.raises(RenderError, match="a render worker died"):
        list(encoded_strips(scene, [_DiesOnStrip(2)], workers=2))
    assert multiprocessing.active_children() == []


def test_stopping_midway_leaves_no_worker_behind():
    # Stopping the consumer (an error, Ctrl-C) shuts the workers down cleanly, again and again:
    # multiprocessing.Pool.terminate() hung about once in thirty such stops (CPython issue 78178).
    scene = prepare_scene(_dense_small(), 30, 16)
    for _ in range(5):
        strips = encoded_strips(scene, [_DiesOnStrip(-1)], workers=2)
        assert [next(strips) for _ in range(2)] == [[0], [1]]
        strips.close()
        assert multiprocessing.active_children() == []
