"""Golden images: a small swatch of every family in every palette, compared perceptually.

Regenerate after an intended change with ``.venv/bin/python -m pytest tests/test_golden.py --regen-golden``
and look at the images before committing them. A family with no golden yet is skipped locally and
fails under CI, so goldens are made when a family is merged.
"""

import os
from pathlib import Path

import numpy as np
import pytest
import shapely
from PIL import Image

from batikgen.motifs import MOTIFS, PALETTES, get_motif, get_palette
from batikgen.render.catalogue import render_swatch, swatch_composition
from batikgen.seeding import SeedTree
from tests.perceptual import MAX_MEAN_DELTA_E, compare, srgb_to_lab, ssim

GOLDEN = Path(__file__).parent / "golden"
SWATCH_PX = 128
REGEN = "`.venv/bin/python -m pytest tests/test_golden.py --regen-golden`"


def _swatch(family: str, palette: str, params=None, crackle: float = 0.0, px: int = SWATCH_PX, cells: int = 2,
            finish: str = "crisp") -> np.ndarray:
    composition = swatch_composition(get_motif(family), get_palette(palette), params, min_cells=cells,
                                     crackle=crackle, seeds=SeedTree("golden"), finish=finish)
    return render_swatch(composition, px)


def _crackle_swatch(amount: float) -> np.ndarray:
    """One kawung cell at 256 px: veins of 0.1-0.3 mm are over a pixel wide there."""
    return _swatch("kawung", "sogan-yogya", crackle=amount, px=256, cells=1)


def _check_golden(name: str, image: np.ndarray, regen: bool) -> None:
    path = GOLDEN / f"{name}.png"
    if regen:
        GOLDEN.mkdir(exist_ok=True)
        # An adaptive palette keeps files a few KB: 64 colours, or 256 where 64 would use more than
        # half the tolerance by itself (the mottle of a hand-dyed swatch has many near colours).
        for colours in (64, 256):
            stored = Image.fromarray(image).quantize(colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
            if compare(np.asarray(stored.convert("RGB")), image).mean_delta_e <= MAX_MEAN_DELTA_E / 2:
                break
        stored.save(path, optimize=True)
        return
    if not path.exists():
        message = f"no golden image {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}; make it with {REGEN}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with Image.open(path) as stored:
        expected = np.asarray(stored.convert("RGB"))
    result = compare(expected, image)
    assert result.passed, f"{name} differs from {path.name}: {result}. If the change is intended, run {REGEN}"


@pytest.mark.parametrize("palette", list(PALETTES))
@pytest.mark.parametrize("family", sorted(MOTIFS))
def test_family_in_palette_matches_golden(family, palette, regen_golden):
    _check_golden(f"{family}-{palette}", _swatch(family, palette), regen_golden)


@pytest.mark.parametrize("family", sorted(MOTIFS))
def test_family_drawn_by_hand_matches_golden(family, regen_golden):
    """Tulis (hand-drawn, hand-dyed, grown crackle), one cell at 180 px so the hand shows."""
    _check_golden(f"tulis-{family}", _swatch(family, "indigo-soga", crackle=0.5, px=180, cells=1, finish="tulis"),
                  regen_golden)


def test_crackle_matches_golden(regen_golden):
    _check_golden("crackle-kawung-sogan-yogya", _crackle_swatch(1.0), regen_golden)


def test_goldens_are_small():
    for path in GOLDEN.glob("*.png"):
        limit = 24_000 if path.name.startswith("tulis-") else 16_000  # a hand-dyed swatch takes 256 colours
        assert path.stat().st_size < limit, f"{path.name} is {path.stat().st_size} bytes; keep goldens small"
        with Image.open(path) as image:
            assert max(image.size) <= 256


# The comparison itself: it must pass anti-aliasing noise and fail a visible change.

def test_comparison_accepts_a_subpixel_shift():
    family, palette = get_motif("kawung"), get_palette("sogan-yogya")
    composition = swatch_composition(family, palette)
    shifted = swatch_composition(family, palette)
    for layer in shifted.layers:  # a sixteenth of a pixel: only the anti-aliasing changes
        layer.geometries = shapely.transform(layer.geometries, lambda c: c + 80 / SWATCH_PX / 16)
    a, b = render_swatch(composition, SWATCH_PX), render_swatch(shifted, SWATCH_PX)
    assert not np.array_equal(a, b)
    result = compare(a, b)
    assert result.passed, str(result)


@pytest.mark.parametrize("change", ["fullness", "palette", "cecek", "crackle"])
def test_comparison_fails_on_a_visibly_different_image(change):
    reference = _crackle_swatch(0.0) if change == "crackle" else _swatch("kawung", "sogan-yogya")
    other = {
        "fullness": lambda: _swatch("kawung", "sogan-yogya", {"fullness": 0.6}),
        "palette": lambda: _swatch("kawung", "sogan-solo"),
        "cecek": lambda: _swatch("kawung", "sogan-yogya", {"cecek": 3}),  # one more dot at each end
        "crackle": lambda: _crackle_swatch(1.0),
    }[change]()
    result = compare(reference, other)
    assert not result.passed, f"a {change} change passed as equal: {result}"


def test_comparison_fails_on_size_and_metrics_are_sane():
    image = _swatch("kawung", "proof")
    assert not compare(image, image[:-1]).passed
    assert compare(image, image).passed and compare(image, image).ssim == pytest.approx(1.0)
    # Reference values: white is L* 100, sRGB red is L* 53.24, a* 80.09, b* 67.20.
    lab = srgb_to_lab(np.array([[255, 255, 255], [255, 0, 0]], dtype=np.uint8))
    assert np.allclose(lab, [[100, 0, 0], [53.24, 80.09, 67.20]], atol=0.05)
    noise = SeedTree("ssim").rng("n").normal(50, 10, (64, 64))
    assert ssim(noise, noise) == pytest.approx(1.0) and ssim(noise, noise[::-1]) < 0.2


def test_missing_golden_fails_under_ci_and_skips_otherwise(monkeypatch):
    image = _swatch("kawung", "proof")
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception, match="no golden image .*nonexistent.png; make it with .*--regen-golden"):
        _check_golden("nonexistent", image, regen=False)
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="--regen-golden"):
        _check_golden("nonexistent", image, regen=False)
    assert not (GOLDEN / "nonexistent.png").exists()
