"""The registry of motif families and their declared parameters."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .._validate import check_choice, check_in_range


@dataclass(frozen=True)
class Parameter:
    """A motif parameter an artist or the mapping can set.

    Attributes
    ----------
    name : str
        Identifier.
    low, high : float
        Inclusive bounds.
    default : float
        Value when nothing sets it.
    unit : str
        ``"mm"``, ``"count"``, ``"fraction"`` ...
    doc : str
        What it does, in one line.
    integer : bool
        Whether the value is rounded to a whole number.
    """

    name: str
    low: float
    high: float
    default: float
    unit: str
    doc: str
    integer: bool = False


@dataclass(frozen=True)
class MotifFamily:
    """One motif family: its declared parameters and how to draw one row of cells.

    Attributes
    ----------
    name : str
        Identifier used on the command line.
    description : str
        One line for listings.
    parameters : tuple of Parameter
        What can vary.
    draw_row : callable
        ``draw_row(y0, cell_mm, n_columns, params, seeds) -> dict[layer name, list of geometries]``
        draws one row of cells, ``cell_mm`` tall, whose top edge is at ``y0`` mm, across
        ``n_columns * cell_mm``; ``seeds`` (a SeedTree for this row) is the only source of randomness.
    layer_roles : tuple of (str, str)
        Layer names in paint order with the palette role that colours each.
    repeat : callable, optional
        ``repeat(cell_mm, params) -> (width_mm, height_mm)``: the size of the seamless repeat tile
        (raport) that ``draw_row`` produces; by default one square cell.
    periodic : bool, optional
        False for a family with no repeat tile at all, whose cells are chosen afresh (tambal's
        patchwork): seam checks skip it and previews draw it directly instead of tiling it.
    """

    name: str
    description: str
    parameters: tuple[Parameter, ...]
    draw_row: Callable
    layer_roles: tuple[tuple[str, str], ...]
    repeat: Callable[[float, dict], tuple[float, float]] = lambda cell_mm, params: (cell_mm, cell_mm)
    periodic: bool = True

    def defaults(self) -> dict[str, float]:
        """Every parameter at its default value."""
        return {p.name: p.default for p in self.parameters}

    def validate(self, params: Mapping[str, float]) -> dict[str, float]:
        """Complete ``params`` with defaults and check each against its bounds.

        Raises
        ------
        ParameterError
            Naming the parameter, its bounds and the value, or the unknown name.
        """
        known = {p.name: p for p in self.parameters}
        for name in params:
            check_choice(f"{self.name} parameter", name, known)
        out = {}
        for spec in self.parameters:
            value = check_in_range(f"{self.name}.{spec.name}", params.get(spec.name, spec.default),
                                   spec.low, spec.high, spec.unit if spec.unit not in ("count", "fraction") else "")
            out[spec.name] = float(round(value)) if spec.integer else value
        return out


MOTIFS: dict[str, MotifFamily] = {}


def register(family: MotifFamily) -> MotifFamily:
    """Add a family to :data:`MOTIFS` (called by each family's module)."""
    MOTIFS[family.name] = family
    return family


def get_motif(name: str) -> MotifFamily:
    """Return the family called ``name``; the error lists the ones that exist."""
    return MOTIFS[check_choice("motif", name, MOTIFS)]


def isen_parameters(default_density: float = 0.5, default_kind: int = 0) -> tuple[Parameter, Parameter]:
    """The two parameters of every family that uses isen-isen: ``isen`` (a kind) and ``isen_density``.

    ``isen`` is an index into :data:`batikgen.motifs.kit.isen.ISEN_KINDS` (in its order), so families
    gain new fillers as that table grows.
    """
    from .kit.isen import ISEN_KINDS  # late: isen imports nothing from here, but keep registry light

    kinds = list(ISEN_KINDS)
    doc = "isen-isen kind: " + ", ".join(f"{i}={name}" for i, name in enumerate(kinds))
    return (
        Parameter("isen", 0, len(kinds) - 1, min(default_kind, len(kinds) - 1), "index", doc, integer=True),
        Parameter("isen_density", 0.0, 1.0, default_density, "fraction", "how closely the isen-isen fill their areas (0 leaves them empty)"),
    )


def isen_kind(params: Mapping[str, float]) -> str:
    """The isen kind named by a validated ``isen`` index parameter."""
    from .kit.isen import ISEN_KINDS

    return list(ISEN_KINDS)[int(params["isen"])]
