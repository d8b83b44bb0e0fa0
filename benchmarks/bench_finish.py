"""The cost of the hand: the same A0 kawung plan at 300 dpi drawn ``crisp``, ``cap`` and ``tulis``.

Each finish runs in a fresh subprocess (see :mod:`benchmarks.bench_render`, whose measuring it
reuses), in the same run, the finishes taking turns (crisp, cap, tulis, crisp, ...), so the ratio
compares like with like on a shared machine whose load drifts. Printed:
building the composition (where the tulis hand moves vertices), rendering and writing the PNG
(where cap and tulis add the dye passes), their sum, and each finish's ratio to crisp; and the CPU
seconds of rendering (main process and workers), whose ratio moves less than wall time when other
work shares the machine.
Target: tulis at most 1.5x crisp; memory still bounded by the strip.

A last line times building alone, in this process, best of three (no imports, so the build's own
cost shows): cap and tulis against crisp, with the build's helper processes (the default) and
without (one worker). Target for the build: cap and tulis at most crisp + 0.35 s.

Run: ``python -m benchmarks finish`` (``BATIKGEN_BENCH_REPEAT`` runs per finish, default 3: single runs
on this shared 2-core machine spread by about 0.05 either way).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time

from benchmarks.bench_render import SIZES, _workers, kawung_composition, run_case

TARGET_RATIO = 1.5
#: Seconds a cap or tulis build may add to crisp's.
BUILD_EXTRA_S = 0.35


def _build_alone(finish: str, workers: int | None, repeat: int = 3) -> float:
    """Best of ``repeat`` wall times of building the A0 plan in this process."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        kawung_composition(*SIZES["A0"], finish=finish, workers=workers)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    """Measure crisp, cap and tulis on the same plan and print the ratios to crisp."""
    from batikgen.render.dye import DYE_PASS

    repeat = int(os.environ.get("BATIKGEN_BENCH_REPEAT", "3"))
    print(f"finish benchmark: A0 kawung at 300 dpi, {_workers()} workers, median of {repeat} run(s) taking turns; "
          f"{DYE_PASS} dye pass; load average {os.getloadavg()[0]:.1f} at start (the machine may be shared)")
    finishes = ("crisp", "cap", "tulis")
    runs: dict[str, list[dict]] = {finish: [] for finish in finishes}
    with tempfile.TemporaryDirectory() as outdir:
        for _ in range(repeat):
            for finish in finishes:
                runs[finish].append(run_case("A0", "kawung" if finish == "crisp" else f"kawung-{finish}", outdir))
    figures = {finish: {key: statistics.median(run[key] for run in done) for key in done[0]}
               for finish, done in runs.items()}
    crisp = figures["crisp"]
    for finish, r in figures.items():
        total, base = r["build_s"] + r["render_s"], crisp["build_s"] + crisp["render_s"]
        print(f"  {finish:5s} build {r['build_s']:.2f} s + render+write {r['render_s']:.2f} s = {total:.2f} s "
              f"({total / base:.2f}x crisp; render alone {r['render_s'] / crisp['render_s']:.2f}x, its cpu "
              f"{r['cpu_s']:.2f} s {r['cpu_s'] / crisp['cpu_s']:.2f}x), peak pss {r['pss_peak_mb']:.0f} MB", flush=True)
    ratio = (figures["tulis"]["build_s"] + figures["tulis"]["render_s"]) / (crisp["build_s"] + crisp["render_s"])
    print(f"tulis / crisp = {ratio:.2f} (target <= {TARGET_RATIO}): {'meets' if ratio <= TARGET_RATIO else 'MISSES'}")
    kawung_composition(100.0, 100.0, finish="tulis")  # imports and first-call costs out of the way
    crisp_s = _build_alone("crisp", None)
    parts = []
    for finish in ("cap", "tulis"):
        helped, alone = _build_alone(finish, None), _build_alone(finish, 1)
        verdict = "meets" if helped - crisp_s <= BUILD_EXTRA_S else "MISSES"
        parts.append(f"{finish} {helped:.2f} s (+{helped - crisp_s:.2f} s, {verdict}; one worker {alone:.2f} s)")
    print(f"build alone, best of 3, load average {os.getloadavg()[0]:.1f}: crisp {crisp_s:.2f} s; " + "; ".join(parts)
          + f" (target: at most crisp + {BUILD_EXTRA_S} s)")


if __name__ == "__main__":
    main()
