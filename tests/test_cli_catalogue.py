"""`batikgen motifs`, `palettes` and `catalogue`: listings, the contact sheet, exit codes, no clobbering."""

import re

import numpy as np
from click.testing import CliRunner
from PIL import Image

from batikgen.cli import main
from batikgen.motifs import MOTIFS, PALETTES
from batikgen.render.catalogue import catalogue_entries, make_catalogue


def _invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_motifs_lists_every_family_with_its_description():
    result = _invoke("motifs")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == len(MOTIFS)
    for name, family in MOTIFS.items():
        assert any(line.startswith(name) and family.description in line for line in lines)


def _bounds_text(spec):
    if spec.choices:
        listed = ", ".join(f"{i}={option}" for i, option in enumerate(spec.choices))
        return f"(one of {listed}, default {spec.choices[int(spec.default)]})"
    unit = "" if spec.unit in ("fraction", "count") else f" {spec.unit}"
    return f"({'whole ' if spec.integer else ''}{spec.low:g}-{spec.high:g}{unit}, default {spec.default:g})"


def test_motif_detail_and_verbose_list_parameters_with_bounds():
    kawung = MOTIFS["kawung"]
    result = _invoke("motifs", "kawung")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == f"kawung: {kawung.description}" and len(lines) == 1 + len(kawung.parameters)
    for spec, line in zip(kawung.parameters, lines[1:]):
        assert re.fullmatch(rf"  {spec.name} +{re.escape(spec.doc)} {re.escape(_bounds_text(spec))}", line), line
    assert "fullness" in result.output and "(0.3-1, default 0.55)" in result.output  # one spelled out
    assert "(one of 0=picis, 1=bribil, 2=sen, default sen)" in result.output  # a named option by its names
    for args in (("-v", "motifs"), ("motifs", "--verbose")):
        verbose = _invoke(*args)
        assert verbose.exit_code == 0
        assert all(_bounds_text(p) in verbose.output for f in MOTIFS.values() for p in f.parameters)


def test_unknown_names_exit_1_with_the_list():
    result = _invoke("motifs", "batik-kilat")
    assert result.exit_code == 1
    assert "motif must be one of" in result.output and "kawung" in result.output and "'batik-kilat'" in result.output
    result = _invoke("palettes", "neon")
    assert result.exit_code == 1 and "palette must be one of" in result.output and "'neon'" in result.output


def test_palettes_list_and_detail():
    result = _invoke("palettes")
    assert result.exit_code == 0 and len(result.output.splitlines()) == len(PALETTES)
    for palette in PALETTES.values():
        assert palette.name in result.output and palette.description in result.output
    assert all(p.origin in _invoke("palettes", "--verbose").output for p in PALETTES.values())
    detail = _invoke("palettes", "indigo-soga")
    palette = PALETTES["indigo-soga"]
    assert detail.exit_code == 0 and palette.origin in detail.output
    assert all(colour in detail.output for colour in palette.colours.values())


def test_catalogue_writes_a_labelled_sheet_and_refuses_to_clobber(tmp_path):
    out = tmp_path / "sheet.png"
    result = _invoke("catalogue", "-o", out, "--motif", "kawung", "--palette", "lasem", "--palette", "proof",
                     "--size", "64", "--crackle", "0")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out)
    with Image.open(out) as image:
        sheet = np.asarray(image.convert("RGB"))
    # Two rows of swatches for kawung: 2 palettes, then each parameter at two bounds (wrapped at 10).
    assert sheet.shape[1] == 10 + min(10, 2 * len(MOTIFS["kawung"].parameters)) * (64 + 10)
    lasem_ground = np.array(PALETTES["lasem"].rgb("ground"))
    assert (np.abs(sheet.astype(int) - lasem_ground).sum(axis=2) < 6).mean() > 0.05  # swatches are there
    before = out.read_bytes()
    again = _invoke("catalogue", "-o", out, "--motif", "kawung", "--size", "64")
    assert again.exit_code == 1 and "already exists; pass --overwrite" in again.output
    assert out.read_bytes() == before
    forced = _invoke("catalogue", "-o", out, "--motif", "kawung", "--palette", "proof", "--size", "64", "--overwrite")
    assert forced.exit_code == 0 and out.read_bytes() != before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sheet.png"]  # no temporary file left


def test_catalogue_bad_input_exit_codes(tmp_path):
    wrong_type = _invoke("catalogue", "-o", tmp_path / "sheet.jpg", "--motif", "kawung")
    assert wrong_type.exit_code == 1 and "ending in .png, got '.jpg'" in wrong_type.output
    assert _invoke("catalogue", "--motif", "kawung").exit_code == 2  # -o missing
    assert _invoke("catalogue", "-o", tmp_path / "a.png", "--motif", "nope").exit_code == 2
    assert _invoke("catalogue", "-o", tmp_path / "a.png", "--size", "5").exit_code == 2
    assert list(tmp_path.iterdir()) == []


def test_catalogue_shows_each_parameter_at_both_bounds_in_the_first_palette():
    family = MOTIFS["kawung"]
    rows = catalogue_entries(family, ["cirebon", "lasem"])
    (caption0, palettes_row), (caption1, params_row) = rows
    assert [label for label, _, _ in palettes_row] == ["cirebon", "lasem"]
    assert {palette for _, palette, _ in params_row} == {"cirebon"} and "cirebon" in caption1
    assert [p for _, _, p in params_row] == [{s.name: b} for s in family.parameters for b in (s.low, s.high)]
    sheet = make_catalogue(["kawung"], ["proof"], px=48, crackle=0)
    assert sheet.width == 10 + min(10, len(params_row)) * 58


def test_enumerated_parameters_are_labelled_by_name_and_long_rows_wrap():
    import dataclasses

    from batikgen.motifs.registry import Parameter

    family = dataclasses.replace(MOTIFS["kawung"], parameters=MOTIFS["kawung"].parameters + (
        Parameter.choice("isen", ("cecek", "cecek-pitu", "sawut"), 0, "isen-isen kind"),))
    labels = [label for label, _, _ in catalogue_entries(family, ["proof"])[1][1]]
    assert labels[-2:] == ["isen=cecek", "isen=sawut"] and "fullness=0.3" in labels
    narrow = make_catalogue(["kawung"], ["proof", "lasem"], px=48, crackle=0, max_columns=3)
    assert narrow.width == 10 + 3 * 58  # the parameter swatches wrap onto rows of at most three
    assert narrow.height > make_catalogue(["kawung"], ["proof", "lasem"], px=48, crackle=0).height


def test_a_jittered_truntum_swatch_is_flowers_from_top_to_bottom():
    """Its repeat is a block of cells wider than tall: the swatch stacks copies until it is square
    instead of scaling one band to the width between empty margins."""
    from batikgen.motifs import get_palette
    from batikgen.render.catalogue import render_swatch, swatch_composition

    palette = get_palette("proof")
    composition = swatch_composition(MOTIFS["truntum"], palette, {"jitter": 0.3})
    assert composition.width_mm == composition.height_mm
    image = render_swatch(composition, 96).astype(int)
    drawn = (np.abs(image - palette.rgb("ground")).sum(axis=2) > 60).mean(axis=1)  # share of each pixel row
    quarter = len(drawn) // 4
    middle = drawn[quarter:-quarter].mean()
    assert middle > 0.1 and drawn[:quarter].mean() > 0.5 * middle and drawn[-quarter:].mean() > 0.5 * middle
