"""The batch runner on real recordings plus a corrupt, a crashing and a slow one: fault isolation,
resume, re-runs that do nothing, changes that redo exactly what changed, and privacy."""

import json
import shutil
from pathlib import Path

import pytest

from batikgen.errors import ParameterError
from batikgen.exhibition.catalogue import Catalogue
from batikgen.exhibition.manifest import load_manifest
from batikgen.exhibition.runner import BatchOptions, run_batch
from tests.conftest import SAMPLE, shared_file

PRELOAD = ("tests.exhibition.misbehaving_readers",)
GOOD = ["rest", "rest-indigo", "attention", "motor", "vision"]
BAD = ["corrupt", "crash", "slow"]
# File names (and parts of them) of the recordings, which must appear nowhere visitors can see.
SECRETS = [b"simulated_eyes_closed", b"eeglab_data", b"mnetd_test_edf", b"testbva", b"quixotte", b"participant-",
           b"/work/shared"]


def piece(piece_id: str, recording: Path, **style) -> str:
    extra = "".join(f'{key} = "{value}"\n' for key, value in style.items())
    return f'[[piece]]\nid = "{piece_id}"\ntitle = "Title of {piece_id}"\nrecording = "{recording}"\n{extra}\n'


@pytest.fixture(scope="module")
def exhibition(tmp_path_factory):
    """A first run of an eight-piece exhibition, shared by the tests below (each copies it)."""
    folder = tmp_path_factory.mktemp("show")
    crash = folder / "participant-crash.crash"
    crash.write_bytes(b"CRASH")
    slow = folder / "participant-slow.slow"
    slow.write_text(f"SLOW 600 {SAMPLE}")
    text = ('[exhibition]\ntitle = "Test show"\n\n[defaults]\ncloth = "A4"\ndpi = 10\n\n'
            + piece("rest", SAMPLE) + piece("rest-indigo", SAMPLE, palette="indigo-soga", finish="crisp")
            + piece("attention", shared_file("eeglab/eeglab_data.set"), motif="parang")
            + piece("motor", shared_file("edf/mnetd_test_edf_overlapping_annotations.edf"), motif="truntum")
            + piece("vision", shared_file("brainvision/testbva.vhdr"), motif="nitik")
            + piece("corrupt", shared_file("corrupt/quixotte_S001R01_crlf.edf"))
            + piece("crash", crash) + piece("slow", slow))
    (folder / "exhibition.toml").write_text(text)
    summary = run_batch(load_manifest(folder), options=BatchOptions(jobs=3, timeout=10, preload=PRELOAD))
    return folder, summary


def copy_of(exhibition, tmp_path) -> Path:
    folder = tmp_path / "show"
    shutil.copytree(exhibition[0], folder)
    return folder


def test_the_good_pieces_are_made_and_the_bad_ones_fail_alone(exhibition):
    folder, summary = exhibition
    assert sorted(summary.rendered) == sorted(GOOD)
    assert sorted(summary.failed) == sorted(BAD)
    assert "implausible amplitudes" in summary.failed["corrupt"]
    assert summary.failed["crash"].startswith("the worker process crashed (SIGABRT) while reading")
    assert summary.failed["slow"] == "took longer than the time limit of 10 s (while reading)"
    assert summary.exit_status == 1
    with Catalogue.open(folder, readonly=True) as cat:
        records = {r.id: r for r in cat.pieces()}
        assert [r.id for r in cat.pieces()] == GOOD + BAD  # manifest order
    for piece_id in GOOD:
        record = records[piece_id]
        assert record.status == "done" and record.version and record.content_hash and record.duration_s > 0
        assert set(record.outputs) == {"png", "preview", "proof", "metadata", "features"}
        for output in record.outputs.values():
            assert (folder / output.path).stat().st_size == output.bytes
            assert (folder / output.path).stat().st_mode & 0o444 == 0o444  # a web server may read it
        assert (folder / "pieces" / piece_id).stat().st_mode & 0o555 == 0o555  # and list the piece's folder
    assert records["rest"].content_hash == records["rest-indigo"].content_hash
    # The finish reaches the render: the manifest's (crisp) or render's default (tulis).
    finishes = {piece_id: json.loads((folder / records[piece_id].outputs["metadata"].path).read_text())["plan"]
                .get("finish", "crisp") for piece_id in ("rest", "rest-indigo")}
    assert finishes == {"rest": "tulis", "rest-indigo": "crisp"}
    # Four recordings were analysed once each; the second style of the sample reused its features.
    assert len(list((folder / ".cache" / "features").glob("*.npz"))) == 4
    assert {r.status for r in records.values()} == {"done", "failed"}  # nothing left running
    assert sorted(p.name for p in (folder / "pieces").iterdir()) == sorted(GOOD)  # no staging left


def test_no_recording_name_reaches_the_pieces_or_the_public_catalogue(exhibition):
    folder, _ = exhibition
    with Catalogue.open(folder, readonly=True) as cat:
        public = repr(cat.pieces()).encode()
    for secret in SECRETS:
        assert secret not in public, secret
    for path in (folder / "pieces").rglob("*"):
        assert not any(secret.decode() in path.name for secret in SECRETS)
        if path.is_file():
            data = path.read_bytes()
            assert not [s for s in SECRETS if s in data], path


def test_a_rerun_does_nothing_but_still_reports_the_failures(exhibition, tmp_path):
    folder = copy_of(exhibition, tmp_path)
    with Catalogue.open(folder, readonly=True) as cat:
        before = {r.id: r.finished_at for r in cat.pieces()}
    summary = run_batch(load_manifest(folder), options=BatchOptions(jobs=3, timeout=10, preload=PRELOAD))
    assert summary.rendered == [] and sorted(summary.skipped) == sorted(GOOD)
    assert summary.failed == exhibition[1].failed and summary.exit_status == 1
    with Catalogue.open(folder, readonly=True) as cat:
        assert {r.id: r.finished_at for r in cat.pieces()} == before


def test_what_changed_is_made_again_and_nothing_else(exhibition, tmp_path):
    folder = copy_of(exhibition, tmp_path)
    manifest = folder / "exhibition.toml"
    manifest.write_text(manifest.read_text().replace('motif = "truntum"', 'motif = "truntum"\npalette = "lasem"')
                        .replace('title = "Title of rest"', 'title = "A new title"'))
    with Catalogue.open(folder, readonly=True) as cat:
        png = folder / cat.piece("attention").outputs["png"].path
    png.write_bytes(png.read_bytes() + b"\0")  # damaged on disk
    dry = run_batch(load_manifest(folder), options=BatchOptions(dry_run=True))
    assert sorted(dry.pending) == ["attention", "motor"] and dry.rendered == []
    assert dry.reasons == {"attention": "its outputs are missing or changed", "motor": "changed"}
    summary = run_batch(load_manifest(folder), options=BatchOptions(jobs=3, timeout=10, preload=PRELOAD))
    assert sorted(summary.rendered) == ["attention", "motor"]
    with Catalogue.open(folder, readonly=True) as cat:
        assert (cat.piece("motor").palette, cat.piece("rest").title, cat.piece("rest").status) == \
            ("lasem", "A new title", "done")
        assert cat.piece("attention").outputs["png"].sha256 != "" and png.stat().st_size == \
            cat.piece("attention").outputs["png"].bytes


def test_retry_failed_with_only_runs_exactly_that_piece(exhibition, tmp_path):
    folder = copy_of(exhibition, tmp_path)
    options = BatchOptions(only=("crash", "rest"), retry_failed=True, timeout=10, preload=PRELOAD)
    summary = run_batch(load_manifest(folder), options=options)
    assert (summary.rendered, summary.skipped, list(summary.failed)) == ([], ["rest"], ["crash"])
    with pytest.raises(ParameterError, match="no piece 'nope'.*its pieces are rest, rest-indigo"):
        run_batch(load_manifest(folder), options=BatchOptions(only=("nope",)))
