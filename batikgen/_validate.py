"""Shared checks whose messages name the parameter, what is allowed and what was given.

One wording throughout: ``<name> must be <what is allowed>; got <the value>``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from .errors import ParameterError


def check_in_range(name: str, value: float, low: float, high: float, unit: str = "") -> float:
    """Return ``value`` as a float if ``low <= value <= high``, else raise ParameterError.

    Parameters
    ----------
    name : str
        The parameter's name as the user knows it.
    value : float
        The value given.
    low, high : float
        Inclusive bounds.
    unit : str, optional
        Unit shown after the numbers in the message.

    Returns
    -------
    float
    """
    suffix = f" {unit}" if unit else ""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be a number in [{low:g}, {high:g}]{suffix}; got {value!r}") from None
    if not math.isfinite(number) or not low <= number <= high:
        raise ParameterError(f"{name} must be in [{low:g}, {high:g}]{suffix}; got {value!r}")
    return number


def check_positive(name: str, value: float, unit: str = "") -> float:
    """Return ``value`` as a float if it is finite and > 0, else raise ParameterError."""
    suffix = f" {unit}" if unit else ""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be a positive number{suffix}; got {value!r}") from None
    if not math.isfinite(number) or number <= 0:
        raise ParameterError(f"{name} must be a positive number{suffix}; got {value!r}")
    return number


def check_choice(name: str, value: str, allowed: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``allowed``, else raise ParameterError listing them."""
    options = list(allowed)
    if value not in options:
        raise ParameterError(f"{name} must be one of {', '.join(options)}; got {value!r}")
    return value


#: The longest piece name: file systems allow 255 bytes, and suffixes like ``-mega-mendung.metadata.json`` follow.
MAX_PIECE_NAME = 100


def check_piece_name(name: str) -> str:
    """Return ``name`` if it can name a piece's files on every system, else raise ParameterError.

    Allowed: 1 to :data:`MAX_PIECE_NAME` characters, no path separator, no control character, not
    starting with a dot or a space (hidden or confusing files), not ending in a dot or a space.
    """
    problem = (
        "is empty" if not name
        else f"is longer than {MAX_PIECE_NAME} characters" if len(name) > MAX_PIECE_NAME
        else "contains a path separator" if "/" in name or "\\" in name
        else "contains a control character" if any(ord(c) < 32 or ord(c) == 127 for c in name)
        else "starts with a dot or a space" if name[0] in ". "
        else "ends with a dot or a space" if name[-1] in ". "
        else None
    )
    if problem:
        raise ParameterError(f"name {problem}: a piece's name is one file name without folders; got {name!r}")
    return name


#: Size units, the way disks and memory are sold: kB, MB, GB, TB are powers of 1000; KiB, MiB,
#: GiB, TiB and the bare letters K, M, G, T (as ``ulimit``, ``sort -S`` and Docker read them) are
#: powers of 1024.
SIZE_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
              "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40,
              "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*")


def parse_size(name: str, text: str | int, minimum: int = 1) -> int:
    """Bytes in a size staff type: ``500MB``, ``1.5GB``, ``512MiB``, ``4G`` or ``2000000000``.

    Parameters
    ----------
    name : str
        The setting's name, for the message.
    text : str or int
        The size; units as in :data:`SIZE_UNITS` (MB = 10**6 bytes, MiB and M = 2**20 bytes).
    minimum : int, optional
        The smallest size allowed, in bytes.

    Returns
    -------
    int
        Bytes.

    Raises
    ------
    ParameterError
        If ``text`` is not a size, or is below ``minimum``.
    """
    if isinstance(text, int) and not isinstance(text, bool):
        size = text
    else:
        match = _SIZE.fullmatch(str(text))
        if not match or match.group(2).lower() not in SIZE_UNITS:
            raise ParameterError(f"{name} must be a size such as 500MB, 4G or 512MiB; got {text!r}")
        size = int(float(match.group(1)) * SIZE_UNITS[match.group(2).lower()])
    if size < minimum:
        raise ParameterError(f"{name} must be at least {format_size(minimum)}; got {text!r}")
    return size


def format_size(size: int) -> str:
    """``4.0GiB`` style, a unit :func:`parse_size` reads back."""
    for unit, factor in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= factor:
            return f"{size / factor:.1f}{unit}"
    return f"{size} bytes"
