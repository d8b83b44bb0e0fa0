"""`batikgen features` and `batikgen inspect`: exact outputs, formats, exit codes 0/1/2, no partial files."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from batikgen.signal.features import BandFeatures
from tests.conftest import CORRUPT, shared_file

BATIKGEN = [sys.executable, "-m", "batikgen.cli"]


def _run(*args):
    """The real console entry point in a subprocess: for exit codes and what reaches stderr."""
    return subprocess.run([*BATIKGEN, *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})


class _Result:
    def __init__(self, result):
        self.returncode, self.stdout, self.stderr = result.exit_code, result.stdout, result.stderr


def _invoke(*args):
    """The same commands in-process (much faster than a subprocess), with the same exit codes."""
    from click.testing import CliRunner

    from batikgen.cli import main

    return _Result(CliRunner().invoke(main, [str(a) for a in args]))


def test_features_writes_exactly_the_named_file_and_it_loads(tmp_path, sample_path):
    target = tmp_path / "deep" / "alpha.features"  # no .npz added, folders created
    result = _run("features", sample_path, "-o", target)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(target)
    assert sorted(p.name for p in target.parent.iterdir()) == ["alpha.features"]
    features = BandFeatures.load(target)
    assert features.band_names == ["delta", "theta", "alpha", "beta", "gamma"]
    assert features.params["step_s"] == 2.0 and features.n_windows > 50


def test_features_csv_and_json_hold_the_same_numbers(tmp_path, sample_path):
    assert _invoke("features", sample_path, "-o", tmp_path / "f.csv", "--csv", "--window", "2", "--step", "1").returncode == 0
    assert _invoke("features", sample_path, "-o", tmp_path / "f.json", "--json", "--window", "2", "--step", "1").returncode == 0
    rows = (tmp_path / "f.csv").read_text().splitlines()
    header = rows[0].split(",")
    assert header[:3] == ["time_s", "good", "delta_relative"] and "O1_alpha_relative" in header
    data = json.loads((tmp_path / "f.json").read_text())
    assert len(rows) - 1 == len(data["times_s"])
    alpha_csv = np.array([float(r.split(",")[header.index("alpha_relative")]) for r in rows[1:]])
    np.testing.assert_allclose(alpha_csv, data["channel_mean_relative"]["alpha"], rtol=1e-5)
    assert data["params"]["window_s"] == 2.0 and data["source"]["format"] == "edf"


def test_features_of_mind_monitor_are_its_own_band_powers(tmp_path):
    result = _invoke("features", shared_file("csv/museS_monitor1.csv"), "-o", tmp_path / "mm.npz")
    assert result.returncode == 0, result.stderr
    assert BandFeatures.load(tmp_path / "mm.npz").source["format"] == "mindmonitor"


def test_features_bad_input_exits_1_with_one_line_and_no_file(tmp_path):
    target = tmp_path / "out.npz"
    result = _run("features", shared_file(CORRUPT), "-o", target)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("batikgen: error: ")
    assert "implausible amplitudes" in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_features_refuses_to_clobber_and_bad_usage_exits_2(tmp_path, sample_path):
    target = tmp_path / "f.npz"
    target.write_bytes(b"keep me")
    result = _invoke("features", sample_path, "-o", target)
    assert result.returncode == 1 and "already exists; pass --overwrite" in result.stderr
    assert target.read_bytes() == b"keep me"
    assert _invoke("features", sample_path, "-o", target, "--overwrite").returncode == 0
    assert BandFeatures.load(target).n_windows > 0
    assert _invoke("features", sample_path).returncode == 2  # -o is required
    assert _invoke("features", sample_path, "-o", tmp_path / "x", "--csv", "--json").returncode == 2
    assert _invoke("features", sample_path, "-o", tmp_path / "x", "--reference", "linked").returncode == 2
    bad_band = _invoke("features", sample_path, "-o", tmp_path / "z", "--band", "alpha:8-13")
    assert bad_band.returncode == 2 and "NAME=LOW-HIGH" in bad_band.stderr
    too_short = _invoke("features", sample_path, "-o", tmp_path / "y", "--window", "500")
    assert too_short.returncode == 1 and "shorter than the 500 s analysis window" in too_short.stderr


def test_inspect_reports_channels_kept_and_dropped():
    result = _invoke("inspect", shared_file("edf/mnetd_chtypes_edf.edf"))
    assert result.returncode == 0, result.stderr
    assert "format:    edf" in result.stdout and "rate:      200 Hz" in result.stdout
    assert "ECG ECG1: label names a non-EEG channel (ecg)" in result.stdout
    assert "verdict:   plausible EEG" in result.stdout
    data = json.loads(_invoke("inspect", "--json", shared_file("csv/biopsykit_eeg_muse_example.csv")).stdout)
    assert data["format"] == "muse" and data["sfreq_hz"] == 256.0 and data["plausible"] is True
    assert data["channels"] == ["TP9", "AF7", "AF8", "TP10"] and "Right AUX" in data["dropped"]
    assert 100 < data["duration_s"] < 120 and 2 < data["median_sd_uv"] < 100


def test_inspect_of_a_corrupt_recording_prints_the_verdict_and_exits_1():
    result = _run("inspect", "--json", shared_file(CORRUPT))
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["plausible"] is False and "median channel SD" in data["verdict"]
    assert result.stderr.startswith("batikgen: error: ") and result.stderr.count("\n") == 1


@pytest.mark.parametrize("command", ["features", "inspect"])
def test_missing_file_is_bad_input(tmp_path, command):
    args = [command, tmp_path / "nope.edf"] + (["-o", tmp_path / "f"] if command == "features" else [])
    result = _run(*args)
    assert result.returncode == 1 and "nope.edf: no such file" in result.stderr


def test_features_with_custom_bands(tmp_path, sample_path):
    result = _invoke("features", sample_path, "-o", tmp_path / "b.npz", "--band", "mu=8-12", "--band", "low=2-6")
    assert result.returncode == 0, result.stderr
    features = BandFeatures.load(tmp_path / "b.npz")
    assert features.bands == {"mu": (8.0, 12.0), "low": (2.0, 6.0)} and features.band_names == ["mu", "low"]
    narrow = _invoke("features", sample_path, "-o", tmp_path / "n.npz", "--band", "tiny=10-10.1")
    assert narrow.returncode == 1 and "narrower than the frequency resolution" in narrow.stderr


@pytest.mark.parametrize("relative, refusal", [
    ("field/test_old_layout_latin1_software_filter.vhdr", "1.00 s long, shorter than the 4 s analysis window"),
    ("field/edfplus_d_gap300s.edf", "a gap of 300 s between 30 s and 330 s"),
    ("field/muse_ms_timestamps_10s.csv", None),
])
def test_inspect_gives_the_verdict_and_exit_status_of_features_and_render(tmp_path, relative, refusal):
    path = shared_file(relative)
    results = {command: _invoke(*args) for command, args in {
        "inspect": ("inspect", path),
        "features": ("features", path, "-o", tmp_path / "f.npz"),
        "render": ("render", path, "-o", tmp_path / "out", "--preview"),
    }.items()}
    for command, result in results.items():
        if refusal is None:
            assert result.returncode == 0, (command, result.stderr)
        else:
            assert result.returncode == 1, command
            assert result.stderr.startswith(f"batikgen: error: {path}: ") and result.stderr.count("\n") == 1, command
            assert refusal in result.stderr, command
    assert ("verdict:   plausible EEG" in results["inspect"].stdout) == (refusal is None)
    assert refusal is not None or "rate:      256 Hz" in results["inspect"].stdout


def test_warnings_say_they_are_warnings():
    path = shared_file("field/duplicate_channel_labels.edf")
    result = subprocess.run([sys.executable, "-m", "batikgen.cli", "inspect", str(path)], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert f"batikgen: warning: {path}: channel label(s) F1 appear more than once" in result.stderr


def _headband_off(tmp_path):
    lines = shared_file("csv/museS_monitor1.csv").read_text().splitlines()
    column = [name.lower() for name in lines[0].split(",")].index("headbandon")
    rows = [line.split(",") for line in lines[1:]]
    for row in rows:
        row[column] = "0"
    path = tmp_path / "off.csv"
    path.write_text("\n".join([lines[0], *(",".join(row) for row in rows)]) + "\n")
    return path


def _xdf_with_a_gap(tmp_path):
    from tests.signal.filewriters import write_xdf

    rng = np.random.default_rng(3)
    data = 20 * np.sin(2 * np.pi * 10 * np.arange(256 * 20) / 256) + 8 * rng.standard_normal((4, 256 * 20))
    stamps = 1000 + np.arange(data.shape[1]) / 256
    stamps[256 * 8 :] += 2.5
    return write_xdf(tmp_path / "gap.xdf", data, 256, ["Fz", "Cz", "Pz", "Oz"], timestamps=stamps)


@pytest.mark.parametrize("make, refusal", [
    # Found: a Mind Monitor export with the headband off throughout: inspect said plausible (exit 0) and
    # features wrote a file, while render failed with "every window ... was rejected", naming no file.
    (_headband_off, "none of its 59 rows of band powers is good"),
    (_xdf_with_a_gap, "timestamps jump forward 2.5 s (a gap"),
])
def test_inspect_features_and_render_agree_on_mutants(tmp_path, make, refusal):
    path = make(tmp_path)
    for args in (("inspect", path), ("features", path, "-o", tmp_path / "f.npz"),
                 ("render", path, "-o", tmp_path / "out", "--preview")):
        result = _invoke(*args)
        assert result.returncode == 1, args[0]
        assert result.stderr.startswith(f"batikgen: error: {path}: ") and result.stderr.count("\n") == 1, args[0]
        assert refusal in result.stderr, args[0]
