"""Colour from the dyes: gradations mixed in OKLCh (cap and tulis) keep their chroma where an sRGB
average (crisp) goes grey; where indigo and soga overlap the cloth is near-black."""

import numpy as np
from skimage.color import deltaE_ciede2000, rgb2lab

from batikgen.motifs.kit.oklab import linear_to_srgb, srgb_to_linear, srgb_to_oklab
from batikgen.motifs.kit.palettes import blend, dye_overlap, get_palette
from batikgen.motifs.mega_mendung import MAX_GRADATIONS


def _ramp(palette: str, first: str, second: str, perceptual: bool) -> np.ndarray:
    p = get_palette(palette)
    steps = MAX_GRADATIONS - 1
    return np.array([p.rgb(blend(first, second, i / steps), perceptual=perceptual) for i in range(steps + 1)]) / 255


def _chroma_dip(ramp: np.ndarray) -> float:
    """Largest shortfall of OKLab chroma below the straight line between the ends (fraction)."""
    lab = srgb_to_oklab(ramp)
    chroma = np.hypot(lab[:, 1], lab[:, 2])
    line = np.linspace(chroma[0], chroma[-1], len(chroma))
    return float(np.max(1 - chroma / line))


def test_an_indigo_to_soga_ramp_keeps_its_chroma_in_oklch_and_greys_in_srgb():
    assert _chroma_dip(_ramp("indigo-soga", "ground", "accent", perceptual=True)) < 0.10
    assert _chroma_dip(_ramp("indigo-soga", "ground", "accent", perceptual=False)) > 0.5  # crisp: grey mid-ramp


def test_mega_mendung_gradations_step_evenly_in_lightness():
    for palette, first, second in (("cirebon", "motif", "outline"), ("indigo-soga", "ground", "accent")):
        lab = rgb2lab(_ramp(palette, first, second, perceptual=True)[None])[0]
        steps = deltaE_ciede2000(lab[:-1], lab[1:])
        assert steps.min() >= 1.0, steps  # every gradation is seen
        lightness = np.diff(lab[:, 0])
        assert np.all(np.sign(lightness) == np.sign(lightness[0]))  # monotonic darkening


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
