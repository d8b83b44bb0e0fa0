"""Features of an hour of 64-channel EEG at 256 Hz, against a bare scipy spectrogram of the same array.

Budget (issue 3): preprocessing plus band power at most 4x the time of
``scipy.signal.spectrogram`` with the same window and step on the same array, measured in this run,
and peak memory at most 2.5x the size of the samples as float64.

Memory is measured with tracemalloc, which sees every numpy array allocation (numpy reports its
data buffers to it): the figure is the peak of memory allocated *during* the call, above what was
held before it (the recording itself). A fresh subprocess cross-checks it with the peak resident set
(VmHWM) minus the resident set just before the call. Time is measured without tracemalloc running. Reading a file
(a FIF of the same recording) and the plausibility check are timed separately.
"""

from __future__ import annotations

import gc
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import mne
import numpy as np
from scipy import signal as sps

from batikgen.signal.features import compute_band_features
from batikgen.signal.plausibility import check_plausible
from batikgen.signal.readers import read_recording
from batikgen.signal.recording import Recording
from batikgen.signal.simulate import pink_noise

SFREQ = 256.0
MINUTES = 60
N_CHANNELS = 64
WINDOW_S, STEP_S = 4.0, 2.0


def simulate(seed: int = 60) -> mne.io.RawArray:
    """An hour of 64 channels: 1/f background, 10 Hz alpha, 50 Hz mains, built a block at a time."""
    rng = np.random.default_rng(seed)
    n = int(MINUTES * 60 * SFREQ)
    builtin = mne.channels.get_builtin_montages()
    montage = "colin27_1005" if "colin27_1005" in builtin else "standard_1005"  # renamed in MNE 1.13
    names = mne.channels.make_standard_montage(montage).ch_names[:N_CHANNELS]
    data = np.empty((N_CHANNELS, n))
    t = np.arange(n) / SFREQ
    alpha = np.sin(2 * np.pi * 10 * t)
    for start in range(0, N_CHANNELS, 8):
        block = slice(start, start + 8)
        data[block] = 10e-6 * pink_noise(rng, 8, n)
        data[block] += 5e-6 * alpha + 1e-6 * np.sin(2 * np.pi * 50 * t)
    return mne.io.RawArray(data, mne.create_info(names, SFREQ, "eeg"), verbose="error")


def _timed(func, repeats: int = 1):
    best = float("inf")
    result = None
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def _peak_bytes(func) -> int:
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    result = func()
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    del result
    return peak


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * resource.getpagesize() / 1e6


def _peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM). Not ru_maxrss: Linux carries that over from the
    parent through fork and exec, so a child of a big parent would report the parent's peak."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1e3
    raise RuntimeError("no VmHWM in /proc/self/status")


def rss_child() -> None:
    """Run in a fresh process: resident memory before the call and the process's peak after it."""
    raw = simulate()
    recording = Recording(raw=raw, source=Path("sim.fif"), format="simulated", file_sha256="-", content_hash="-")
    gc.collect()
    before = _rss_mb()
    compute_band_features(recording, window_s=WINDOW_S, step_s=STEP_S)
    peak = _peak_rss_mb()
    print(f"{before:.1f} {peak:.1f}")


def _in_memory(raw: mne.io.RawArray) -> None:
    """Time and memory of the features against the bare spectrogram, on the recording in memory."""
    size = raw._data.nbytes
    recording = Recording(raw=raw, source=Path("simulated-60min.fif"), format="simulated", file_sha256="-",
                          content_hash="-")
    n_window, n_step = int(WINDOW_S * SFREQ), int(STEP_S * SFREQ)
    print(f"recording: {N_CHANNELS} channels x {raw.n_times} samples at {SFREQ:g} Hz "
          f"({MINUTES} min), {size / 1e6:.0f} MB as float64")

    def baseline():
        return sps.spectrogram(raw._data, fs=SFREQ, window="hann", nperseg=n_window,
                               noverlap=n_window - n_step, detrend="constant")

    def ours():
        return compute_band_features(recording, window_s=WINDOW_S, step_s=STEP_S)

    t_base, _ = _timed(baseline)
    t_ours, features = _timed(ours)
    print(f"scipy.signal.spectrogram (baseline): {t_base:7.2f} s")
    print(f"compute_band_features:               {t_ours:7.2f} s   ratio {t_ours / t_base:.2f}x (budget 4x)")
    print(f"  windows {features.n_windows}, line frequency found {features.params['line_freq']}, "
          f"bad channels {len(features.params['bad_channels'])}")

    # Where the time goes: MNE's default FIR band-pass on 8 channels, scaled to 64, for comparison.
    t_fir, _ = _timed(lambda: mne.filter.filter_data(raw._data[:8], SFREQ, 1.0, 45.0, verbose="error"))
    print(f"MNE FIR band-pass alone (8 ch x 8):  {8 * t_fir:7.2f} s   ratio {8 * t_fir / t_base:.2f}x "
          f"(for comparison)")

    m_base = _peak_bytes(baseline)
    m_ours = _peak_bytes(ours)
    print(f"peak memory above the recording, baseline spectrogram: {m_base / 1e6:7.0f} MB "
          f"({m_base / size:.2f}x the samples)")
    print(f"peak memory above the recording, compute_band_features: {m_ours / 1e6:6.0f} MB "
          f"({m_ours / size:.2f}x the samples; budget 2.5x)")

    # Cross-check in a fresh process: peak resident memory (VmHWM) minus the resident memory just
    # before the call. An upper bound: it also counts the allocator's slack and any earlier peak.
    child = subprocess.run([sys.executable, "-c", "from benchmarks.bench_features import rss_child; rss_child()"],
                           capture_output=True, text=True, check=True)
    before, peak = map(float, child.stdout.split()[-2:])
    print(f"cross-check, fresh process: peak RSS {peak:.0f} MB - RSS before the call {before:.0f} MB = "
          f"{peak - before:.0f} MB ({(peak - before) * 1e6 / size:.2f}x the samples)")



def main() -> None:
    """Measure and print figures and ratios."""
    raw = simulate()
    _in_memory(raw)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "hour_raw.fif"
        raw.save(path, fmt="single", verbose="error")
        del raw  # reading is timed without the simulated copy around
        gc.collect()
        t_read, loaded = _timed(lambda: read_recording(path))
        t_check, _ = _timed(lambda: check_plausible(loaded))
        print(f"reading the FIF (float32, {path.stat().st_size / 1e6:.0f} MB) incl. content hash: {t_read:6.2f} s")
        print(f"plausibility check (1 Hz high-pass SDs):                     {t_check:6.2f} s")


if __name__ == "__main__":
    main()
