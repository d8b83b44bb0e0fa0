"""write_outputs: every format, metadata hashing them all, atomic and never clobbering."""

import hashlib
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
import shapely
from click.testing import CliRunner
from PIL import Image

from batikgen.cli import main
from batikgen.cloth.composition import Composition, Layer
from batikgen.errors import OutputExistsError, RenderError
from batikgen.mapping.plan import MotifPlan
from batikgen.render import outputs, raster
from batikgen.render.outputs import output_paths, write_outputs


def _plan() -> MotifPlan:
    return MotifPlan(1, "kawung", "sogan-yogya", {"name": "test", "width_mm": 120.0, "height_mm": 160.0}, 40.0, 3,
                     [{"t_start": 0.0, "t_end": 1.0, "params": {}}], seed=5)


def _composition() -> Composition:
    rng = np.random.default_rng(2)
    discs = shapely.buffer(shapely.points(rng.uniform(0, 120, (60, 2)) * [1, 4 / 3]), 4.0, quad_segs=3)
    return Composition(120.0, 160.0, (243, 237, 225), [Layer("petal", (74, 46, 29), discs),
                                                         Layer("core", (138, 90, 54), [shapely.box(20, 20, 50, 40)])])


def _write(outdir, **kwargs):
    kwargs.setdefault("formats", ("png", "tiff", "svg"))
    return write_outputs(_composition(), _plan(), outdir, "piece", 30, {"motif": "kawung"}, ["batikgen", "render", "x"],
                         **kwargs)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_output_is_written_listed_and_hashed_in_the_metadata(tmp_path):
    written = _write(tmp_path, workers=2)
    assert [p.name for p in written] == ["piece.png", "piece.tif", "piece.svg", "piece.preview.jpg", "piece.proof.png",
                                         "piece.metadata.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in written)  # no temporary left
    meta = json.loads(written[-1].read_text())
    assert set(meta["outputs"]) == {p.name for p in written[:-1]}
    for path in written[:-1]:
        assert meta["outputs"][path.name] == {"sha256": _sha(path), "bytes": path.stat().st_size}
    assert meta["settings"]["formats"] == ["png", "tiff", "svg"] and meta["settings"]["dpi"] == 30
    assert meta["settings"]["size_px"] == [142, 189] and meta["plan_sha256"] == _plan().digest()
    assert meta["command"] == "batikgen render x"
    assert meta["versions"]["isal"] != "not installed" and meta["versions"]["tifffile"] != "not installed"
    with Image.open(written[0]) as png, Image.open(written[1]) as tif:
        assert np.array_equal(np.asarray(png), np.asarray(tif))
    assert len(ET.parse(written[2]).getroot().findall("{http://www.w3.org/2000/svg}g")) == 2


def test_the_same_inputs_give_byte_identical_files(tmp_path):
    first = _write(tmp_path / "a", workers=1)
    second = _write(tmp_path / "b", workers=2)
    for one, two in zip(first, second):
        assert one.read_bytes() == two.read_bytes(), one.name


def test_existing_outputs_are_refused_before_any_work(tmp_path, monkeypatch):
    (tmp_path / "piece.svg").write_text("mine")

    def must_not_run(*args, **kwargs):
        raise AssertionError("rendering started although an output exists")

    monkeypatch.setattr(outputs, "prepare_scene", must_not_run)
    with pytest.raises(OutputExistsError, match="piece.svg: already exists$"):
        _write(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["piece.svg"] and (tmp_path / "piece.svg").read_text() == "mine"


@pytest.mark.parametrize("workers", [1, 2])
def test_a_render_failing_midway_leaves_no_file(tmp_path, monkeypatch, workers):
    paint = raster.StripPainter.paint

    def fails_on_third_strip(self, strip):
        if strip == 2:
            raise RenderError("strip 2 cannot be drawn")
        return paint(self, strip)

    monkeypatch.setattr(raster.StripPainter, "paint", fails_on_third_strip)  # inherited by forked workers
    with pytest.raises(RenderError, match="strip 2 cannot be drawn"):
        write_outputs(_composition(), _plan(), tmp_path, "piece", 300, {}, ["batikgen"], formats=("png", "tiff", "svg"),
                      workers=workers)
    assert list(tmp_path.iterdir()) == []
    # Nor an empty folder that the failed run made for its outputs (a folder that was there stays).
    with pytest.raises(RenderError, match="strip 2 cannot be drawn"):
        write_outputs(_composition(), _plan(), tmp_path / "new" / "deeper", "piece", 300, {}, ["batikgen"],
                      formats=("png",), workers=workers)
    assert list(tmp_path.iterdir()) == []


def test_an_interrupt_while_writing_leaves_no_file(tmp_path):
    def interrupt(stage, done, total):
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_outputs(_composition(), _plan(), tmp_path, "piece", 300, {}, ["batikgen"], formats=("png", "tiff", "svg"),
                      workers=2, progress=interrupt)
    assert list(tmp_path.iterdir()) == []


def test_an_interrupt_while_writing_the_svg_leaves_no_file(tmp_path, monkeypatch):
    def interrupted(handle, composition):
        handle.write(b"<svg")
        raise KeyboardInterrupt

    monkeypatch.setattr(outputs, "write_svg", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _write(tmp_path, workers=1)
    assert list(tmp_path.iterdir()) == []  # the finished PNG and TIFF are not left behind either


def test_output_paths_follow_the_choice():
    paths = output_paths(Path("out"), "p", ["svg"], preview=False, proof=False)
    assert [p.name for p in paths.values()] == ["p.svg", "p.metadata.json"]


def test_cli_formats_and_preview(tmp_path, sample_path):
    runner = CliRunner()
    result = runner.invoke(main, ["render", str(sample_path), "-o", str(tmp_path / "a"), "--dpi", "12",
                                  "--format", "tiff,svg"])
    assert result.exit_code == 0, result.output
    assert [Path(line).suffix for line in result.stdout.splitlines()] == [".tif", ".svg", ".jpg", ".png", ".json"]
    result = runner.invoke(main, ["render", str(sample_path), "-o", str(tmp_path / "b"), "--preview"])
    assert result.exit_code == 0, result.output
    printed = [Path(line) for line in result.stdout.splitlines()]
    assert [p.name.split(".", 1)[1] for p in printed] == ["png", "preview.jpg", "metadata.json"]
    with Image.open(printed[0]) as image:
        assert image.info["dpi"] == pytest.approx((40, 40), rel=1e-3)
    meta = json.loads(printed[-1].read_text())
    assert meta["settings"]["dpi"] == 40 and "--preview" in meta["command"]


def test_cli_bad_format_is_a_usage_error(tmp_path, sample_path):
    result = CliRunner().invoke(main, ["render", str(sample_path), "-o", str(tmp_path), "--format", "png,gif"])
    assert result.exit_code == 2
    assert "'--format': must be among png, tiff, svg" in result.output and "gif" in result.output
    assert list(tmp_path.iterdir()) == []


def test_svg_alone_draws_no_raster(tmp_path, monkeypatch):
    def must_not_paint(self, strip):
        raise AssertionError("a strip was drawn although no raster output was asked for")

    monkeypatch.setattr(raster.StripPainter, "paint", must_not_paint)
    written = _write(tmp_path, formats=("svg",), preview=False, proof=False)
    assert [p.name for p in written] == ["piece.svg", "piece.metadata.json"]
    assert json.loads(written[-1].read_text())["settings"]["size_px"] == [142, 189]


def test_ctrl_c_during_a_cli_render_leaves_no_file(tmp_path, sample_path):
    import os
    import signal
    import subprocess
    import sys

    outdir = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "batikgen.cli", "-v", "render", str(sample_path), "-o", str(outdir), "--dpi", "150",
         "--format", "png,tiff"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    for line in process.stderr:  # wait until strips are being drawn
        if line.startswith("render: "):
            break
    else:
        pytest.fail(f"the render never reported progress (exit {process.wait()})")
    staged = ".batikgen-*.staging-*/*.part"  # outputs are written in a hidden staging folder
    assert list(outdir.glob(staged)), "no temporary file while rendering: the interrupt would come too late"
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode != 0
    assert out == ""  # no output path printed: nothing was written
    assert not outdir.exists()  # neither the outputs nor their temporary files, nor the folder it made
