"""What reading a risky format in a child process costs the command line (issue 13).

EEGLAB files are read, checked and analysed in a forked child when isolation is on (so a crash in
scipy's MAT reader is one line, not a dead process). Compared here on the real EEGLAB tutorial
recording (32 channels, 238 s), median of 5 runs each, in this process: the same call with
isolation off and on, and a bare fork + exit as the floor of the overhead.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

from batikgen.signal.analyse import features_from_path
from batikgen.signal.isolation import isolate_risky_readers

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "eeg"
RECORDING = SHARED / "eeglab" / "eeglab_data.set"


def _median_s(func, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _fork_and_exit() -> None:
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)


def main() -> None:
    if not RECORDING.exists():
        print(f"skipped: {RECORDING} not found")
        return
    features_from_path(RECORDING)  # warm caches and imports
    isolate_risky_readers(False)
    direct = _median_s(lambda: features_from_path(RECORDING))
    isolate_risky_readers(True)
    isolated = _median_s(lambda: features_from_path(RECORDING))
    isolate_risky_readers(False)
    fork = _median_s(_fork_and_exit, 20)
    print(f"features of {RECORDING.name}: in process {direct:.3f} s, in a child {isolated:.3f} s "
          f"(ratio {isolated / direct:.2f}, +{(isolated - direct) * 1000:.0f} ms); a bare fork+exit {fork * 1000:.1f} ms")
