"""The gallery builder on a small real exhibition: pages, tiles, incremental rebuilds, escaping, privacy."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import mne
import pytest
from click.testing import CliRunner
from markupsafe import escape
from PIL import Image

from batikgen.cli import main
from batikgen.errors import GalleryError
from batikgen.exhibition.catalogue import Catalogue
from batikgen.exhibition.records import PieceResult
from batikgen.gallery import build_site
from batikgen.gallery.plan_view import mapping_lines
from batikgen.mapping.plan import MotifPlan
from batikgen.mapping.table import DEFAULT_MAPPING_PATH, load_mapping
from batikgen.signal.simulate import simulate_eeg

from .conftest import XSS_TITLE, add_done_piece


@pytest.fixture(scope="module")
def built(small_exhibition, tmp_path_factory):
    """The small exhibition's site, built once for the read-only tests of this module."""
    site = tmp_path_factory.mktemp("site") / "site"
    report = build_site(small_exhibition, site)
    return site, report


def _files(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in sorted(folder.rglob("*")) if p.is_file()}


def test_site_has_index_about_and_a_page_per_finished_piece(built):
    site, report = built
    assert sorted(report.built) == ["calm", "xss"]
    assert sorted(report.left_out) == [("broken", "failed"), ("later", "pending")]
    assert (site / "index.html").is_file() and (site / "about.html").is_file()
    assert sorted(p.name for p in (site / "pieces").iterdir()) == ["calm", "xss"]
    index = (site / "index.html").read_text()
    assert "Seeing the unseen: a test" in index and "Second paragraph." in index
    assert index.count('class="card"') == 2
    assert 'loading="lazy"' in index
    assert "2 more pieces are not shown yet" in index
    assert "Still being made" not in index  # a pending piece's title stays off the site
    assert "#SeeingTheUnseen" in (site / "about.html").read_text()


def test_piece_files_tiles_and_downloads(built, small_exhibition):
    site, _ = built
    calm, xss = site / "pieces" / "calm", site / "pieces" / "xss"
    png = Image.open(next((small_exhibition / "pieces" / "calm").glob("*-kawung.png")))
    levels = sorted(int(p.name) for p in (calm / "tiles_files").iterdir())
    assert levels[0] == 0 and levels == list(range(len(levels)))
    with Image.open(calm / "tiles_files" / "0" / "0_0.jpg") as top:
        assert top.size == (1, 1)  # the pyramid goes down to one pixel
    deepest = calm / "tiles_files" / str(levels[-1])
    widths = sum(Image.open(t).size[0] for t in deepest.glob("*_0.jpg"))
    columns = len(list(deepest.glob("*_0.jpg")))
    assert widths - 2 * (columns - 1) == png.size[0]  # tiles cover the full-resolution width (1 px overlaps)
    assert not list(calm.rglob("*.dzi")) and not list(calm.rglob("vips-properties.xml"))
    # calm was rendered with a TIFF and a legend; xss without either.
    assert (calm / "calm.tif").is_file() and (calm / "legend.png").is_file()
    assert not (xss / "xss.tif").exists() and not (xss / "legend.png").exists()
    for folder in (calm, xss):
        assert (folder / "thumb.jpg").is_file() and (folder / "chart.svg").is_file()
        assert b"<svg" in (folder / "chart.svg").read_bytes()
    page = (calm / "index.html").read_text()
    assert 'href="calm.tif"' in page and 'href="calm.preview.jpg"' in page and 'href="calm.proof.png"' in page
    # The legend strip is the cloth's right part: much narrower than tall.
    with Image.open(calm / "legend.png") as legend:
        assert legend.size[0] < legend.size[1] / 3


def test_inline_tile_source_matches_the_tiles(built):
    site, _ = built
    page = (site / "pieces" / "calm" / "index.html").read_text()
    data = json.loads(page.split('<script type="application/json" id="piece-data">')[1].split("</script>")[0])
    image = data["tileSource"]["Image"]
    assert image["Url"] == "tiles_files/"
    assert int(image["Size"]["Width"]) == data["image"]["width"]
    rows = data["rows"]
    assert len(rows["times_s"]) == len(rows["ys_mm"]) == len(rows["shares"]) + 1
    assert all(abs(sum(s) - 1) < 0.01 for s in rows["shares"])
    assert rows["bands"] == ["delta", "theta", "alpha", "beta", "gamma"]
    # The sample has its eyes closed in the middle minute: alpha's share is higher there.
    alpha = [s[2] for s in rows["shares"]]
    middle = [a for a, t in zip(alpha, rows["times_s"]) if 80 <= t <= 130]
    edges = [a for a, t in zip(alpha, rows["times_s"]) if t <= 50 or t >= 160]
    assert min(middle) > max(edges)


def test_titles_and_notes_are_escaped(built):
    site, _ = built
    for page in [site / "index.html", *site.glob("pieces/*/index.html")]:
        text = page.read_text()
        assert "<img src=x" not in text and "<script>alert" not in text, page
    page = (site / "pieces" / "xss" / "index.html").read_text()
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;script&gt;alert(&#39;note&#39;)&lt;/script&gt;" in page


def test_mapping_texts_come_from_the_mapping_table(built):
    site, _ = built
    page = (site / "pieces" / "calm" / "index.html").read_text()
    table = load_mapping()
    for trait in table.traits_for("kawung"):
        assert str(escape(trait.why)) in page
    assert str(escape(table.description)) in page
    parang = (site / "pieces" / "xss" / "index.html").read_text()
    assert all(str(escape(t.why)) in parang for t in table.traits_for("parang"))


def test_mapping_texts_follow_an_edited_table_and_fall_back_to_the_plan(tmp_path, built, small_exhibition):
    metadata = json.loads(next((small_exhibition / "pieces" / "calm").glob("*.metadata.json")).read_text())
    plan = MotifPlan.from_dict(metadata["plan"])
    lines, description, _ = mapping_lines(plan)
    assert description == load_mapping().description
    # A custom table with the same traits but new words: read from that file.
    edited = tmp_path / "mine.toml"
    edited.write_text(DEFAULT_MAPPING_PATH.read_text().replace("swells the petals", "makes the petals bloom"))
    digest = load_mapping(edited).digest_for("kawung", plan.finish)
    plan_custom = MotifPlan.from_dict({**metadata["plan"], "mapping_sha256": digest})
    lines, _, _ = mapping_lines(plan_custom, str(edited))
    assert any("makes the petals bloom" in line.why for line in lines)
    # A table no longer at hand: the plan's record of its texts.
    gone = MotifPlan.from_dict({**metadata["plan"], "mapping_sha256": "0" * 64})
    lines, description, _ = mapping_lines(gone, str(tmp_path / "missing.toml"))
    assert description == "" and [line.why for line in lines] == [t["why"] for t in plan.to_dict()["traits"].values()]


def test_rebuild_redoes_only_the_changed_piece(tmp_path, small_exhibition, sample_features):
    from tests.conftest import SAMPLE

    exhibition = tmp_path / "ex"
    shutil.copytree(small_exhibition, exhibition)
    first = build_site(exhibition)
    assert sorted(first.built) == ["calm", "xss"]
    site = exhibition / "site"
    before_calm, before_xss = _files(site / "pieces" / "calm"), _files(site / "pieces" / "xss")
    index_before = (site / "index.html").read_bytes()

    again = build_site(exhibition)
    assert again.built == [] and sorted(again.kept) == ["calm", "xss"]
    assert _files(site / "pieces" / "calm") == before_calm and _files(site / "pieces" / "xss") == before_xss

    # Re-render one piece in another palette: only its files are remade.
    add_done_piece(exhibition, "xss", XSS_TITLE, SAMPLE, features=sample_features, motif="parang", palette="cirebon")
    third = build_site(exhibition)
    assert third.built == ["xss"] and third.kept == ["calm"]
    assert _files(site / "pieces" / "calm") == before_calm
    assert _files(site / "pieces" / "xss") != before_xss
    assert (site / "index.html").read_bytes() != index_before  # the palette filter now offers cirebon
    assert "cirebon" in (site / "index.html").read_text()

    # A new piece appears; a piece that failed on a re-run disappears with its files.
    add_done_piece(exhibition, "later", "Still being made", SAMPLE, features=sample_features, motif="truntum",
                   palette="lasem", cloth="iket")
    with Catalogue.open(exhibition) as cat:
        cat.mark_running("xss")
        cat.mark_failed("xss", "failed on purpose")
    fourth = build_site(exhibition)
    assert fourth.built == ["later"] and fourth.removed == ["xss"]
    assert ("xss", "failed") in fourth.left_out
    assert sorted(p.name for p in (site / "pieces").iterdir()) == ["calm", "later"]
    assert _files(site / "pieces" / "calm") == before_calm

    # overwrite remakes everything.
    assert sorted(build_site(exhibition, overwrite=True).built) == ["calm", "later"]

    # A piece whose image was damaged since is left out; the others are still shown.
    png = next((exhibition / "pieces" / "later").glob("*.png"))
    png.write_bytes(png.read_bytes()[:200])
    fifth = build_site(exhibition, overwrite=True)
    assert fifth.built == ["calm"] and fifth.left_out[-1][0] == "later"
    assert "later-truntum.png: cannot" in fifth.left_out[-1][1] and "read error" in fifth.left_out[-1][1]
    assert sorted(p.name for p in (site / "pieces").iterdir()) == ["calm"]


def test_refuses_a_folder_that_is_not_a_site(tmp_path, small_exhibition):
    other = tmp_path / "notes"
    other.mkdir()
    (other / "keep.txt").write_text("mine")
    with pytest.raises(GalleryError, match="notes: folder exists and is not a batikgen gallery site"):
        build_site(small_exhibition, other)
    assert sorted(p.name for p in other.iterdir()) == ["keep.txt"]
    with pytest.raises(Exception, match="no catalogue.sqlite"):
        build_site(tmp_path / "nowhere", tmp_path / "site")


def test_cli_builds_and_reports_left_out_pieces(tmp_path, small_exhibition, monkeypatch):
    site = tmp_path / "out"
    run = CliRunner().invoke(main, ["gallery", str(small_exhibition), "-o", str(site)])
    assert run.exit_code == 0, run.output
    assert run.stdout.strip() == str(site / "index.html")
    assert "left out: later (pending)" in run.stderr and "left out: broken (failed)" in run.stderr
    # Inside the working directory the page is printed as a path from it, as `render` prints its folder.
    monkeypatch.chdir(tmp_path)
    again = CliRunner().invoke(main, ["gallery", str(small_exhibition), "-o", str(site)])
    assert again.exit_code == 0 and again.stdout.strip() == str(Path("out") / "index.html"), again.output
    bad = CliRunner().invoke(main, ["gallery", str(tmp_path / "missing")])
    assert bad.exit_code == 1 and bad.stdout == "" and bad.exception is None or isinstance(bad.exception, SystemExit)
    assert len(bad.stderr.strip().splitlines()) == 1 and "missing: no catalogue.sqlite" in bad.stderr


def test_site_never_holds_a_recordings_name_folder_header_or_command(tmp_path, sample_features):
    """A recording made with a patient's name and birth date, in a telling folder: none of it reaches the site."""
    folder = tmp_path / "clinic_records_ward7"
    folder.mkdir()
    raw = simulate_eeg(duration_s=60, seed=5)
    raw.info["subject_info"] = {"his_id": "Siti_Rahayu_MRN4471", "first_name": "Siti", "last_name": "Rahayu",
                                "birthday": dt.date(1987, 3, 14), "sex": 2}
    recording = folder / "rahayu_siti_1987-03-14_session2.edf"
    mne.export.export_raw(recording, raw, fmt="edf", physical_range="auto", verbose="error")
    header = recording.read_bytes()[:256]
    assert b"Siti_Rahayu_MRN4471" in header and b"14-MAR-1987" in header  # the header does hold them

    exhibition = tmp_path / "exhibition"
    with Catalogue.open(exhibition, create=True) as cat:
        cat.set_exhibition("Private", "")
    add_done_piece(exhibition, "p1", "Piece one", recording, motif="kawung", palette="lasem", legend=True,
                   formats="png,tiff")
    metadata = json.loads(next((exhibition / "pieces" / "p1").glob("*.metadata.json")).read_text())
    assert recording.name in json.dumps(metadata)  # the metadata does name the recording: the site must not
    site = tmp_path / "site"
    build_site(exhibition, site)

    # How the piece was made (metadata.json's command line or recipe) names the recording too.
    made_by = [metadata.get("command"), json.dumps(metadata.get("recipe"), sort_keys=True)]
    secrets = [recording.name, recording.stem, "rahayu_siti", folder.name, str(folder), str(tmp_path),
               "Siti_Rahayu", "Rahayu", "MRN4471", "1987", "14-MAR", "session2",
               metadata["plan"]["source"]["file_sha256"], *[m for m in made_by if m and m != "null"]]
    files = [p for p in site.rglob("*") if p.is_file()]
    assert len(files) > 20
    for path in files:
        data = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in data, f"{secret!r} found in {path.relative_to(site)}"
            assert secret.lower().encode() not in data.lower(), f"{secret!r} found in {path.relative_to(site)}"


def test_gallery_of_an_exhibition_made_by_the_batch_runner(tmp_path):
    """The real path: a manifest, `run_batch` (isolated workers), then the site; a bad recording is left out."""
    from batikgen.exhibition.manifest import load_manifest, manifest_toml
    from batikgen.exhibition.runner import BatchOptions, run_batch
    from tests.conftest import SAMPLE

    exhibition = tmp_path / "show"
    (exhibition / "recordings").mkdir(parents=True)
    shutil.copy(SAMPLE, exhibition / "recordings" / "donor_7_private.edf")
    (exhibition / "recordings" / "broken_take.edf").write_bytes(b"0       not an EDF header at all")
    (exhibition / "exhibition.toml").write_text(manifest_toml(
        "Batch and gallery", "Two pieces: one made, one not.",
        [("made", "Made by the runner", "recordings/donor_7_private.edf"),
         ("unmade", "Not made", "recordings/broken_take.edf")],
        defaults={"dpi": 10, "cloth": "iket", "motif": "truntum", "palette": "lasem"}))
    summary = run_batch(load_manifest(exhibition), options=BatchOptions(jobs=1))
    assert summary.exit_status != 0  # one piece failed, as meant

    report = build_site(exhibition)
    assert report.built == ["made"] and report.left_out == [("unmade", "failed")]
    site = exhibition / "site"
    page = (site / "pieces" / "made" / "index.html").read_text()
    assert "Made by the runner" in page and "truntum" in page and "3 min" in page
    assert (site / "pieces" / "made" / "chart.svg").is_file()
    for path in (p for p in site.rglob("*") if p.is_file()):
        data = path.read_bytes()
        assert b"donor_7" not in data and b"broken_take" not in data and b"recordings/" not in data, path


def test_a_piece_without_features_has_no_chart_but_a_page(tmp_path, small_exhibition):
    """Pieces rendered before features were kept: the page shows the cloth and the mapping, no chart."""
    exhibition = tmp_path / "ex"
    shutil.copytree(small_exhibition, exhibition)
    with Catalogue.open(exhibition) as cat:
        record = cat.piece("xss")
        outputs = {k: v for k, v in record.outputs.items() if k != "features"}
        cat.mark_running("xss")
        cat.mark_done("xss", PieceResult(id="xss", ok=True, outputs=outputs, duration_s=record.duration_s))
    build_site(exhibition)
    folder = exhibition / "site" / "pieces" / "xss"
    page = (folder / "index.html").read_text()
    assert not (folder / "chart.svg").exists() and "chart.svg" not in page
    assert "tiles_files/" in page and "How the rhythms shaped this parang" in page


def test_builds_of_one_site_at_once_wait_for_each_other(tmp_path, small_exhibition):
    """The service rebuilds after every piece: two builds at once must not trip over each other's files."""
    from concurrent.futures import ThreadPoolExecutor

    exhibition = tmp_path / "ex"
    shutil.copytree(small_exhibition, exhibition)
    with ThreadPoolExecutor(2) as pool:
        reports = list(pool.map(lambda _: build_site(exhibition), range(2)))
    assert sorted(len(r.built) for r in reports) == [0, 2]  # the second waited, then found it done
    site = exhibition / "site"
    assert sorted(p.name for p in (site / "pieces").iterdir()) == ["calm", "xss"]
    assert not [p for p in site.rglob("*") if p.name.endswith((".part", ".old"))]
