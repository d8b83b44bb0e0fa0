"""Palettes: every role defined, light waxed motif on a dyed ground, and the colours each tradition names."""

import colorsys
import re

import numpy as np
import pytest

from batikgen.errors import ParameterError
from batikgen.motifs.kit.colour_difference import ciede2000, srgb_to_cielab
from batikgen.motifs.kit.palettes import DYE_STEP, PALETTES, ROLES, Palette, dye_overlap, dye_ramp, get_palette
from tests.perceptual import srgb_to_lab


def _lab(hex_colour: str) -> np.ndarray:
    return srgb_to_lab(np.array([[int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]], dtype=np.uint8))[0]


def _hue(hex_colour: str) -> tuple[float, float, float]:
    """(hue in degrees, saturation, value)."""
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    h, s, v = colorsys.rgb_to_hsv(r, g, b)
    return h * 360, s, v


def _is(hex_colour: str, family: str) -> bool:
    hue, saturation, _ = _hue(hex_colour)
    return {
        "red": saturation > 0.5 and (hue < 10 or hue > 340),
        "brown": saturation > 0.3 and 15 <= hue <= 45,
        "blue": saturation > 0.3 and 200 <= hue <= 240,
        "grey": saturation < 0.02,
    }[family]


def test_the_traditions_named_in_the_design_are_all_there():
    assert list(PALETTES) == ["sogan-yogya", "sogan-solo", "indigo-soga", "lasem", "cirebon", "tiga-negeri", "proof"]


@pytest.mark.parametrize("name", list(PALETTES))
def test_palette_is_complete_and_the_waxed_motif_is_light_on_a_dyed_ground(name):
    palette = get_palette(name)
    assert set(palette.colours) == set(ROLES)
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in palette.colours.values())
    assert palette.description and palette.origin
    lightness = {role: _lab(colour)[0] for role, colour in palette.colours.items()}
    assert lightness["motif"] == max(lightness.values())  # kept under wax: the lightest
    assert lightness["motif"] - lightness["ground"] > 40  # and it reads against the ground
    assert lightness["motif"] > 85  # white, cream or ivory, never a mid tone


def test_sogan_palettes_are_browns_and_solo_is_the_warmer():
    yogya, solo = get_palette("sogan-yogya"), get_palette("sogan-solo")
    assert _is(yogya.colours["accent"], "brown") and _is(solo.colours["ground"], "brown")
    assert _lab(yogya.colours["ground"])[0] < 20  # Yogya: dark brown-black
    assert _lab(yogya.colours["motif"])[2] < _lab(solo.colours["motif"])[2]  # Yogya white, Solo cream (yellower)
    assert _lab(solo.colours["ground"])[2] > _lab(yogya.colours["ground"])[2]  # Solo's soga is the more orange


def test_indigo_soga_overlap_is_the_fourth_colour():
    palette = get_palette("indigo-soga")
    c = palette.colours
    assert _is(c["ground"], "blue") and _is(c["accent"], "brown")
    assert c["outline"] == dye_overlap(c["ground"], c["accent"])
    assert _lab(c["outline"])[0] < 8  # indigo under soga is near black


def test_dye_overlap_is_subtractive():
    assert dye_overlap("#ffffff", "#8b5a2b") == "#8b5a2b"  # undyed cloth passes the other dye unchanged
    assert dye_overlap("#000000", "#8b5a2b") == "#000000"
    assert dye_overlap("#1d2a4d", "#8b5a2b") == dye_overlap("#8b5a2b", "#1d2a4d")
    over = _lab(dye_overlap("#3c6ea6", "#d9822b"))[0]
    assert over < min(_lab("#3c6ea6")[0], _lab("#d9822b")[0])  # an overlap is darker than either dye


def test_coastal_and_three_lands_palettes_have_their_dyes():
    assert _is(get_palette("lasem").colours["ground"], "red")
    cirebon = get_palette("cirebon").colours
    assert _is(cirebon["ground"], "red") and _is(cirebon["outline"], "blue") and _is(cirebon["accent"], "blue")
    tiga = get_palette("tiga-negeri").colours
    assert _is(tiga["accent"], "red") and _is(tiga["outline"], "blue") and _is(tiga["ground"], "brown")
    assert all(_is(c, "grey") for c in get_palette("proof").colours.values())


def test_unknown_palette_and_role_are_refused():
    with pytest.raises(ParameterError, match="palette must be one of sogan-yogya, .*; got 'neon'"):
        get_palette("neon")
    with pytest.raises(ParameterError, match="colour role must be one of ground, motif, outline, accent; got 'glow'"):
        get_palette("proof").rgb("glow")


def test_palette_docs_name_every_palette_and_its_colours():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[3] / "docs" / "palettes.md").read_text(encoding="utf-8")
    for palette in PALETTES.values():
        assert f"## {palette.name}:" in text
        section = text.split(f"## {palette.name}:")[1].split("\n## ")[0]
        assert all(f"`{colour}`" in section for colour in palette.colours.values()), palette.name


def _steps(ramp) -> np.ndarray:
    lab = srgb_to_cielab(np.array(ramp) / 255)
    return ciede2000(lab[:-1], lab[1:])


@pytest.mark.parametrize("name", list(PALETTES))
def test_a_dye_ramp_starts_at_the_light_motif_and_steps_evenly_toward_the_dark_dye(name):
    palette = get_palette(name)
    ramp = dye_ramp(palette, "motif", "outline", 8)
    assert len(ramp) == 9 and ramp[0] == palette.rgb("motif")
    assert all(isinstance(v, int) and 0 <= v <= 255 for colour in ramp for v in colour)
    # Each step is the 8-bit colour on the way nearest DYE_STEP from the last: within a fraction of
    # a level (each channel's level is 0.3-1 CIEDE2000 here).
    assert np.all(np.abs(_steps(ramp) - DYE_STEP) < 0.35), _steps(ramp)
    lightness = srgb_to_cielab(np.array(ramp) / 255)[:, 0]
    assert np.all(np.diff(lightness) < 0)  # one dip more, one shade darker
    # It walks toward the outline dye: the last step is nearer it than the motif is.
    outline = srgb_to_cielab(np.array(palette.rgb("outline")) / 255)
    assert ciede2000(srgb_to_cielab(np.array(ramp[-1]) / 255), outline) < ciede2000(
        srgb_to_cielab(np.array(ramp[0]) / 255), outline) - 20
    assert dye_ramp(palette, "motif", "outline", 8) is ramp  # computed once
    # Either way along the same mix: from the dark dye, the steps are as even.
    assert np.all(np.abs(_steps(dye_ramp(palette, "outline", "motif", 8)) - DYE_STEP) < 0.35)


def test_a_short_way_shrinks_the_step_to_fit_and_never_below_one():
    close = Palette("close", "", "", {"ground": "#000000", "motif": "#707070", "outline": "#404040", "accent": "#000000"})
    ramp = dye_ramp(close, "outline", "motif", 8)
    span = ciede2000(*srgb_to_cielab(np.array([close.rgb("outline"), close.rgb("motif")]) / 255))
    assert span < 8 * DYE_STEP
    assert np.allclose(_steps(ramp), span / 8, atol=0.35), (_steps(ramp), span / 8)  # about 2.3
    assert ciede2000(*srgb_to_cielab(np.array([ramp[-1], close.rgb("motif")]) / 255)) < 1  # it reaches the motif
    same = Palette("same", "", "", {"ground": "#000000", "motif": "#414141", "outline": "#404040", "accent": "#000000"})
    ramp = dye_ramp(same, "outline", "motif", 8)  # too short even for steps of 1: it stops at the motif
    assert ramp[0] == same.rgb("outline") and ramp[-1] == same.rgb("motif")
