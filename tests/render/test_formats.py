"""TIFF, SVG, preview and proof strip: correct pixels and structure, and the same bytes every time."""

import io
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import shapely
import tifffile
from PIL import Image, ImageCms

from batikgen.cloth.composition import Composition, Layer
from batikgen.errors import ParameterError
from batikgen.render.outputs import parse_formats, write_raster_outputs
from batikgen.render.preview import PreviewAccumulator, PreviewStripEncoder, block_factor, preview_size
from batikgen.render.proof import hex_colour, proof_colours, proof_image
from batikgen.render.raster import render_array, render_strips
from batikgen.render.svg import _number_columns, write_svg
from batikgen.render.tiff import srgb_icc_profile

SVG_NS = {"svg": "http://www.w3.org/2000/svg"}


def _scene() -> Composition:
    rng = np.random.default_rng(11)
    discs = shapely.buffer(shapely.points(rng.uniform(5, 145, (150, 2))), 3.0, quad_segs=4)
    frame = shapely.box(10, 10, 140, 190).difference(shapely.box(40, 40, 110, 160))
    two_parts = shapely.MultiPolygon([shapely.box(0, 0, 5, 5), shapely.box(145, 195, 150, 200)])
    return Composition(150.0, 200.0, (243, 237, 225), [
        Layer("tanahan", (74, 46, 29), [frame, two_parts]),
        Layer("cecek", (138, 90, 54), discs),
        Layer("isen", (74, 46, 29), [shapely.box(60, 60, 90, 70)]),
    ])


def test_tiff_and_png_decode_to_the_same_pixels_with_dpi_and_icc(tmp_path):
    composition = _scene()
    write_raster_outputs(composition, 30, png=tmp_path / "a.png", tiff=tmp_path / "a.tif", workers=1, strip_rows=64)
    expected = render_array(composition, 30)
    with Image.open(tmp_path / "a.png") as png:
        assert np.array_equal(np.asarray(png), expected)
    assert np.array_equal(tifffile.imread(tmp_path / "a.tif"), expected)
    with tifffile.TiffFile(tmp_path / "a.tif") as tiff:
        page = tiff.pages[0]
        assert page.compression == tifffile.COMPRESSION.ADOBE_DEFLATE
        assert page.predictor == tifffile.PREDICTOR.HORIZONTAL
        assert page.tags["XResolution"].value == (30, 1) and page.tags["ResolutionUnit"].value == 2
        assert "DateTime" not in page.tags and "Software" not in page.tags
    with Image.open(tmp_path / "a.tif") as image:
        assert image.info["dpi"] == pytest.approx((30, 30))
        profile = ImageCms.ImageCmsProfile(io.BytesIO(image.info["icc_profile"]))
        assert "sRGB" in ImageCms.getProfileDescription(profile)


def test_icc_profile_has_a_fixed_date_so_tiffs_repeat():
    assert srgb_icc_profile()[24:36] == bytes.fromhex("07e6000100010000 00000000".replace(" ", ""))


def test_raster_outputs_are_byte_identical_run_to_run_and_across_worker_counts(tmp_path):
    composition = _scene()
    for name, workers in (("a", 1), ("b", 2), ("c", 2)):
        write_raster_outputs(composition, 40, png=tmp_path / f"{name}.png", tiff=tmp_path / f"{name}.tif",
                             preview=tmp_path / f"{name}.jpg", workers=workers, strip_rows=64)
    for suffix in ("png", "tif", "jpg"):
        first = (tmp_path / f"a.{suffix}").read_bytes()
        assert (tmp_path / f"b.{suffix}").read_bytes() == first
        assert (tmp_path / f"c.{suffix}").read_bytes() == first


def test_preview_is_a_faithful_small_copy(tmp_path):
    composition = _scene()
    write_raster_outputs(composition, 200, preview=tmp_path / "p.jpg", workers=1, strip_rows=128)
    full = render_array(composition, 200)
    with Image.open(tmp_path / "p.jpg") as preview:
        assert preview.format == "JPEG"
        assert preview.size == preview_size(full.shape[1], full.shape[0])
        assert max(preview.size) == 1200
        small = np.asarray(preview).astype(float)
    reference = np.asarray(Image.fromarray(full).resize(preview.size, Image.Resampling.BOX)).astype(float)
    assert np.mean(np.abs(small - reference)) < 3.0  # JPEG and filter differences only


def test_preview_block_sums_are_exact_box_means():
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (53, 41, 3), dtype=np.uint8)
    factor, strip_rows = 4, 10
    accumulator = PreviewAccumulator(41, 53, factor, long_side=14)  # 14 x 11 blocks: no final resize
    encoder = PreviewStripEncoder(factor, strip_rows)
    for strip, top in enumerate(range(0, 53, strip_rows)):
        accumulator.add(encoder.encode(strip, image[top : top + strip_rows]))
    result = np.asarray(accumulator.image()).astype(int)
    assert result.shape == (14, 11, 3)
    assert np.array_equal(result[0, 0], np.rint(image[:4, :4].reshape(-1, 3).mean(0)).astype(int))
    assert np.array_equal(result[-1, -1], np.rint(image[52:, 40:].reshape(-1, 3).mean(0)).astype(int))
    assert block_factor(9933, 14043) == 11


def test_svg_is_valid_xml_in_mm_with_one_group_per_layer_and_one_path_per_shape():
    composition = _scene()
    buffer = io.BytesIO()
    write_svg(buffer, composition)
    root = ET.fromstring(buffer.getvalue())
    assert root.get("viewBox") == "0 0 150 200"
    assert root.get("width") == "150mm" and root.get("height") == "200mm"
    groups = root.findall("svg:g", SVG_NS)
    assert [g.get("{http://www.inkscape.org/namespaces/inkscape}label") for g in groups] == ["tanahan", "cecek", "isen"]
    assert [g.get("fill") for g in groups] == ["#4a2e1d", "#8a5a36", "#4a2e1d"]
    assert [len(g.findall("svg:path", SVG_NS)) for g in groups] == [2, 150, 1]
    assert b"date" not in buffer.getvalue().lower()


def _absolute_rings(d: str) -> list[np.ndarray]:
    rings = []
    for sub in re.findall(r"M[^Mz]*z", d):
        move, _, rest = sub[1:-1].partition("l")
        numbers = [float(n) for n in re.findall(r"-?(?:\d+\.?\d*|\.\d+)", move + " " + rest)]
        points = np.cumsum(np.array(numbers).reshape(-1, 2), axis=0)
        rings.append(points)
    return rings


def test_svg_coordinates_round_trip_to_a_hundredth_of_a_mm():
    composition = _scene()
    buffer = io.BytesIO()
    write_svg(buffer, composition)
    root = ET.fromstring(buffer.getvalue())
    frame_path = root.findall("svg:g", SVG_NS)[0].findall("svg:path", SVG_NS)[0].get("d")
    rings = _absolute_rings(frame_path)
    frame = composition.layers[0].geometries[0]
    originals = [np.asarray(frame.exterior.coords)[:-1], *(np.asarray(r.coords)[:-1] for r in frame.interiors)]
    assert len(rings) == len(originals) == 2
    for ring, original in zip(rings, originals):
        assert np.allclose(ring, original, atol=0.005)
    disc_path = root.findall("svg:g", SVG_NS)[1].findall("svg:path", SVG_NS)[7].get("d")
    disc = np.asarray(composition.layers[1].geometries[7].exterior.coords)[:-1]
    assert np.allclose(_absolute_rings(disc_path)[0], disc, atol=0.005)


def test_svg_is_byte_identical_run_to_run():
    one, two = io.BytesIO(), io.BytesIO()
    write_svg(one, _scene())
    write_svg(two, _scene())
    assert one.getvalue() == two.getvalue()


def test_svg_numbers_are_compact():
    text = [row[row != 0].tobytes().decode() for row in _number_columns(np.array([150, -5, 200, 0, -100, 7, 123456, -30]))]
    assert text == ["1.5", "-.05", "2", "0", "-1", ".07", "1234.56", "-.3"]


def test_proof_strip_shows_each_distinct_colour_with_its_hex():
    composition = _scene()
    entries = proof_colours(composition)
    assert entries == [("ground", (243, 237, 225)), ("tanahan + isen", (74, 46, 29)), ("cecek", (138, 90, 54))]
    image = np.asarray(proof_image(composition, "sogan-yogya"))
    for i, (_, colour) in enumerate(entries):
        # The swatch's lower right corner holds no text: the pure colour.
        assert tuple(image[40 + 230, i * 240 + 230]) == colour
    assert hex_colour((74, 46, 29)) == "#4a2e1d"


def test_proof_labels_swatches_with_the_palettes_roles():
    from PIL import ImageChops

    composition = _scene()
    plain = proof_image(composition, "sogan-yogya")
    labelled = proof_image(composition, "sogan-yogya", {"ground": "#2b1a12", "outline": "#4A2E1D"})
    # Only the label of the swatch whose colour is the palette's outline changes.
    box = ImageChops.difference(plain, labelled).getbbox()
    assert box is not None and 240 <= box[0] and box[2] <= 480 and box[1] >= 40 + 240


def test_long_proof_labels_wrap_inside_their_swatch_instead_of_being_cut():
    composition = _scene()
    short = np.asarray(proof_image(composition, "sogan-yogya"))
    for name in ("outline", "border-line", "head-gradation_8", "border-gradation_8", "legend-frame"):
        composition.layers.append(Layer(name, (74, 46, 29), [shapely.box(1, 1, 2, 2)]))  # one more shared dye
    image = np.asarray(proof_image(composition, "sogan-yogya"))
    assert image.shape[0] > short.shape[0]  # more label rows, none dropped
    ink = (image[40 + 240 :] < 128).all(axis=2)  # dark text under the swatches
    columns = np.flatnonzero(ink.any(axis=0))
    second = columns[(columns >= 240) & (columns < 480)]  # the shared dye's swatch
    assert second.max() < 480 - 4  # its label stays inside its own column
    rows = np.flatnonzero(ink[:, 240:480].any(axis=1))
    assert rows.max() - rows.min() > 3 * 18  # the hex and at least three lines of names


def test_formats_are_parsed_and_bad_ones_named():
    assert parse_formats("svg,PNG, tif") == ("png", "tiff", "svg")
    with pytest.raises(ParameterError, match="must be among png, tiff, svg .* got jpeg"):
        parse_formats("png,jpeg")
    with pytest.raises(ParameterError, match="got none"):
        parse_formats("")


def test_strips_are_independent_of_where_they_are_cut():
    # Within a strip, skia accumulates the coverage of overlapping shapes of one path with
    # rounding that can depend on which shapes the path holds, so a different cut may move a
    # rare pixel by a level or two (the cut is fixed, so outputs still repeat byte for byte).
    composition = _scene()
    reference = np.concatenate(list(render_strips(composition, 40, 512))).astype(int)
    for rows in (5, 33, 64):
        difference = np.abs(np.concatenate(list(render_strips(composition, 40, rows))).astype(int) - reference)
        assert difference.max() <= 3 and np.count_nonzero(difference) <= 0.001 * difference.size
