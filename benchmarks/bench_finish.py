"""The cost of the hand: the same A0 kawung plan at 300 dpi drawn ``crisp``, ``cap`` and ``tulis``.

Each finish runs in a fresh subprocess (see :mod:`benchmarks.bench_render`, whose measuring it
reuses), in the same run, so the ratio compares like with like on a shared machine. Printed:
building the composition (where the tulis hand moves vertices), rendering and writing the PNG
(where cap and tulis add the dye passes), their sum, and each finish's ratio to crisp; and the CPU
seconds of rendering (main process and workers), whose ratio moves less than wall time when other
work shares the machine.
Target: tulis at most 1.5x crisp; memory still bounded by the strip.

Run: ``python -m benchmarks finish`` (``BATIKGEN_BENCH_REPEAT`` runs per finish, default 1).
"""

from __future__ import annotations

import os
import tempfile

from benchmarks.bench_render import _median_case, _workers

TARGET_RATIO = 1.5


def main() -> None:
    """Measure crisp, cap and tulis on the same plan and print the ratios to crisp."""
    repeat = int(os.environ.get("BATIKGEN_BENCH_REPEAT", "1"))
    print(f"finish benchmark: A0 kawung at 300 dpi, {_workers()} workers, median of {repeat} run(s); "
          f"load average {os.getloadavg()[0]:.1f} at start (the machine may be shared)")
    with tempfile.TemporaryDirectory() as outdir:
        figures = {finish: _median_case("A0", "kawung" if finish == "crisp" else f"kawung-{finish}", repeat, outdir)
                   for finish in ("crisp", "cap", "tulis")}
    crisp = figures["crisp"]
    for finish, r in figures.items():
        total, base = r["build_s"] + r["render_s"], crisp["build_s"] + crisp["render_s"]
        print(f"  {finish:5s} build {r['build_s']:.2f} s + render+write {r['render_s']:.2f} s = {total:.2f} s "
              f"({total / base:.2f}x crisp; render alone {r['render_s'] / crisp['render_s']:.2f}x, its cpu "
              f"{r['cpu_s']:.2f} s {r['cpu_s'] / crisp['cpu_s']:.2f}x), peak pss {r['pss_peak_mb']:.0f} MB", flush=True)
    ratio = (figures["tulis"]["build_s"] + figures["tulis"]["render_s"]) / (crisp["build_s"] + crisp["render_s"])
    print(f"tulis / crisp = {ratio:.2f} (target <= {TARGET_RATIO}): {'meets' if ratio <= TARGET_RATIO else 'MISSES'}")


if __name__ == "__main__":
    main()
