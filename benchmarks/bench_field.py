"""Whole-process features of long recordings against their floors: the goals of issue 13.

- The 60-minute 64-channel recording (benchmarks/bench_features.py simulates it; saved here as a
  float32 FIF): ``features_from_path`` from file to features (reading, content hash, checks,
  filtering, band power) at most 2.5x the time of a bare ``scipy.signal.spectrogram`` of the same
  float64 array, and a peak resident set above the process's resident set before the call at most
  2.5x the samples as float64.
- Ten hours of one channel at 5 kHz as an EDF (360 MB of int16, 1.44 GB as float64): peak resident
  set of the whole process under 1.5 GB. It is over 256 MiB as float64 at a rate of 2 kHz or more,
  so it is read a chunk at a time and analysed at 1 kHz (batikgen/signal/reduction.py).

Each measurement runs in a fresh process (peak resident set from VmHWM); the ratios are printed.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.bench_features import SFREQ, STEP_S, WINDOW_S, simulate

HOURS_LONG, SFREQ_LONG = 10, 5000

_CHILD = r"""
import gc, sys, time
from pathlib import Path
import numpy as np
from scipy import signal as sps

def rss_mb():
    with open("/proc/self/status") as h:
        return {k: int(v.split()[0]) / 1e3 for k, v in (l.split(":", 1) for l in h) if k in ("VmRSS", "VmHWM")}

from batikgen.signal.analyse import features_from_path
import mne
path, mode = Path(sys.argv[1]), sys.argv[2]
if mode == "floor":
    data = mne.io.read_raw(path, preload=True, verbose="error").get_data()
    n_window, n_step = int(4.0 * 256), int(2.0 * 256)
    start = time.perf_counter()
    sps.spectrogram(data, fs=256.0, window="hann", nperseg=n_window, noverlap=n_window - n_step, detrend="constant")
    print(time.perf_counter() - start, data.nbytes)
else:
    gc.collect()
    before = rss_mb()["VmRSS"]
    start = time.perf_counter()
    features = features_from_path(path)
    took = time.perf_counter() - start
    rate = features.source.get("analysis_sfreq_hz", features.source["sfreq_hz"])
    print(took, before, rss_mb()["VmHWM"], features.n_windows, rate)
"""


def _child(path: Path, mode: str) -> list[float]:
    out = subprocess.run([sys.executable, "-c", _CHILD, str(path), mode], capture_output=True, text=True, check=True)
    return [float(x) for x in out.stdout.split()]


def write_long_edf(path: Path, hours: float = HOURS_LONG, sfreq: int = SFREQ_LONG, seed: int = 10) -> Path:
    """One EEG channel (Cz) of ``hours`` at ``sfreq`` Hz as EDF, 1 s records, written a minute at a time."""
    records = int(hours * 3600)
    header = (b"0".ljust(8) + b"X X X X".ljust(80) + b"Startdate X X X X".ljust(80) + b"01.01.20" + b"00.00.00"
              + b"512".ljust(8) + b"".ljust(44) + str(records).encode().ljust(8) + b"1".ljust(8) + b"1".ljust(4))
    header += (b"Cz".ljust(16) + b"".ljust(80) + b"uV".ljust(8) + b"-500".ljust(8) + b"500".ljust(8)
               + b"-32768".ljust(8) + b"32767".ljust(8) + b"".ljust(80) + str(sfreq).encode().ljust(8) + b"".ljust(32))
    rng = np.random.default_rng(seed)
    scale = 32767 / 500
    with open(path, "wb") as handle:
        handle.write(header)
        for minute in range(0, records, 60):
            n = min(60, records - minute) * sfreq
            t = (minute * sfreq + np.arange(n)) / sfreq
            uv = 20 * np.sin(2 * np.pi * 10 * t) + 10 * rng.standard_normal(n)
            handle.write(np.clip(np.rint(uv * scale), -32768, 32767).astype("<i2").tobytes())
    return path


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        hour = Path(folder) / "hour_raw.fif"
        raw = simulate()
        raw.save(hour, fmt="single", verbose="error")
        del raw
        floor_s, samples_bytes = _child(hour, "floor")
        took, before, peak, windows, _ = _child(hour, "features")
        print(f"60 min x 64 ch at {SFREQ:g} Hz ({samples_bytes / 1e6:.0f} MB as float64), {int(windows)} windows of "
              f"{WINDOW_S:g} s every {STEP_S:g} s")
        print(f"  features_from_path {took:.2f} s, spectrogram floor {floor_s:.2f} s: ratio {took / floor_s:.2f}x "
              f"(goal 2.5x)")
        print(f"  peak RSS {peak:.0f} MB, {before:.0f} MB before the call: {(peak - before):.0f} MB = "
              f"{(peak - before) * 1e6 / samples_bytes:.2f}x the float64 samples (goal 2.5x)")

        long = write_long_edf(Path(folder) / "ten_hours.edf")
        started = time.perf_counter()
        took, before, peak, windows, rate = _child(long, "features")
        samples_mb = 8 * HOURS_LONG * 3600 * SFREQ_LONG / 1e6
        print(f"{HOURS_LONG} h x 1 ch at {SFREQ_LONG} Hz (EDF {long.stat().st_size / 1e6:.0f} MB, "
              f"{samples_mb:.0f} MB as float64), analysed at {rate:g} Hz, {int(windows)} windows: features "
              f"{took:.1f} s ({time.perf_counter() - started:.1f} s with start-up)")
        print(f"  peak RSS of the whole process {peak:.0f} MB = {peak / 1500:.2f}x the goal of 1500 MB, "
              f"{peak / samples_mb:.2f}x the float64 samples")


if __name__ == "__main__":
    main()
