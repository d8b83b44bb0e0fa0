"""One boundary around reading and checking a file: whatever goes wrong becomes one line about it.

Once a file is open, damaged bytes can make MNE, numpy or scipy raise anything (``KeyError`` from
channel typing, ``ValueError`` from picks, ``IndexError``, ``struct.error``, ``OverflowError``...)
and warn about overflow on the way. Inside :func:`stage` numpy's floating-point warnings are off
(the checks that follow refuse the non-finite values by name, which the user can act on) and every
exception that is not already a :class:`~batikgen.errors.BatikgenError` becomes a
:class:`~batikgen.errors.RecordingError` naming the file and what was being done.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from ..errors import BatikgenError, RecordingError

#: Library phrases about arrays, said in a recording's terms (they come from reading fewer bytes
#: than a header promised).
_IN_OUR_TERMS = ((re.compile(r"cannot reshape array of size \d+ into shape"),
                  "the file holds fewer samples than its header says: it was cut short or is damaged"),)


#: A sentence of a library's advice about its own API (MNE's "Pass overrides=... to
#: read_raw_brainvision", "please use mne.io.read_raw_ant instead"): never shown to batikgen's user.
_API_ADVICE = re.compile(r"\bmne\.\w|\bread_(raw|epochs)_\w+|overrides=|preload=|please report|usecols|"
                         r"MNE-Python developers|consider passing|picks explicitly|please use|h5py", re.I)

_ADVICE_CLAUSE = re.compile(r",\s*(consider|please|try)\b[^.;]*", re.I)


def _plain_lines(text: str) -> list[str]:
    """The lines of a message that are not a traceback quoted in it, nor a library's API advice."""
    lines = []
    for line in text.splitlines():
        if not line.strip() or line[:1].isspace() or line.lstrip().startswith(("Traceback", 'File "', "^")):
            continue  # a traceback some libraries put inside their message
        line = _ADVICE_CLAUSE.sub("", line.strip())  # "..., consider passing picks explicitly"
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", line) if not _API_ADVICE.search(s)]
        if sentences:
            lines.append(" ".join(sentences))
    return lines


def describe(exc: BaseException) -> str:
    """An exception in a few words: its first plain line, or its type when it has none.

    Tracebacks quoted inside a message and sentences of a library's API advice are left out.
    """
    lines = _plain_lines(str(exc))
    first = lines[0] if lines else ""
    for phrase, words in _IN_OUR_TERMS:
        if phrase.search(first):
            return words
    if isinstance(exc, KeyError) or not first:  # KeyError('x') reads as just 'x'
        return f"{type(exc).__name__} {first}".strip()
    return first[:300]


@contextmanager
def stage(path: str | os.PathLike, doing: str, damaged: bool = True) -> Iterator[None]:
    """Run a step of reading or checking ``path``; turn a surprise into a one-line RecordingError.

    Parameters
    ----------
    path : path-like
        The file being read, named in the message.
    doing : str
        What the step does, as words after "while" (e.g. ``"reading it as EDF"``).
    damaged : bool
        Say the file looks damaged (steps on what was read); False for computations on samples
        already checked, where a surprise is not the file's fault.

    Raises
    ------
    RecordingError
        For any exception other than a BatikgenError (passed on unchanged), KeyboardInterrupt or
        SystemExit (never caught). A MemoryError says that the file needs more memory than there is.
    """
    try:
        with np.errstate(all="ignore"):
            yield
    except BatikgenError:
        raise
    except MemoryError:
        raise RecordingError(f"{path}: not enough memory while {doing}") from None
    except Exception as exc:
        blame = ": the file looks damaged" if damaged else ""
        raise RecordingError(f"{path}: failed while {doing}{blame} ({describe(exc)})") from exc
