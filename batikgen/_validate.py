"""Shared checks whose messages name the parameter, what is allowed and what was given.

One wording throughout: ``<name> must be <what is allowed>; got <the value>``.
"""

from __future__ import annotations

import math
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
