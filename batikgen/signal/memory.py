"""Will a recording fit in memory? Asked from its header, before its samples are read.

A 2 GB EDF becomes 8 GB of float64 samples when read, and the analysis needs a few copies of
blocks of it on top; on a machine without that much, the process would swap for minutes and die
with a MemoryError traceback. Every reader asks :func:`check_fits` before the samples are read and
refuses such a recording with its size and the limit: MNE's readers (and CNT's) from the header of
a file opened without its samples, the text readers from the file's size and its first lines, XDF
from its stream header and the file's size. A long recording at a high rate is not loaded at all:
it is read a chunk at a time and reduced to an analysis rate (:mod:`batikgen.signal.reduction`),
and checked for the reduced samples it will hold.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import RecordingError

#: Peak memory of reading and analysing a recording, in multiples of its samples as float64:
#: the samples themselves, the analysis's one filtered copy, and blocks of spectra and windows
#: (benchmarks/bench_features.py measures it).
ANALYSIS_FACTOR = 2.5


def available_bytes() -> int | None:
    """Memory this process can still use: the system's available memory, capped by a cgroup limit.

    Returns
    -------
    int or None
        Bytes, or None where it cannot be told (not Linux).
    """
    available = None
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    available = int(line.split()[1]) * 1024
                    break
    except OSError:
        return None
    for limit_file, usage_file in (("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
                                   ("/sys/fs/cgroup/memory/memory.limit_in_bytes",
                                    "/sys/fs/cgroup/memory/memory.usage_in_bytes")):
        try:
            limit = Path(limit_file).read_text().strip()
            usage = int(Path(usage_file).read_text().strip())
        except (OSError, ValueError):
            continue
        if limit.isdigit() and int(limit) < 1 << 60:
            left = max(int(limit) - usage, 0)
            available = left if available is None else min(available, left)
        break
    return available


def check_fits(path: Path | str, n_channels: int, n_samples: int, limit: int | None = None,
               analysed_at_hz: float | None = None) -> None:
    """Refuse a recording whose analysis would not fit in memory, before its samples are read.

    Parameters
    ----------
    path : path-like or str
        Named in the message.
    n_channels, n_samples : int
        The recording's size, from its header.
    limit : int, optional
        Bytes that may be used; default :func:`available_bytes` (no check when unknown), or the
        environment variable ``BATIKGEN_MEMORY_LIMIT_MB`` when set.
    analysed_at_hz : float, optional
        For a recording analysed at a reduced rate (see :mod:`~batikgen.signal.reduction`):
        ``n_samples`` are the reduced samples, and the message says so.

    Raises
    ------
    RecordingError
        Giving the recording's size, the memory it needs and the limit.
    """
    if limit is None:
        configured = os.environ.get("BATIKGEN_MEMORY_LIMIT_MB", "").strip()
        limit = int(float(configured) * 1e6) if configured else available_bytes()
    if limit is None:
        return
    samples_bytes = 8 * int(n_channels) * int(n_samples)
    need = int(ANALYSIS_FACTOR * samples_bytes)
    if need > limit:
        at = "" if analysed_at_hz is None else f" (reduced to {analysed_at_hz:g} Hz for the analysis)"
        raise RecordingError(
            f"{path}: {n_channels} channels x {n_samples:,} samples{at} are {samples_bytes / 1e9:.2f} GB as float64 and "
            f"need about {need / 1e9:.2f} GB to analyse, more than the {limit / 1e9:.2f} GB of memory available; "
            f"split the recording into shorter files or keep fewer channels"
        )
