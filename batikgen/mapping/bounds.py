"""Bounds on everything a mapping file can hold, checked before the schema is applied.

A mapping file is user input like a recording: 5,000 nested arrays overflow the TOML parser's
recursion, a 1 MB ``why`` string travels into every plan and legend, references of +-1.7e308 make
the range's width infinite. The schema (mapping.py) says what each key means; this module says how
big anything may be, so every value the schema accepts is also one the pipeline can carry. The
checks return problems as (key, message) rather than raising, so mapping.py names its own error.
"""

from __future__ import annotations

import math

try:  # Python 3.11+
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from ..errors import MappingError

#: A mapping table is a page of text: the default is 8 kB.
MAX_FILE_BYTES = 256 * 1024
#: Arrays and tables inside each other: the schema needs 3 ([motif.family.trait]).
MAX_DEPTH = 8
#: Any one string (a name, a description, a ``why``) and any one array.
MAX_TEXT_CHARS = 2000
MAX_ITEMS = 500
#: Any number in the file; the schema's own bounds are tighter where it has them.
MAX_MAGNITUDE = 1e12
#: Reference ranges by feature kind, in the unit of the feature (docs/mapping.md): relative power
#: is a fraction, absolute power is in µV² (the log scale needs it positive), indices are ratios
#: or log differences.
REFERENCE_LIMITS = {"relative": (0.0, 1.0), "absolute": (1e-6, 1e9), "index": (-1e3, 1e3)}
#: The version number of a table.
MAX_VERSION = 1_000_000


def read_toml(raw: bytes, source: str) -> dict:
    """Parse a mapping file's bytes as TOML within :data:`MAX_FILE_BYTES` and :data:`MAX_DEPTH`.

    Raises
    ------
    UnicodeDecodeError, tomllib.TOMLDecodeError
        As the decoder and parser raise them.
    MappingError
        If the file is too large or nested too deeply to be a mapping table, naming ``source``.
    """
    if len(raw) > MAX_FILE_BYTES:
        raise MappingError(f"mapping {source}: the file is {len(raw):,} bytes; a mapping table is at most "
                           f"{MAX_FILE_BYTES:,}")
    text = raw.decode("utf-8")
    try:
        return tomllib.loads(text)
    except RecursionError:  # the parser recurses once per nested array or inline table
        raise MappingError(f"mapping {source}: arrays or tables are nested too deeply "
                           f"(at most {MAX_DEPTH} levels)") from None


def bounds_problem(data: dict) -> tuple[str, str] | None:
    """The first value of a parsed mapping table that is out of bounds, as (key, message), or None.

    Checks the depth of nesting, the length of every string and array, the size of every number,
    the version, and that each reference range lies within :data:`REFERENCE_LIMITS`.
    """
    found = _walk(data, "", 0)
    if found:
        return found
    version = data.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > MAX_VERSION:
        return "version", f"must be at most {MAX_VERSION:,}, got {version}"
    reference = data.get("reference")
    if isinstance(reference, dict):
        for feature, pair in reference.items():
            limits = REFERENCE_LIMITS.get(str(feature).partition(".")[0])
            numbers = isinstance(pair, list) and all(_is_number(v) for v in pair)
            if limits and numbers and any(not limits[0] <= v <= limits[1] for v in pair):
                return (f'reference."{feature}"',
                        f"must lie within [{limits[0]:g}, {limits[1]:g}] for a {feature.partition('.')[0]} "
                        f"feature, got {pair}")
    return None


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _walk(value, key: str, depth: int) -> tuple[str, str] | None:
    where = key or "the table"
    if depth > MAX_DEPTH:
        return where, f"arrays or tables are nested too deeply (at most {MAX_DEPTH} levels)"
    if isinstance(value, str):
        if len(value) > MAX_TEXT_CHARS:
            return where, f"text of {len(value):,} characters; at most {MAX_TEXT_CHARS:,}"
        return None
    if _is_number(value):
        if isinstance(value, float) and not math.isfinite(value):
            return where, f"must be a finite number, got {value!r}"
        if abs(value) > MAX_MAGNITUDE:
            return where, f"must be at most {MAX_MAGNITUDE:g} in size, got {value:g}"
        return None
    if isinstance(value, dict):
        if len(value) > MAX_ITEMS:
            return where, f"{len(value):,} keys; at most {MAX_ITEMS:,}"
        for name, item in value.items():
            if len(name) > MAX_TEXT_CHARS:
                return where, f"a key of {len(name):,} characters; at most {MAX_TEXT_CHARS:,}"
            label = f'"{name}"' if "." in name else name  # as TOML writes such a key
            found = _walk(item, f"{key}.{label}" if key else label, depth + 1)
            if found:
                return found
        return None
    if isinstance(value, list):
        if len(value) > MAX_ITEMS:
            return where, f"an array of {len(value):,} items; at most {MAX_ITEMS:,}"
        for index, item in enumerate(value):
            found = _walk(item, f"{where}[{index}]", depth + 1)
            if found:
                return found
    return None
