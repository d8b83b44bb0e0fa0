"""exhibition.toml: loading, defaults and overrides, and one clear message per mistake."""

from pathlib import Path

import pytest

from batikgen.errors import BatikgenError, ManifestError
from batikgen.exhibition.manifest import load_manifest, manifest_toml

GOOD = """
[exhibition]
title = "Seeing the unseen"
intro = "Brainwaves as cloth."

[defaults]
motif = "parang"
dpi = 20
formats = "png,svg"

[[piece]]
id = "rest-01"
title = "At rest"
note = "Quiet."
recording = "rec/a.edf"

[[piece]]
id = "task_02"
recording = "/abs/b.edf"
motif = "truntum"
palette = "indigo-soga"
formats = ["tiff", "png"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "exhibition.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_loads_pieces_with_defaults_and_overrides(tmp_path):
    manifest = load_manifest(write(tmp_path, GOOD))
    assert (manifest.title, manifest.intro) == ("Seeing the unseen", "Brainwaves as cloth.")
    assert [p.id for p in manifest.pieces] == ["rest-01", "task_02"]
    first, second = manifest.pieces
    assert first.recording == tmp_path.resolve() / "rec" / "a.edf"
    assert second.recording == Path("/abs/b.edf")
    assert (first.title, first.note, second.title, second.note) == ("At rest", "Quiet.", "task_02", None)
    assert first.settings == {"motif": "parang", "palette": "sogan-yogya", "cloth": "kain-panjang", "dpi": 20,
                              "formats": ["png", "svg"], "border": "line", "legend": False, "mapping": None,
                              "absolute": False, "finish": "tulis"}
    assert (second.settings["motif"], second.settings["palette"], second.settings["formats"]) == \
        ("truntum", "indigo-soga", ["png", "tiff"])
    # A folder holding the manifest works the same.
    assert load_manifest(tmp_path).pieces == manifest.pieces


@pytest.mark.parametrize("change, expected", [
    (('motif = "parang"', 'motif = "paisley"'), ["key 'defaults.motif'", "kawung", "'paisley'"]),
    (('palette = "indigo-soga"', 'palette = "neon"'), ["piece 'task_02'", "key 'palette'", "lasem", "'neon'"]),
    (('id = "task_02"', 'id = "Task 2"'), ["piece 'Task 2'", "key 'id'", "lower-case", "'Task 2'"]),
    (('id = "task_02"', 'id = "rest-01"'), ["piece 'rest-01'", "key 'id'", "unique"]),
    (('note = "Quiet."', 'colour = "red"'), ["piece 'rest-01'", "key 'colour'", "allowed keys are id, title"]),
    (('dpi = 20', 'dpi = 5'), ["key 'defaults.dpi'", "10 to 2400", "5"]),
    (('dpi = 20', 'dpi = "high"'), ["key 'defaults.dpi'", "'high'"]),
    (('recording = "/abs/b.edf"', ''), ["piece 'task_02'", "key 'recording'", "required"]),
    (('formats = ["tiff", "png"]', 'formats = ["gif"]'), ["piece 'task_02'", "key 'formats'", "png, tiff, svg"]),
    (('palette = "indigo-soga"', 'legend = "yes"'), ["piece 'task_02'", "key 'legend'", "true or false"]),
    (('palette = "indigo-soga"', 'finish = "printed"'), ["piece 'task_02'", "key 'finish'", "tulis, cap, crisp"]),
    (('palette = "indigo-soga"', 'cloth = "tablecloth"'), ["piece 'task_02'", "key 'cloth'", "kain-panjang"]),
    (('palette = "indigo-soga"', 'mapping = "nowhere.toml"'), ["piece 'task_02'", "key 'mapping'", "nowhere.toml"]),
    (('[exhibition]', '[exhibit]'), ["key 'exhibit'", "allowed keys are exhibition, defaults, piece"]),
    (('title = "Seeing the unseen"', 'title = 3'), ["key 'exhibition.title'", "string"]),
])
def test_each_mistake_names_the_piece_the_key_and_the_allowed_values(tmp_path, change, expected):
    path = write(tmp_path, GOOD.replace(*change, 1))
    with pytest.raises(ManifestError) as info:
        load_manifest(path)
    message = str(info.value)
    assert "\n" not in message and message.startswith(str(path))
    for part in expected:
        assert part in message
    assert isinstance(info.value, BatikgenError)


def test_not_toml_and_missing_file(tmp_path):
    with pytest.raises(ManifestError, match=r"not valid TOML.*line 2"):
        load_manifest(write(tmp_path, "[exhibition]\ntitle = \n"))
    with pytest.raises(ManifestError, match="no such manifest"):
        load_manifest(tmp_path / "nope.toml")


def test_a_mapping_file_resolves_against_the_manifest(tmp_path):
    from batikgen.mapping.table import DEFAULT_MAPPING_PATH

    (tmp_path / "my-mapping.toml").write_bytes(Path(DEFAULT_MAPPING_PATH).read_bytes())
    manifest = load_manifest(write(tmp_path, GOOD.replace('dpi = 20', 'dpi = 20\nmapping = "my-mapping.toml"')))
    assert manifest.pieces[0].settings["mapping"] == str((tmp_path / "my-mapping.toml").resolve())


def test_written_manifest_reads_back(tmp_path):
    text = manifest_toml('A "quoted" show', "Line one\nline two", [("p-1", "Ünïcode title", "rec/a b.edf")],
                         defaults={"dpi": 20, "legend": True, "formats": ["png"]})
    manifest = load_manifest(write(tmp_path, text))
    assert (manifest.title, manifest.intro) == ('A "quoted" show', "Line one\nline two")
    piece = manifest.pieces[0]
    assert (piece.id, piece.title, piece.recording.name) == ("p-1", "Ünïcode title", "a b.edf")
    assert (piece.settings["dpi"], piece.settings["legend"]) == (20, True)
