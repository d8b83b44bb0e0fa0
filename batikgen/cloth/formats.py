"""Cloth formats and their layout: traditional sizes, posters, custom sizes with units, borders.

Sizes are width x length in millimetres; the long axis is vertical and the recording runs from top
to bottom. A cloth's *field* is what the timeline fills: inside the border (pinggiran) and below a
sarong's head panel (kepala).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from .._validate import check_choice
from ..errors import ParameterError
from ..motifs.registry import MOTIFS

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Cloth:
    """A cloth size. The long axis is vertical: the recording runs from top to bottom.

    Attributes
    ----------
    name : str
        A named format (``"kain-panjang"``, ``"A0"``) or the custom size as given (``"60cmx90cm"``).
    width_mm, height_mm : float
        Size.
    description : str
        One line.
    head_fraction : float
        Length of the head panel (kepala) as a fraction of the cloth's length; 0 for none.
    """

    name: str
    width_mm: float
    height_mm: float
    description: str
    head_fraction: float = 0.0

    def to_dict(self) -> dict:
        """Plain-data form for the plan."""
        return {"name": self.name, "width_mm": self.width_mm, "height_mm": self.height_mm}


CLOTHS: dict[str, Cloth] = {
    c.name: c
    for c in [
        Cloth("kain-panjang", 1050.0, 2500.0, "long cloth worn wrapped, about 105 x 250 cm"),
        # The kepala of a sarong takes about a fifth to a quarter of its length.
        Cloth("sarong", 1050.0, 2000.0, "tube cloth, about 105 x 200 cm, with a head panel (kepala) of tumpal",
              head_fraction=0.2),
        Cloth("selendang", 500.0, 2300.0, "shoulder cloth, about 50 x 230 cm"),
        Cloth("iket", 1000.0, 1000.0, "head cloth, about 100 x 100 cm"),
        Cloth("A0", 841.0, 1189.0, "A0 poster, portrait"),
        Cloth("A1", 594.0, 841.0, "A1 poster, portrait"),
        Cloth("A2", 420.0, 594.0, "A2 poster, portrait"),
        Cloth("A3", 297.0, 420.0, "A3 poster, portrait"),
        Cloth("A4", 210.0, 297.0, "A4 poster, portrait"),
    ]
}

#: Millimetres per unit of a custom size.
UNITS = {"mm": 1.0, "cm": 10.0, "m": 1000.0, "in": 25.4}
#: Smallest and largest side of a custom cloth, in mm.
SIDE_RANGE_MM = (50.0, 10000.0)
#: Border (pinggiran) styles.
BORDER_STYLES = ("none", "line", "motif")
#: Family drawn in a head panel; until it is registered the cloth's own motif stands in.
HEAD_PANEL_FAMILY = "tumpal"

_NUMBER = r"(\d+(?:\.\d*)?|\.\d+)"
_SIZE = re.compile(rf"^{_NUMBER}\s*([a-z]+)?\s*[x×]\s*{_NUMBER}\s*([a-z]+)$")
_EXAMPLES = "60cmx90cm, 24inx36in, 600mmx900mm, 1.2mx2m"


def _key(name: str) -> str:
    return re.sub(r"[\s_]+", "-", name.strip().lower())


def get_cloth(spec: str) -> Cloth:
    """The cloth named ``spec`` (case and ``_``/space insensitive) or a custom ``WIDTHxLENGTH`` size.

    Parameters
    ----------
    spec : str
        ``"kain-panjang"``, ``"sarong"``, ``"selendang"``, ``"iket"``, ``"A0"`` ... ``"A4"``, or a size
        with units (mm, cm, m, in) such as ``"60cmx90cm"``, ``"24inx36in"``, ``"60x90cm"``.

    Returns
    -------
    Cloth

    Raises
    ------
    ParameterError
        Listing the names and example sizes, or the allowed range of a side.
    """
    if not isinstance(spec, str):
        raise ParameterError(f"cloth must be a name or a size such as {_EXAMPLES}; got {spec!r}")
    by_key = {_key(name): cloth for name, cloth in CLOTHS.items()}
    if _key(spec) in by_key:
        return by_key[_key(spec)]
    match = _SIZE.match(spec.strip().lower())
    if not match:
        raise ParameterError(f"cloth must be one of {', '.join(CLOTHS)} or a size WIDTHxLENGTH with units "
                             f"(mm, cm, m, in) such as {_EXAMPLES}; got {spec!r}")
    width, unit_w, length, unit_l = match.groups()
    unit_w = unit_w or unit_l
    for unit in (unit_w, unit_l):
        check_choice(f"unit of cloth size {spec!r}", unit, UNITS)
    sides = float(width) * UNITS[unit_w], float(length) * UNITS[unit_l]
    low, high = SIDE_RANGE_MM
    for side in sides:
        if not low <= side <= high:
            raise ParameterError(f"cloth {spec!r}: each side must be between {low / 10:g} cm and "
                                 f"{high / 1000:g} m, got {side / 10:g} cm")
    return Cloth(spec.strip().lower(), sides[0], sides[1], f"custom size {sides[0]:g} x {sides[1]:g} mm")


def border_width_mm(cloth: Cloth) -> float:
    """Width of the pinggiran band: 3.5 % of the shorter side, between 6 and 45 mm."""
    return round(float(min(45.0, max(6.0, 0.035 * min(cloth.width_mm, cloth.height_mm)))), 6)


def cloth_layout(cloth: Cloth, border: str = "line", motif: str | None = None, legend: bool = False) -> dict:
    """Where the border, head panel and field sit on ``cloth``, as plain data (mm).

    Parameters
    ----------
    cloth : Cloth
        The cloth.
    border : {"none", "line", "motif"}
        No border; a band with two lines; the lines with a row of small motif cells between them.
    motif : str, optional
        The cloth's motif: drawn in a motif border, and in a head panel when no ``tumpal``
        family is registered.
    legend : bool
        A legend strip will stand beside the cloth: keep a plain margin of the border's width
        even without a border, for the legend's labels above and below its columns.

    Returns
    -------
    dict
        ``{"field": [x0, y0, x1, y1], "border": {"style", "width_mm", "family"},
        "head_panel": None | {"rect": [x0, y0, x1, y1], "family", "params", "columns", "cell_mm"}}``.
    """
    check_choice("border", border, BORDER_STYLES)
    band = 0.0 if border == "none" and not legend else border_width_mm(cloth)
    x0, y0, x1, y1 = band, band, cloth.width_mm - band, cloth.height_mm - band
    head = None
    if cloth.head_fraction > 0:
        family_name = HEAD_PANEL_FAMILY if HEAD_PANEL_FAMILY in MOTIFS or motif is None else motif
        if family_name != HEAD_PANEL_FAMILY:
            log.info("no %s family registered: the head panel uses %s", HEAD_PANEL_FAMILY, family_name)
        family = MOTIFS[check_choice("head panel motif", family_name, MOTIFS)]
        height = cloth.head_fraction * cloth.height_mm
        # Two rows of cells facing each other across the panel's middle, as tumpal rows do: the
        # top row is drawn (hanging from the panel's top edge, for a family with a ``flip``
        # parameter) and mirrored into the bottom half, so the triangles' tips meet in the middle.
        params = family.defaults()
        if "flip" in params:
            params["flip"] = 1.0
        columns = max(1, int(round((x1 - x0) / (height / 2))))
        head = {"rect": [x0, y0, x1, y0 + height], "family": family.name, "params": family.validate(params),
                "columns": columns, "cell_mm": (x1 - x0) / columns}
        y0 += height
    return {"field": [x0, y0, x1, y1],
            "border": {"style": border, "width_mm": band if border != "none" else 0.0,
                       "family": motif if border == "motif" else None},
            "head_panel": head}
