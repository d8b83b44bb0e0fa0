"""A 12-piece exhibition at 150 dpi: `batikgen batch` against a shell-style loop of `batikgen render`.

The pieces are the example exhibition's four simulated recordings (gallery/recordings/) in three
styles each, so, as in a real exhibition, several pieces share a recording. Measured in the same
run, each as a whole process started from the command line:

- ``loop``: ``for piece in ...; do batikgen render REC --motif M --palette P ...; done``, one after
  the other (each render draws its strips on every core);
- ``batch``: ``batikgen batch`` with its default ``--jobs`` (one piece per core, one core each);
- ``batch --jobs 1``: one piece at a time on every core (the alternative the default was chosen
  against);
- ``re-run``: ``batikgen batch`` again with nothing to do, as a whole process (imports included)
  and the runner alone (``run_batch`` in this process);
- the coordinator's peak memory: the batch process's own peak RSS (``ru_maxrss`` of that process;
  its worker processes and the fork server are not the coordinator).

Budgets (issue 11): batch at most 0.9x the loop's wall time; a re-run with nothing to do under 2 s;
the coordinator under 300 MB.

Run: ``python -m benchmarks batch`` (``BATIKGEN_BENCH_CLOTH=kain-panjang`` for full-size cloths;
the default A1 keeps the whole benchmark to a few minutes on 2 cores).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECORDINGS = ["rest", "meditation", "attention", "restless"]
STYLES = [("kawung", "sogan-yogya"), ("parang", "sogan-solo"), ("mega-mendung", "cirebon")]
DPI = 150
CLOTH = os.environ.get("BATIKGEN_BENCH_CLOTH", "A1")
TARGET_RATIO, TARGET_RERUN_S, TARGET_MEMORY_MB = 0.9, 2.0, 300.0

# Runs the CLI in this interpreter and reports the process's own peak RSS (children excluded).
_MEASURED = """
import resource, sys
from batikgen.cli import main
try:
    main(sys.argv[2:], prog_name="batikgen")
except SystemExit as exit:
    code = exit.code or 0
with open(sys.argv[1], "w") as out:
    out.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
"""


def pieces() -> list[tuple[str, Path, str, str]]:
    """(id, recording, motif, palette) for the twelve pieces."""
    return [(f"{name}-{motif}", ROOT / "gallery" / "recordings" / f"{name}.edf", motif, palette)
            for name in RECORDINGS for motif, palette in STYLES]


def write_manifest(folder: Path) -> Path:
    lines = ['[exhibition]\ntitle = "Benchmark"\n', f'[defaults]\ndpi = {DPI}\ncloth = "{CLOTH}"\n']
    for piece_id, recording, motif, palette in pieces():
        lines.append(f'[[piece]]\nid = "{piece_id}"\nrecording = "{recording}"\nmotif = "{motif}"\n'
                     f'palette = "{palette}"\n')
    path = folder / "exhibition.toml"
    path.write_text("\n".join(lines))
    return path


def batikgen(*args: str) -> list[str]:
    return [sys.executable, "-m", "batikgen.cli", *args]


def run_loop(outdir: Path) -> float:
    """Wall time of rendering every piece with its own `batikgen render` process, one by one."""
    began = time.perf_counter()
    for piece_id, recording, motif, palette in pieces():
        subprocess.run(batikgen("render", str(recording), "-o", str(outdir), "--motif", motif, "--palette", palette,
                                "--cloth", CLOTH, "--dpi", str(DPI), "--name", piece_id),
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - began


def run_batch(folder: Path, *options: str) -> tuple[float, float, int]:
    """(wall seconds, coordinator peak MB, exit status) of one `batikgen batch` process."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        began = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", _MEASURED, rss.name, "batch", str(folder), *options],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - began
        peak_kb = int(rss.read() or 0)
    return wall, peak_kb / 1024, done.returncode


def runner_only(folder: Path) -> float:
    """Seconds of run_batch on an exhibition with nothing to do (imports already paid)."""
    from batikgen.exhibition.manifest import load_manifest
    from batikgen.exhibition.runner import run_batch as run

    began = time.perf_counter()
    summary = run(load_manifest(folder))
    elapsed = time.perf_counter() - began
    assert not summary.rendered, "the re-run made pieces"
    return elapsed


def main() -> None:
    print(f"12 pieces ({len(RECORDINGS)} recordings x {len(STYLES)} styles), {CLOTH} at {DPI} dpi, "
          f"{os.cpu_count()} cores", flush=True)
    with tempfile.TemporaryDirectory(prefix="batikgen-bench-batch-") as tmp:
        tmp = Path(tmp)
        loop = run_loop(tmp / "loop")
        print(f"loop of batikgen render:    {loop:7.1f} s", flush=True)

        default = tmp / "default"
        default.mkdir()
        write_manifest(default)
        batch, peak, status = run_batch(default)
        assert status == 0, f"batch exited {status}"
        print(f"batch (default jobs):       {batch:7.1f} s   {batch / loop:.2f}x the loop "
              f"(target <= {TARGET_RATIO}x)   coordinator peak {peak:.0f} MB (target < {TARGET_MEMORY_MB:.0f})",
              flush=True)

        single = tmp / "single"
        single.mkdir()
        write_manifest(single)
        batch1, peak1, status = run_batch(single, "--jobs", "1")
        assert status == 0, f"batch --jobs 1 exited {status}"
        print(f"batch --jobs 1 (all cores): {batch1:7.1f} s   {batch1 / loop:.2f}x the loop   "
              f"coordinator peak {peak1:.0f} MB", flush=True)

        rerun, peak_rerun, status = run_batch(default)
        assert status == 0, f"re-run exited {status}"
        alone = runner_only(default)
        print(f"re-run, nothing to do:      {rerun:7.2f} s as a process (imports included), "
              f"{alone:.2f} s in the runner (target < {TARGET_RERUN_S:g} s)   peak {peak_rerun:.0f} MB", flush=True)
        print(f"ratios: batch/loop {batch / loop:.2f}, batch --jobs 1/loop {batch1 / loop:.2f}, "
              f"default/--jobs 1 {batch / batch1:.2f}, re-run {rerun:.2f} s, coordinator {peak:.0f} MB")


if __name__ == "__main__":
    main()
