"""The example exhibition in gallery/: a valid manifest over four simulated sittings that differ as
they were made to, rebuilt byte for byte by the documented script."""

import subprocess
import sys
from pathlib import Path

import numpy as np

from batikgen.exhibition.manifest import load_manifest
from batikgen.pipeline import features_from_file

ROOT = Path(__file__).resolve().parents[2]
GALLERY = ROOT / "gallery"


def test_the_manifest_loads_and_every_recording_is_there():
    manifest = load_manifest(GALLERY)
    assert 4 <= len(manifest.pieces) <= 6
    assert all(piece.recording.is_file() for piece in manifest.pieces)
    assert len({piece.recording for piece in manifest.pieces}) == 4
    assert all(piece.recording.stat().st_size < 600_000 for piece in manifest.pieces)


def test_the_sittings_differ_as_simulated():
    power = {}
    for name in ("rest", "meditation", "attention", "restless"):
        features = features_from_file(GALLERY / "recordings" / f"{name}.edf")
        power[name] = dict(zip(features.band_names, features.aggregate("relative").mean(axis=0)))
    assert max(power, key=lambda n: power[n]["alpha"]) == "rest"
    assert max(power, key=lambda n: power[n]["theta"]) == "meditation"
    assert max(power, key=lambda n: power[n]["gamma"]) == "restless"
    assert power["attention"]["beta"] > 2 * power["attention"]["alpha"]
    assert np.isclose(sum(power["rest"].values()), 1.0, atol=0.02)


def test_the_script_rebuilds_the_same_bytes(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_sample_eeg.py"), "--exhibition", str(tmp_path)],
                   check=True, capture_output=True)
    for made in sorted(tmp_path.iterdir()):
        assert made.read_bytes() == (GALLERY / "recordings" / made.name).read_bytes(), made.name
