"""Exhibition-scale rendering: A0 and a whole kain panjang at 300 dpi, written as PNG.

Each case runs in a fresh subprocess (so memory is the whole process's, imports included), three
times, and the median is printed. Wall time covers preparing the scene, drawing every strip across
the worker processes, and writing the PNG; building the composition is timed apart (it is the
pattern stage's work). Peak memory is measured two ways:

- ``pss``: the largest sum, sampled every 100 ms, of the proportional set size of the process and
  its workers (shared pages counted once, split between the processes sharing them);
- ``rss``: the main process's peak RSS plus each worker's peak RSS (an upper bound: pages the
  workers inherit from the main process are counted again in each).

Scenes:

- ``kawung``: a kawung plan built through batikgen.motifs (25 mm cells, rows varying in fullness,
  core and cecek as the mapping varies them), the realistic case;
- ``dense``: a synthetic tile of 2,000 lens polygons and 5,000 dots, repeated every 120 mm (the
  DESIGN.md stress scene; 560k shapes on A0);
- ``flat``: no shapes at all, the floor: the cost of encoding an image of that size as PNG.

CPU seconds (main process plus workers) are printed too: on a shared machine they move less than
wall time; on an idle machine wall time approaches CPU time divided by the workers.

Run: ``python -m benchmarks render`` (``BATIKGEN_BENCH_REPEAT=1`` for one run per case,
``BATIKGEN_BENCH_SIZES=A0`` for one size).
"""

from __future__ import annotations

import functools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

SIZES = {"A0": (841.0, 1189.0), "kain-panjang": (1050.0, 2500.0)}
TARGETS = {"A0": (6.0, 600.0), "kain-panjang": (20.0, 1000.0)}  # seconds, MB
DPI = 300


def kawung_composition(width_mm: float, height_mm: float, cell_mm: float = 25.0, finish: str = "crisp",
                       workers: int | None = None):
    """A kawung cloth built through the pattern engine, with row parameters that vary smoothly,
    drawn with ``finish`` (crisp: the exact geometry this benchmark has always measured), by
    ``workers`` processes (default the available cores)."""
    import numpy as np

    from batikgen.cloth.build import build_composition
    from batikgen.mapping.plan import MotifPlan
    from batikgen.motifs import get_motif

    family = get_motif("kawung")
    columns = int(round(width_mm / cell_mm))
    cell = width_mm / columns
    n_rows = int(np.ceil(height_mm / cell - 1e-9))
    wave = 0.5 + 0.5 * np.sin(np.linspace(0, 6 * np.pi, n_rows))
    rows = [
        {"t_start": float(i), "t_end": float(i + 1),
         "params": family.validate({"fullness": 0.4 + 0.35 * wave[i], "core": 0.15 + 0.45 * wave[-1 - i],
                                    "cecek": int(round(4 * wave[i])), "line": 0.05})}
        for i in range(n_rows)
    ]
    plan = MotifPlan(1, "kawung", "sogan-yogya", {"name": "bench", "width_mm": width_mm, "height_mm": height_mm},
                     cell, columns, rows, seed=1, finish=finish)
    return build_composition(plan, workers=workers)


def dense_composition(width_mm: float, height_mm: float, tile_mm: float = 120.0, polygons: int = 2000,
                      dots: int = 5000):
    """The stress scene: one tile of random lenses and dots (seeded), repeated over the cloth.

    The vertices are made with numpy and packed straight into the layers, as DESIGN.md advises for
    shapes generated in bulk (no shapely object per shape).
    """
    import numpy as np

    from batikgen.cloth.composition import Composition, Layer, PolygonArray
    from batikgen.motifs.kit.geometry import circle, lens, rotate

    rng = np.random.default_rng(7)
    blade = lens(6.0, 1.6, 12) - [3.0, 0.0]
    blades = np.stack([rotate(blade, a) for a in rng.uniform(0, 360, polygons)])
    blades += rng.uniform(0, tile_mm, (polygons, 1, 2))
    cecek = circle(0.6, 12)[None] + rng.uniform(0, tile_mm, (dots, 1, 2))
    nx, ny = int(np.ceil(width_mm / tile_mm)), int(np.ceil(height_mm / tile_mm))
    offsets = np.array([(i * tile_mm, j * tile_mm) for j in range(ny) for i in range(nx)])[:, None, None, :]

    def tiled(vertices):
        return PolygonArray.from_vertices((vertices[None] + offsets).reshape(-1, vertices.shape[1], 2))

    return Composition(width_mm, height_mm, (243, 237, 225),
                       [Layer("blades", (74, 46, 29), tiled(blades)), Layer("cecek", (138, 90, 54), tiled(cecek))])


def flat_composition(width_mm: float, height_mm: float):
    """Nothing but the ground: the encoding floor."""
    from batikgen.cloth.composition import Composition

    return Composition(width_mm, height_mm, (243, 237, 225), [])


SCENES = {"kawung": kawung_composition, "dense": dense_composition, "flat": flat_composition,
          # The same plan drawn by hand and stamped (benchmarks/bench_finish.py compares them).
          "kawung-tulis": functools.partial(kawung_composition, finish="tulis"),
          "kawung-cap": functools.partial(kawung_composition, finish="cap")}


def _child(size: str, scene: str, outdir: str) -> None:
    """One measured run (in a subprocess): build the scene, then render and write the PNG."""
    import resource

    from batikgen.render.outputs import write_raster_outputs

    started = time.perf_counter()
    composition = SCENES[scene](*SIZES[size])
    built = time.perf_counter()
    rss_built = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cpu_built = _cpu_seconds()
    path = Path(outdir) / f"{size}-{scene}.png"
    write_raster_outputs(composition, DPI, png=path, overwrite=True)
    done = time.perf_counter()
    print(json.dumps({
        "build_s": built - started, "render_s": done - built, "shapes": composition.n_shapes(),
        "rss_main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "rss_after_build_mb": rss_built, "png_mb": path.stat().st_size / 1e6,
        "cpu_s": _cpu_seconds() - cpu_built,
    }))
    path.unlink()


def _cpu_seconds() -> float:
    """User + system CPU time of this process and its finished workers."""
    import resource

    return sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF),
                                                  resource.getrusage(resource.RUSAGE_CHILDREN)))


def _tree_pss_mb(root: int) -> float:
    """Sum of the proportional set size of ``root`` and its descendants, in MB."""
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
            with open(f"/proc/{pid}/task/{pid}/children") as handle:
                stack.extend(int(p) for p in handle.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError, ValueError):
            continue
    return total / 1024


def run_case(size: str, scene: str, outdir: str) -> dict:
    """Run one case in a fresh interpreter; return its figures."""
    code = f"from benchmarks.bench_render import _child; _child({size!r}, {scene!r}, {outdir!r})"
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               cwd=Path(__file__).resolve().parent.parent, text=True)
    peak = 0.0
    stop = threading.Event()

    def sample():
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _tree_pss_mb(process.pid))
            stop.wait(0.1)  # reading smaps_rollup walks page tables: sampling faster steals CPU

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    stop.set()
    sampler.join()
    if process.returncode:
        raise RuntimeError(f"{size} {scene} failed:\n{err}")
    figures = json.loads(out.strip().splitlines()[-1])
    figures["pss_peak_mb"] = peak
    figures["rss_sum_mb"] = figures["rss_main_mb"] + figures["rss_worker_mb"] * _workers()
    return figures


def _workers() -> int:
    from batikgen.render.parallel import available_cores

    return available_cores()


def _median_case(size: str, scene: str, repeat: int, outdir: str) -> dict:
    runs = [run_case(size, scene, outdir) for _ in range(repeat)]
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def main() -> None:
    """Measure every case and print the figures, the targets and the ratio to the floor."""
    repeat = int(os.environ.get("BATIKGEN_BENCH_REPEAT", "3"))
    load = os.getloadavg()[0]
    print(f"render benchmark: {DPI} dpi PNG, {_workers()} workers, median of {repeat} run(s); "
          f"load average {load:.1f} on {os.cpu_count()} cores at start (the machine may be shared)")
    with tempfile.TemporaryDirectory() as outdir:
        for size in os.environ.get("BATIKGEN_BENCH_SIZES", ",".join(SIZES)).split(","):
            target_s, target_mb = TARGETS[size]
            floor = _median_case(size, "flat", repeat, outdir)
            print(f"{size}: floor (flat image, same size, same PNG writer) {floor['render_s']:.2f} s "
                  f"(cpu {floor['cpu_s']:.2f} s), pss {floor['pss_peak_mb']:.0f} MB")
            for scene in ("kawung", "dense"):
                r = _median_case(size, scene, repeat, outdir)
                verdict = "meets" if r["render_s"] <= target_s and r["pss_peak_mb"] <= target_mb else "MISSES"
                print(f"  {scene:7s} {int(r['shapes']):>7,} shapes: render+write {r['render_s']:.2f} s "
                      f"({r['render_s'] / floor['render_s']:.1f}x floor; cpu {r['cpu_s']:.2f} s, "
                      f"{r['cpu_s'] / floor['cpu_s']:.1f}x floor's), peak pss {r['pss_peak_mb']:.0f} MB "
                      f"(rss main {r['rss_main_mb']:.0f} + {_workers()} x worker {r['rss_worker_mb']:.0f} MB; "
                      f"{r['rss_after_build_mb']:.0f} MB after building the composition), "
                      f"PNG {r['png_mb']:.0f} MB, composition built in {r['build_s']:.2f} s; "
                      f"target {target_s:g} s / {target_mb:g} MB: {verdict}", flush=True)


if __name__ == "__main__":
    main()
