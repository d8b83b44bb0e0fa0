"""The command line contract: outputs on stdout, exit 0/1/2, one-line errors, no partial files."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from batikgen import __version__
from batikgen.cli import main
from batikgen.mapping.table import load_mapping
from tests.conftest import CORRUPT, shared_file

BATIKGEN = [sys.executable, "-m", "batikgen.cli"]  # the console script's module


def _run(*args, cwd=None):
    return subprocess.run([*BATIKGEN, *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_help_and_version():
    runner = CliRunner()
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0 and "render" in result.output
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output
    result = runner.invoke(main, ["render", "--help"])
    assert "--palette" in result.output and "sogan-yogya" in result.output


def test_render_sample_prints_outputs_and_sets_dpi(tmp_path, sample_path):
    result = CliRunner().invoke(main, ["render", str(sample_path), "-o", str(tmp_path), "--dpi", "20"])
    assert result.exit_code == 0, result.output
    printed = [Path(line) for line in result.stdout.splitlines()]
    stem = "simulated_eyes_closed-kawung"
    assert [p.name for p in printed] == [f"{stem}.png", f"{stem}.preview.jpg", f"{stem}.proof.png",
                                         f"{stem}.metadata.json"]
    with Image.open(printed[0]) as image:
        assert image.info["dpi"] == pytest.approx((20, 20), rel=1e-3)  # pHYs is whole px per metre
        assert image.size == (827, 1969)  # 105 x 250 cm at 20 dpi
    meta = json.loads(printed[-1].read_text())
    for output in printed[:-1]:
        assert meta["outputs"][output.name]["sha256"] == _sha(output)
    assert meta["plan"]["source"]["file"] == "simulated_eyes_closed.edf"
    assert meta["plan"]["mapping_version"] == load_mapping().version and meta["settings"]["dpi"] == 20
    assert meta["plan"]["mapping_name"] == "batikgen-default"


def test_real_recording_renders_byte_identically_twice(tmp_path):
    recording = shared_file("eeglab/eeglab_data.set")
    first = _run("render", recording, "-o", tmp_path / "a", "--dpi", "30")
    second = _run("render", recording, "-o", tmp_path / "b", "--dpi", "30")
    assert first.returncode == 0 and second.returncode == 0, first.stderr
    png_a, png_b = Path(first.stdout.splitlines()[0]), Path(second.stdout.splitlines()[0])
    assert _sha(png_a) == _sha(png_b)
    meta_a = json.loads(Path(first.stdout.splitlines()[-1]).read_text())
    meta_b = json.loads(Path(second.stdout.splitlines()[-1]).read_text())
    assert meta_a["plan"] == meta_b["plan"] and meta_a["outputs"] == meta_b["outputs"]


def test_existing_outputs_are_not_overwritten_unless_asked(tmp_path, sample_path):
    runner = CliRunner()
    args = ["render", str(sample_path), "-o", str(tmp_path), "--dpi", "10"]
    assert runner.invoke(main, args).exit_code == 0
    again = runner.invoke(main, args)
    assert again.exit_code == 1 and "already exists; pass --overwrite" in again.stderr
    assert runner.invoke(main, [*args, "--overwrite"]).exit_code == 0


def _assert_clean_failure(result, outdir: Path, *words):
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("batikgen: error: ")
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0]
    assert not outdir.exists()
    assert result.stdout == ""


def test_corrupt_recording_exits_1_with_one_line(tmp_path):
    out = tmp_path / "out"
    result = _run("render", shared_file(CORRUPT), "-o", out)
    _assert_clean_failure(result, out, "quixotte_S001R01_crlf.edf", "implausible amplitudes")


def test_missing_file_exits_1(tmp_path):
    out = tmp_path / "out"
    _assert_clean_failure(_run("render", tmp_path / "missing.edf", "-o", out), out, "missing.edf", "no such file")


def test_text_file_renamed_edf_exits_1(tmp_path):
    fake = tmp_path / "fake.edf"
    fake.write_text("hello\n" * 100)
    out = tmp_path / "out"
    _assert_clean_failure(_run("render", fake, "-o", out), out, "fake.edf", "not a valid European Data Format")


def test_wrong_usage_exits_2(sample_path):
    runner = CliRunner()
    assert runner.invoke(main, ["render"]).exit_code == 2
    assert runner.invoke(main, ["render", str(sample_path), "--motif", "nope"]).exit_code == 2
    assert runner.invoke(main, ["render", str(sample_path), "--dpi", "0"]).exit_code == 2
    assert runner.invoke(main, ["no-such-command"]).exit_code == 2


@pytest.mark.parametrize("file_name, piece", [
    ("rec.v1.edf", "rec.v1"), ("rec.v2.edf", "rec.v2"), (".hidden.edf", "hidden"), ("run.fif.gz", "run"),
    ("noext", "noext"), ("...edf", "recording"),
])
def test_default_piece_name_keeps_versions_apart_and_drops_leading_dots(file_name, piece):
    from batikgen.pipeline import default_piece_name
    assert default_piece_name(Path("/home/someone") / file_name) == piece


def test_name_option_names_the_outputs_and_bad_names_are_refused(tmp_path, sample_path):
    result = CliRunner().invoke(main, ["render", str(sample_path), "-o", str(tmp_path), "--preview",
                                       "--name", "piece-01"])
    assert result.exit_code == 0, result.output
    assert {Path(line).name for line in result.stdout.splitlines()} == {
        "piece-01-kawung.png", "piece-01-kawung.preview.jpg", "piece-01-kawung.metadata.json"}
    for bad in ("../escape", ".hidden", "", "a" * 101):
        result = CliRunner().invoke(main, ["render", str(sample_path), "-o", str(tmp_path / "bad"), "--preview",
                                           "--name", bad])
        # A usage error like any other bad option value: exit 2, naming the option.
        assert result.exit_code == 2 and "Invalid value for '--name': name " in result.stderr, bad
        assert not (tmp_path / "bad").exists()


def test_a_usage_error_is_one_line_naming_the_option_and_where_help_is(sample_path):
    for args, named in ((["render", str(sample_path), "--finish", "batik"], "Invalid value for '--finish'"),
                        (["render"], "Missing argument 'RECORDING'"),
                        (["rendr"], "No such command 'rendr'")):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, args
        assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"batikgen: error: {named}"), result.stderr
        assert "--help')" in result.stderr and "Traceback" not in result.stderr
    bare = CliRunner().invoke(main, [])  # no command at all: the help, as click shows it
    assert "Usage:" in bare.output and "render" in bare.output
