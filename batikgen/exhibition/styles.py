"""The render options a manifest may set, their defaults and their checks.

This is the one module of the exhibition package that reaches into the motif, cloth, mapping and
render stages (the names of motifs, palettes, cloths and borders, mapping files, output formats):
when those stages move, only these imports change.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..cloth.formats import BORDER_STYLES, CLOTHS, get_cloth
from ..defaults import DEFAULT_BORDER, DEFAULT_CLOTH, DEFAULT_DPI, DEFAULT_FINISH, DEFAULT_MOTIF, DEFAULT_PALETTE
from ..errors import BatikgenError
from ..mapping.plan import FINISHES
from ..motifs import MOTIFS, PALETTES
from ..render.outputs import DEFAULT_FORMATS, FORMATS, parse_formats

#: The keys of ``[defaults]`` and of a piece's overrides (the options of ``batikgen render``).
STYLE_KEYS = ("motif", "palette", "cloth", "dpi", "formats", "border", "legend", "mapping", "absolute", "finish")

#: What a piece gets for a key that neither it nor ``[defaults]`` sets (``render``'s own defaults).
BUILTIN_DEFAULTS = {
    "motif": DEFAULT_MOTIF,
    "palette": DEFAULT_PALETTE,
    "cloth": DEFAULT_CLOTH,
    "dpi": DEFAULT_DPI,
    "formats": list(DEFAULT_FORMATS),
    "border": DEFAULT_BORDER,
    "legend": False,
    "mapping": None,
    "absolute": False,
    "finish": DEFAULT_FINISH,
}

#: The dpi range ``batikgen render --dpi`` accepts.
DPI_RANGE = (10, 2400)


class StyleProblem(Exception):
    """Raised by a check: the message says what is allowed (the caller adds the piece and key)."""


def _choice(names) -> Callable[[object], str]:
    allowed = sorted(names) if isinstance(names, dict) else list(names)

    def check(value):
        if not isinstance(value, str) or value not in allowed:
            raise StyleProblem(f"allowed values are {', '.join(allowed)}; got {value!r}")
        return value

    return check


def _cloth(value) -> str:
    try:
        get_cloth(value)
    except BatikgenError as exc:
        raise StyleProblem(str(exc).removeprefix("cloth ")) from None
    return value


def _dpi(value) -> int:
    low, high = DPI_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise StyleProblem(f"allowed values are whole numbers from {low} to {high}; got {value!r}")
    return value


def _formats(value) -> list[str]:
    allowed = f"allowed values are {', '.join(FORMATS)} (a list, or a comma-separated string); got {value!r}"
    if not isinstance(value, (str, list)) or (isinstance(value, list) and not all(isinstance(v, str) for v in value)):
        raise StyleProblem(allowed)
    try:
        return list(parse_formats(value))
    except BatikgenError:
        raise StyleProblem(allowed) from None


def _flag(value) -> bool:
    if not isinstance(value, bool):
        raise StyleProblem(f"allowed values are true or false; got {value!r}")
    return value


_CHECKS: dict[str, Callable[[object], object]] = {
    "motif": _choice(MOTIFS),
    "palette": _choice(PALETTES),
    "cloth": _cloth,
    "dpi": _dpi,
    "formats": _formats,
    "border": _choice(BORDER_STYLES),
    "legend": _flag,
    "absolute": _flag,
    "finish": _choice(FINISHES),
}


def check_style(key: str, value, base: Path) -> object:
    """Check one render option from a manifest and return it normalised.

    Parameters
    ----------
    key : str
        One of :data:`STYLE_KEYS`.
    value
        The value as TOML gave it.
    base : pathlib.Path
        The manifest's folder, against which a relative ``mapping`` path is resolved.

    Returns
    -------
    object
        The value to render with: formats as a list in canonical order, mapping as an absolute
        path string.

    Raises
    ------
    StyleProblem
        Saying what is allowed and what was given.
    """
    if key == "mapping":
        if value is None:
            return None
        if not isinstance(value, str) or not value:
            raise StyleProblem(f"allowed values are the path of a mapping TOML file; got {value!r}")
        path = Path(value).expanduser()
        path = path if path.is_absolute() else base / path
        from ..mapping.table import load_mapping  # loads the signal stage's feature names: only when used

        try:
            load_mapping(path)
        except BatikgenError as exc:
            raise StyleProblem(str(exc)) from None
        return str(path.resolve())
    return _CHECKS[key](value)


def style_names() -> dict[str, list[str]]:
    """The names a manifest may use, by key (for documentation and messages)."""
    return {"motif": sorted(MOTIFS), "palette": list(PALETTES), "cloth": list(CLOTHS),
            "border": list(BORDER_STYLES), "formats": list(FORMATS),
            "finish": list(FINISHES)}
