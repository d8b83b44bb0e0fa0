"""Strip rendering and the streaming PNG writer."""

import numpy as np
import pytest
import shapely
from PIL import Image

from batikgen.errors import RenderError
from batikgen.pattern.composition import Composition, Layer
from batikgen.render.png import write_png
from batikgen.render.raster import canvas_size, render_array, render_strips


def _square_with_hole() -> Composition:
    ring = shapely.box(10, 10, 90, 90).difference(shapely.box(30, 30, 70, 70))
    return Composition(100.0, 100.0, (255, 255, 255), [Layer("ring", (200, 0, 0), [ring])])


def test_polygons_with_holes_render_with_the_hole_open():
    image = render_array(_square_with_hole(), dpi=25.4)  # 1 px per mm
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
