"""Mega mendung: the requested number of nested outlines, each darker inward; whole clouds per row."""

import numpy as np
import pytest
import shapely
from shapely import affinity

from batikgen.cloth.hand import _spout
from batikgen.motifs import get_motif, get_palette
from batikgen.motifs.kit.colour_difference import ciede2000, srgb_to_cielab
from batikgen.motifs.kit.crackle import exposure
from batikgen.motifs.kit.palettes import PALETTES
from batikgen.motifs.mega_mendung import MAX_GRADATIONS, dyed_layer, gradation_layer

from .family_checks import (
    assert_bounds_refused,
    assert_deterministic,
    assert_valid_and_inside,
    draw,
    raster,
    same_shape,
    union,
    window,
)

MEGA = get_motif("mega-mendung")
CELL = 40.0
ROLES = dict(MEGA.layer_roles)


def _luminance(rgb):
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]


def _middle_cloud(params):
    """The nested outlines of the cloud nearest the middle of a wide row, outermost first."""
    row = draw(MEGA, params, 0.0, CELL, 12)
    gradations = int(MEGA.validate(params)["gradations"])
    layers = [gradation_layer(k, gradations) for k in range(gradations)]
    middle = shapely.Point(6 * CELL, CELL / 2)
    outer = min(row[layers[0]], key=lambda s: s.centroid.distance(middle))
    return [next(s for s in row[name] if outer.contains(s.representative_point())) for name in layers], row


@pytest.mark.parametrize("params", [{}, {"gradations": 2, "length": 1.2, "height": 0.5, "lobes": 3},
                                    {"gradations": 9, "length": 4.0, "lobes": 7, "swell": 1.0, "gap": 0.05},
                                    {"swell": 0.0, "gap": 1.0}])
def test_rows_are_valid_and_inside(params):
    assert_valid_and_inside(MEGA, params, y0=31.0, cell=CELL, columns=5)


@pytest.mark.parametrize("gradations", range(2, MAX_GRADATIONS + 1))
def test_clouds_have_the_requested_nested_outlines(gradations):
    outlines, row = _middle_cloud({"gradations": gradations})
    assert len(outlines) == gradations
    for outer, inner in zip(outlines, outlines[1:]):
        assert outer.contains(inner) and inner.area < 0.95 * outer.area
    # The layers are distinct, so each outline can take its own shade; unused layers stay empty.
    used = {gradation_layer(k, gradations) for k in range(gradations)}
    assert len(used) == gradations
    assert all(not row[name] for name in ROLES if name not in used)


@pytest.mark.parametrize("palette", ["cirebon", "proof", "sogan-yogya", "indigo-soga"])
@pytest.mark.parametrize("gradations", [2, 5, 7, 9])
def test_each_outline_is_darker_inward(palette, gradations):
    colours = [get_palette(palette).rgb(ROLES[gradation_layer(k, gradations)]) for k in range(gradations)]
    lum = [_luminance(c) for c in colours]
    assert all(a > b for a, b in zip(lum, lum[1:]))
    assert not all(a > b for a, b in zip(lum[::-1], lum[::-1][1:]))  # reversed, the check fails


def test_raster_shows_the_gradations_darkening_toward_the_heart():
    gradations = 6
    outlines, row = _middle_cloud({"gradations": gradations})
    palette = get_palette("cirebon")
    x0, y0, x1, y1 = outlines[0].bounds
    layers = [(window([shape], x0 - 2, 0, x1 + 2, CELL), palette.rgb(ROLES[gradation_layer(k, gradations)]))
              for k, shape in enumerate(outlines)]
    image = raster(layers, x1 - x0 + 4, CELL, background=palette.rgb("ground"))
    heart = outlines[-1].representative_point()
    column = int(round((heart.x - x0 + 2) * 4))
    line = image[: int(round(heart.y * 4)) + 1, column]
    levels = [tuple(p) for p in line.astype(int)]
    # Plateaus: runs of equal colour at least two pixels long, in order from the top.
    runs = [levels[0]]
    for i in range(1, len(levels) - 1):
        if levels[i] == levels[i + 1] and levels[i] != runs[-1]:
            runs.append(levels[i])
    assert runs[0] == palette.rgb("ground")
    assert len(runs) - 1 == gradations
    lum = [_luminance(c) for c in runs[1:]]
    assert all(a > b for a, b in zip(lum, lum[1:]))


def test_clouds_are_mirror_symmetric_and_whole_in_their_row():
    outlines, row = _middle_cloud({})
    cx = outlines[0].centroid.x
    for shape in outlines:
        assert same_shape(shape, affinity.scale(shape, -1, 1, origin=(cx, 0)), 1e-4)  # offsets round a little
    assert not same_shape(outlines[0], affinity.scale(outlines[0], -1, 1, origin=(cx + 0.5, 0)), 1e-3)
    # Clouds never touch the row's top or bottom: each row holds whole clouds, nothing cut in time.
    bounds = np.array([s.bounds for s in row["gradation_0"]])
    assert bounds[:, 1].min() > 0 and bounds[:, 3].max() < CELL


def test_alternate_rows_are_offset_and_the_repeat_is_a_period():
    params = MEGA.validate({})
    width, height = MEGA.repeat(CELL, params)
    assert height == 2 * CELL
    first = union(draw(MEGA, params, 0.0, CELL, 12), "gradation_0")
    second = union(draw(MEGA, params, CELL, CELL, 12), "gradation_0")
    third = union(draw(MEGA, params, 2 * CELL, CELL, 12), "gradation_0")
    assert not same_shape(affinity.translate(first, 0, CELL), second, 1e-2)
    assert same_shape(affinity.translate(first, 0, 2 * CELL), third)
    box = shapely.box(2 * width, 0, 3 * width, CELL)
    assert same_shape(first.intersection(box), affinity.translate(first.intersection(affinity.translate(box, width, 0)), -width, 0))


def test_parameters_are_checked_and_drawing_is_deterministic():
    assert_bounds_refused(MEGA)
    assert_deterministic(MEGA, {"gradations": 5})


@pytest.mark.parametrize("finish", ["cap", "tulis"])
@pytest.mark.parametrize("gradations", [2, 5, 7, 9])
def test_dyed_clouds_use_consecutive_layers_from_the_rim(finish, gradations):
    dyed = MEGA.in_finish(finish)
    params = MEGA.validate({"gradations": gradations})
    crisp, row = draw(MEGA, params, 0.0, CELL, 12), draw(dyed, params, 0.0, CELL, 12)
    layers = [dyed_layer(k, gradations) for k in range(gradations)]
    assert [int(name.split("_")[1]) for name in layers] == list(range(gradations))
    for k, name in enumerate(layers):  # the same outlines, on other layers
        assert same_shape(union(row, name), union(crisp, gradation_layer(k, gradations)))
    assert all(not row[name] for name in ROLES if name not in layers)
    if gradations == 7:  # crisp spreads its rings over the whole range, skipping layers
        assert [gradation_layer(k, 7) for k in range(7)] != layers
    assert MEGA.in_finish("crisp") is MEGA


@pytest.mark.parametrize("palette", list(PALETTES))
def test_dyed_gradations_are_even_steps_from_the_motif_and_more_reach_a_darker_heart(palette):
    p = get_palette(palette)
    colours = MEGA.layer_colours(p, "tulis")
    assert colours == MEGA.layer_colours(p, "cap")
    assert colours["gradation_0"] == p.rgb("motif")  # the rim keeps the light motif, as in crisp
    hearts = []
    for gradations in range(2, MAX_GRADATIONS + 1):
        ring = [colours[dyed_layer(k, gradations)] for k in range(gradations)]
        lab = srgb_to_cielab(np.array(ring) / 255)
        steps = ciede2000(lab[:-1], lab[1:])
        assert np.all((steps > 3) & (steps < 4)), steps
        assert np.all(np.diff(lab[:, 0]) < 0)  # darker inward
        hearts.append(lab[-1, 0])
    assert np.all(np.diff(hearts) < 0)  # the trait `gradations` reads monotonically: a darker heart
    # Crisp keeps its sRGB blends over the whole way from motif to outline.
    crisp = MEGA.layer_colours(p, "crisp")
    assert crisp == {name: p.rgb(role) for name, role in MEGA.layer_roles}
    last = f"gradation_{MAX_GRADATIONS - 1}"
    assert crisp[last] == p.rgb("outline") != colours[last]


def test_dyed_layers_keep_their_roles_spout_and_wax():
    for finish in ("cap", "tulis"):
        assert MEGA.in_finish(finish).layer_roles == MEGA.layer_roles
    for name, role in MEGA.layer_roles:
        i = int(name.split("_")[1])
        assert _spout(role).name == "tembokan"  # a wax fill, as every gradation was
        assert exposure(role) == pytest.approx(exposure(f"motif>outline:{i / 8:.4g}"))
