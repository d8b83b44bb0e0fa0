"""How much of the machine a batch uses: parallel pieces, strip workers, time and memory per piece."""

from __future__ import annotations

import os

from ..render.parallel import available_cores

#: Wall time a piece may take before it is killed: a whole kain panjang at 300 dpi takes well under
#: a minute here, so half an hour only stops a piece that is stuck.
DEFAULT_TIMEOUT_S = 1800.0
#: Share of the machine's memory the pieces running at once may use between them.
MEMORY_SHARE = 0.8
#: No piece gets less than this by default (reading and analysing an hour of 64 channels fits).
MIN_MEMORY = 1 << 30
#: The smallest memory limit staff may set: less cannot read a recording.
MIN_MEMORY_LIMIT = 64 << 20



def total_memory() -> int:
    """Physical memory of the machine in bytes (0 if unknown)."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 0


def plan_jobs(jobs: int | None, cores: int | None = None) -> tuple[int, int]:
    """How many pieces run at once, and how many strip workers each draws with.

    N pieces on one core each beat one piece on all cores (measured by ``python -m benchmarks
    batch``: reading, analysis and planning run on one core, so only parallel pieces keep every
    core busy), and never more processes drawing than cores: ``jobs * workers <= cores``.

    Parameters
    ----------
    jobs : int or None
        Pieces at once; default the number of cores.
    cores : int, optional
        Default :func:`available_cores`.

    Returns
    -------
    (int, int)
        Pieces at once and strip workers per piece.
    """
    cores = cores or available_cores()
    jobs = max(1, jobs or cores)
    return jobs, max(1, cores // jobs)


def default_memory(jobs: int) -> int:
    """The memory limit of one piece: a fair share of the machine for ``jobs`` pieces at once."""
    total = total_memory()
    if not total:
        return 4 * MIN_MEMORY
    return max(MIN_MEMORY, int(total * MEMORY_SHARE / max(1, jobs)))
