"""The gallery: deep-zoom tile building against bare libvips, and the index's size.

For each piece, in the same run and on the same PNG (so both read it from the page cache):

- ``dzsave``: the baseline, ``pyvips.Image.new_from_file(png).dzsave(out)`` with libvips' defaults;
- ``tiles``: the gallery's own tile step (:func:`batikgen.gallery.tiles.build_tiles`);
- ``piece``: every file the gallery makes for the piece (tiles, thumbnail, chart, legend crop,
  downloads), i.e. what a rebuild after one changed piece costs.

Target: ``tiles`` at most 1.5x ``dzsave``. Cases: the example exhibition's pieces
(``gallery/exhibition.toml``, rendered with the batch runner into a temporary folder) and one kain
panjang at 150 dpi (6201 x 14764 px, 91.6 Mpx) rendered from the bundled sample.
Also printed: the site's index page with what it loads (stylesheet, script), thumbnails excluded,
against a 1 MB target.

Run: ``python -m benchmarks gallery`` (``BATIKGEN_BENCH_REPEAT=1`` for one run per case).
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "eeg" / "simulated_eyes_closed.edf"
EXAMPLE = ROOT / "gallery" / "exhibition.toml"
REPEAT = int(os.environ.get("BATIKGEN_BENCH_REPEAT", "3"))
TARGET_RATIO = 1.5
INDEX_TARGET = 1_000_000


def _median_time(func) -> float:
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def bench_piece(piece, work: Path) -> tuple[float, float, float]:
    """Median seconds of bare dzsave, the gallery's tiles, and all of the piece's gallery files."""
    import pyvips

    from batikgen.gallery.builder import _make_assets
    from batikgen.gallery.tiles import build_tiles

    png = piece.file("png")
    bare = _median_time(lambda: pyvips.Image.new_from_file(str(png), access="sequential").dzsave(
        str(_fresh(work / "bare") / "cloth")))
    ours = _median_time(lambda: build_tiles(png, _fresh(work / "ours"), name="tiles"))
    whole = _median_time(lambda: _make_assets(piece, _fresh(work / "piece")))
    return bare, ours, whole


def _report(name: str, size: tuple[int, int], bare: float, ours: float, whole: float) -> None:
    ratio = ours / bare
    verdict = "ok" if ratio <= TARGET_RATIO else f"OVER {TARGET_RATIO}x"
    print(f"{name}: {size[0]} x {size[1]} px ({size[0] * size[1] / 1e6:.1f} Mpx)  dzsave {bare:.2f} s  "
          f"tiles {ours:.2f} s ({ratio:.2f}x, {verdict})  whole piece {whole:.2f} s ({whole / bare:.2f}x)", flush=True)


def _kain_panjang_150(folder: Path) -> Path:
    """An exhibition of one kain panjang at 150 dpi (91.6 Mpx) from the bundled sample, with a TIFF."""
    from batikgen.exhibition.catalogue import Catalogue
    from batikgen.exhibition.manifest import load_manifest, manifest_toml
    from batikgen.exhibition.runner import BatchOptions, run_batch

    (folder / "exhibition.toml").write_text(manifest_toml(
        "Benchmark", "", [("kain", "Kain panjang at 150 dpi", str(SAMPLE))],
        defaults={"dpi": 150, "cloth": "kain-panjang", "formats": ["png", "tiff"]}))
    started = time.perf_counter()
    run_batch(load_manifest(folder), options=BatchOptions(jobs=1))
    with Catalogue.open(folder, readonly=True) as cat:
        assert cat.piece("kain").status == "done", cat.piece("kain").error
    print(f"(rendered the 150 dpi kain panjang in {time.perf_counter() - started:.1f} s)", flush=True)
    return folder


def _example(folder: Path) -> Path:
    """The example exhibition rendered by the batch runner into ``folder``."""
    from batikgen.exhibition.manifest import load_manifest
    from batikgen.exhibition.runner import run_batch

    started = time.perf_counter()
    summary = run_batch(load_manifest(EXAMPLE), folder)
    print(f"(rendered the example exhibition in {time.perf_counter() - started:.1f} s, "
          f"exit status {summary.exit_status})", flush=True)
    return folder


def main() -> None:
    from batikgen.gallery import build_site
    from batikgen.gallery.exhibition import read_exhibition
    from batikgen.gallery.tiles import image_size

    with tempfile.TemporaryDirectory(prefix="batikgen-bench-gallery-") as tmp:
        tmp = Path(tmp)
        cases = [("example", _example(_fresh(tmp / "example")))]
        cases.append(("kain-panjang-150dpi", _kain_panjang_150(_fresh(tmp / "kain"))))

        for label, folder in cases:
            exhibition = read_exhibition(folder)
            totals = [0.0, 0.0, 0.0]
            for piece in (p for p in exhibition.pieces if p.status == "done"):
                times = bench_piece(piece, tmp / "work")
                _report(f"{label}/{piece.id}", image_size(piece.file("png")), *times)
                totals = [a + b for a, b in zip(totals, times)]
            print(f"{label}: all pieces: dzsave {totals[0]:.2f} s, tiles {totals[1]:.2f} s "
                  f"({totals[1] / totals[0]:.2f}x), whole pieces {totals[2]:.2f} s ({totals[2] / totals[0]:.2f}x)")
            site = tmp / f"site-{label}"
            started = time.perf_counter()
            build_site(folder, site)
            built = time.perf_counter() - started
            started = time.perf_counter()
            build_site(folder, site)
            rebuilt = time.perf_counter() - started
            index = sum((site / name).stat().st_size for name in ("index.html", "static/gallery.css",
                                                                   "static/gallery.js"))
            verdict = "ok" if index < INDEX_TARGET else "OVER 1 MB"
            print(f"{label}: whole site {built:.2f} s, rebuild with nothing changed {rebuilt:.3f} s, index with its "
                  f"stylesheet and script {index / 1000:.1f} kB ({verdict}; thumbnails excluded)", flush=True)
