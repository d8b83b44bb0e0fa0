"""metadata.json's recipe and command: made from the render command's own options, never a directory."""

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from batikgen.cli import main
from batikgen.cli.render import recipe_command, render
from batikgen.mapping.table import DEFAULT_MAPPING_PATH


def test_the_recipe_names_the_recording_by_file_name_and_the_command_has_no_directory(tmp_path, sample_path):
    private = tmp_path / "Jane Doe 1970-03-02"  # a folder that names a patient
    private.mkdir()
    recording = private / "session.edf"
    shutil.copy(sample_path, recording)
    mapping = private / "calm.toml"
    shutil.copy(DEFAULT_MAPPING_PATH, mapping)
    result = CliRunner().invoke(main, ["render", str(recording), "-o", str(private / "out"), "--preview", "--legend",
                                       "--cloth", "A4", "--mapping", str(mapping), "--palette", "Lasem"])
    assert result.exit_code == 0, result.output
    text = Path(result.stdout.splitlines()[-1]).read_text(encoding="utf-8")
    assert "Jane Doe" not in text and str(tmp_path) not in text
    meta = json.loads(text)
    recipe = meta["recipe"]
    assert recipe["recording"] == "session.edf" and recipe["mapping"] == "calm.toml"
    assert recipe["content_hash"] == meta["plan"]["source"]["content_hash"] and len(recipe["content_hash"]) == 64
    # Choices are taken in any case and recorded as defined.
    assert (recipe["palette"], recipe["cloth"], recipe["legend"], recipe["preview"]) == ("lasem", "A4", True, True)
    assert meta["settings"]["finish"] == meta["plan"]["finish"] == recipe["finish"] == "tulis"  # the default
    assert meta["command"] == ("batikgen render session.edf --motif kawung --palette lasem --cloth A4 --border line "
                               "--mapping calm.toml --legend --dpi 40 --format png --preview --finish tulis")


def test_the_command_parses_back_to_the_recipe_with_the_options_as_defined():
    recipe = {"recording": "rec.edf", "content_hash": "ab" * 32, "motif": "parang", "palette": "cirebon",
              "cloth": "60cmx90cm", "border": "motif", "mapping": None, "absolute": True, "legend": False,
              "dpi": 300, "formats": ["png", "tiff"], "preview": False, "name": "piece-7"}
    args = recipe_command(recipe)
    assert args[:3] == ["batikgen", "render", "rec.edf"] and "--legend" not in args and "--mapping" not in args
    parsed = render.make_context("render", args[2:]).params
    for key, value in recipe.items():
        if key != "content_hash":
            expected = Path(value) if key == "recording" else tuple(value) if key == "formats" else value
            assert parsed[key] == expected, key


def test_a_recipe_field_without_an_option_is_an_error_not_a_silent_omission():
    import pytest

    from batikgen.errors import ParameterError

    recipe = {"recording": "rec.edf", "content_hash": "", "motif": "kawung", "palette": "proof", "cloth": "A4",
              "border": "none", "mapping": None, "absolute": False, "legend": False, "dpi": 50,
              "formats": ["png"], "preview": False, "name": None, "colours": "bright"}
    with pytest.raises(ParameterError, match="recipe fields without a render option: colours"):
        recipe_command(recipe)
