"""Colour from the dyes: gradations mixed in OKLCh (cap and tulis) keep their chroma where an sRGB
average (crisp) goes grey; mega mendung's gradations are even dye steps of 1-5 CIEDE2000, measured
on rendered cloth; where indigo and soga overlap the cloth is near-black."""

from functools import lru_cache

import numpy as np
import pytest
from skimage.color import deltaE_ciede2000, rgb2lab

from batikgen.cloth.build import build_composition
from batikgen.mapping.plan import ClothSize, MotifPlan, Row
from batikgen.motifs import get_motif
from batikgen.motifs.kit.oklab import linear_to_srgb, srgb_to_linear, srgb_to_oklab
from batikgen.motifs.kit.palettes import DYE_STEP, blend, dye_overlap, get_palette
from batikgen.motifs.mega_mendung import MAX_GRADATIONS, dyed_layer
from batikgen.render.raster import render_array
from tests.finish.measure import DPI, ring_colours

#: OKLab chroma under this is grey to the eye (about 2 CIEDE2000 from neutral): a ramp that stays
#: under it everywhere (indigo-soga's near-black to cream) cannot dip through grey, and 8-bit
#: rounding alone moves its chroma by a tenth or more, so its dip is measured against this instead.
NEUTRAL_CHROMA = 0.02


def _ramp(palette: str, first: str, second: str, perceptual: bool) -> np.ndarray:
    p = get_palette(palette)
    steps = MAX_GRADATIONS - 1
    return np.array([p.rgb(blend(first, second, i / steps), perceptual=perceptual) for i in range(steps + 1)]) / 255


def _chroma_dip(ramp: np.ndarray, floor: float = 0.0) -> float:
    """Largest shortfall of OKLab chroma below the straight line between the ends (fraction of
    the line, or of ``floor`` where the line is under it)."""
    lab = srgb_to_oklab(ramp)
    chroma = np.hypot(lab[:, 1], lab[:, 2])
    line = np.linspace(chroma[0], chroma[-1], len(chroma))
    return float(np.max((line - chroma) / np.maximum(line, max(floor, 1e-12))))


def _steps(ramp: np.ndarray) -> np.ndarray:
    lab = rgb2lab(ramp[None])[0]
    return deltaE_ciede2000(lab[:-1], lab[1:])


def test_an_indigo_to_soga_ramp_keeps_its_chroma_in_oklch_and_greys_in_srgb():
    assert _chroma_dip(_ramp("indigo-soga", "ground", "accent", perceptual=True)) < 0.10
    assert _chroma_dip(_ramp("indigo-soga", "ground", "accent", perceptual=False)) > 0.5  # crisp: grey mid-ramp


@pytest.mark.parametrize("palette", ["cirebon", "indigo-soga", "lasem"])
def test_mega_mendung_gradations_step_evenly_in_lightness(palette):
    """The dyed colours themselves: even CIEDE2000 steps from the motif, darkening inward."""
    mega, p = get_motif("mega-mendung"), get_palette(palette)
    colours = mega.layer_colours(p, "tulis")
    ramp = np.array([colours[dyed_layer(k, MAX_GRADATIONS)] for k in range(MAX_GRADATIONS)]) / 255
    steps = _steps(ramp)
    assert np.all(np.abs(steps - DYE_STEP) < 0.35), steps  # every gradation is seen, none jumps
    lightness = np.diff(rgb2lab(ramp[None])[0, :, 0])
    assert np.all(lightness < 0)  # monotonic darkening toward the heart
    assert _chroma_dip(ramp, NEUTRAL_CHROMA) < 0.10
    # The sRGB blends crisp keeps, over the whole way from motif to outline, step far wider.
    crisp = _ramp(palette, "motif", "outline", perceptual=False)
    assert _steps(crisp).min() > 5


# Rendered cloth: one row of clouds for each number of gradations, through the cloth's own build
# and the renderer at 300 dpi (seep, mottle, the hand and crackle as on any cloth).
GRADATIONS = (2, 7, 9)
CELL_MM = 30.0


@lru_cache(maxsize=None)
def _rendered_rings(palette: str, finish: str) -> tuple[np.ndarray, ...]:
    family = get_motif("mega-mendung")
    rows = [Row(float(i), float(i + 1), family.validate({"gradations": g})) for i, g in enumerate(GRADATIONS)]
    plan = MotifPlan(mapping_version=5, motif="mega-mendung", palette=palette,
                     cloth=ClothSize("test", 4 * CELL_MM, len(rows) * CELL_MM), cell_mm=CELL_MM, columns=4,
                     rows=rows, seed=20260514, finish=finish)
    composition = build_composition(plan)
    image = render_array(composition, DPI)
    return tuple(ring_colours(composition, image, i * CELL_MM, (i + 1) * CELL_MM) for i in range(len(rows)))


DYED_CASES = [("tulis", p) for p in ("cirebon", "indigo-soga", "sogan-yogya", "sogan-solo", "lasem", "tiga-negeri")]
DYED_CASES += [("cap", "cirebon"), ("cap", "indigo-soga")]


@pytest.mark.parametrize("finish, palette", DYED_CASES)
def test_rendered_dyed_gradations_are_1_to_5_apart_with_no_chroma_dip(finish, palette):
    hearts = []
    for gradations, rings in zip(GRADATIONS, _rendered_rings(palette, finish)):
        assert len(rings) == gradations
        steps = _steps(rings)
        assert np.all((steps >= 1) & (steps <= 5)), (gradations, steps)
        assert _chroma_dip(rings, NEUTRAL_CHROMA) < 0.10, gradations
        rim = np.array(get_palette(palette).rgb("motif"))[None] / 255
        # The rim keeps the light motif: within less than a step of it (the mottle darkens a little).
        assert _steps(np.concatenate([rings[:1], rim]))[0] < DYE_STEP
        # So the cloud stands out from the ground (a rim anchored to the dark outline dye came out
        # 9-39 CIEDE2000 from these dark grounds: indigo-soga's clouds all but vanished).
        ground = np.array(get_palette(palette).rgb("ground"))[None] / 255
        assert _steps(np.concatenate([rings[:1], ground]))[0] > 40
        hearts.append(rgb2lab(rings[-1:][None])[0, 0, 0])
    assert np.all(np.diff(hearts) < 0)  # more gradations, a darker heart


@pytest.mark.parametrize("palette", ["cirebon", "indigo-soga"])
def test_the_same_measure_fails_on_crisp(palette):
    for gradations, rings in zip(GRADATIONS, _rendered_rings(palette, "crisp")):
        assert len(rings) == gradations  # the measure finds every ring ...
        assert _steps(rings).max() > 5, gradations  # ... and crisp's rings jump


def test_indigo_over_soga_is_near_black_by_multiplied_reflectance():
    indigo, soga = "#1d2a4d", "#8b5a2b"
    both = np.array([int(dye_overlap(indigo, soga)[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    assert rgb2lab(both[None, None])[0, 0, 0] < 20
    # The palette multiplies the sRGB values: the sRGB curve is nearly a power law, and a power of a
    # product is the product of the powers, so this is multiplying linear reflectance but for the
    # curve's linear toe near black, where the exact product is a shade darker but no more.
    exact = linear_to_srgb(srgb_to_linear(np.array([0x1d, 0x2a, 0x4d]) / 255)
                           * srgb_to_linear(np.array([0x8b, 0x5a, 0x2b]) / 255))
    assert deltaE_ciede2000(rgb2lab(both[None, None]), rgb2lab(exact[None, None]))[0, 0] < 3
