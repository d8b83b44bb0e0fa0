"""The registry of motif families: their declared parameters and the one drawing contract.

A family is a module in :mod:`batikgen.motifs` that defines ``FAMILY``, a :class:`MotifFamily`.
The registry finds those modules itself the first time it is read (no list of imports to keep
in step); a family defined elsewhere (a plug-in, a test) joins with :func:`register`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, replace
from typing import Any, Protocol

from .._validate import check_choice, check_in_range
from ..errors import PatternError
from ..seeding import SeedTree


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
        ``"mm"``, ``"count"``, ``"fraction"``, ``"choice"`` ...
    doc : str
        What it does, in one line.
    integer : bool
        Whether the value is rounded to a whole number.
    choices : tuple of str
        For a named option (made with :meth:`choice`): the names of the values ``0, 1, ...``.
        The plan stores the index, so the mapping can move along the options in order.
    """

    name: str
    low: float
    high: float
    default: float
    unit: str
    doc: str
    integer: bool = False
    choices: tuple[str, ...] = ()

    @classmethod
    def choice(cls, name: str, choices, default: int | str, doc: str) -> Parameter:
        """A named option: values ``0 .. len(choices) - 1``, each with its name.

        Parameters
        ----------
        name : str
        choices : sequence of str
            The options' names, in the order the mapping moves along them.
        default : int or str
            Index or name of the default option.
        doc : str
            What the option selects (listings add the options with their indices).
        """
        choices = tuple(choices)
        index = choices.index(default) if isinstance(default, str) else int(default)
        return cls(name, 0, len(choices) - 1, index, "choice", doc, integer=True, choices=choices)

    def label(self, value: float) -> str:
        """``value`` as shown to people: an option's name, or the number."""
        if self.choices and float(value).is_integer() and 0 <= int(value) < len(self.choices):
            return self.choices[int(value)]
        return f"{value:g}" if float(value).is_integer() else f"{value:.2f}".rstrip("0")


class RowDrawer(Protocol):
    """The one drawing contract of a motif family (its ``draw_row``)."""

    def __call__(self, y0: float, cell_mm: float, n_columns: int, params: dict[str, float],
                 seeds: SeedTree | None = None) -> dict[str, list]:
        """Geometry of one row of cells whose top edge is at ``y0`` mm.

        Parameters
        ----------
        y0 : float
            Top of the row, in mm (y grows downwards).
        cell_mm : float
            Side of one cell, in mm: the row is ``cell_mm`` tall and ``n_columns * cell_mm`` wide.
        n_columns : int
            Cells across.
        params : dict of str to float
            The family's parameters, validated (:meth:`MotifFamily.validate`).
        seeds : SeedTree, optional
            The row's seed tree, the only source of randomness; exact families ignore it.

        Returns
        -------
        dict of str to list of shapely geometries
            By layer name (those of ``layer_roles``); polygons in mm, valid, inside the row up to
            what neighbouring rows are meant to share (a family's repeat decides).
        """


@dataclass(frozen=True)
class Dyed:
    """How a family is laid out and coloured in the dyed finishes (cap, tulis) where that differs
    from crisp (mega mendung: its gradations are consecutive steps of a dye ramp).

    Attributes
    ----------
    draw_row : RowDrawer
        Draws one row as the dyed finishes lay it out: the same contract and layer names as the
        family's own ``draw_row``, shapes on other layers.
    colours : callable
        ``colours(palette) -> {layer name: (r, g, b)}``: the colours the dyes give those layers in
        place of their roles' mixes; a layer it leaves out keeps its role's. The layers keep their
        roles, so the canting's spout and the crackle's wax exposure are as in crisp.
    """

    draw_row: RowDrawer
    colours: Callable[[Any], dict[str, tuple[int, int, int]]]


@dataclass(frozen=True)
class MotifFamily:
    """One motif family: its declared parameters and how to draw one row of cells.

    Attributes
    ----------
    name : str
        Identifier used on the command line and in mapping tables.
    description : str
        One line for listings.
    parameters : tuple of Parameter
        What can vary.
    draw_row : RowDrawer
        Draws one row of cells (see :class:`RowDrawer` for the contract).
    layer_roles : tuple of (str, str)
        Layer names in paint order with the palette role that colours each.
    repeat : callable, optional
        ``repeat(cell_mm, params) -> (width_mm, height_mm)``: the size of the seamless repeat tile
        (raport) that ``draw_row`` produces; by default one square cell.
    periodic : bool, optional
        False for a family with no repeat tile at all, whose cells are chosen afresh (tambal's
        patchwork): seam checks skip it and previews draw it directly instead of tiling it.
    dyed : Dyed, optional
        How the dyed finishes (cap, tulis) lay out and colour the family's layers, when not as
        crisp does; see :meth:`in_finish` and :meth:`layer_colours`.
    """

    name: str
    description: str
    parameters: tuple[Parameter, ...]
    draw_row: RowDrawer
    layer_roles: tuple[tuple[str, str], ...]
    repeat: Callable[[float, dict], tuple[float, float]] = lambda cell_mm, params: (cell_mm, cell_mm)
    periodic: bool = True
    dyed: Dyed | None = None

    def in_finish(self, finish: str) -> MotifFamily:
        """The family as ``finish`` draws it: itself, or in cap and tulis with its ``dyed`` rows."""
        if finish == "crisp" or self.dyed is None:
            return self
        return replace(self, draw_row=self.dyed.draw_row)

    def layer_colours(self, palette: Any, finish: str) -> dict[str, tuple[int, int, int]]:
        """The colour of each layer in ``finish``, by layer name.

        Each layer's role resolved by ``palette`` (:meth:`batikgen.motifs.kit.palettes.Palette.rgb`):
        blends mixed in sRGB in crisp, as dyes in OKLCh in cap and tulis; there, the family's
        ``dyed`` colours replace those it names.
        """
        dyed = finish != "crisp"
        colours = {name: palette.rgb(role, perceptual=dyed) for name, role in self.layer_roles}
        if dyed and self.dyed is not None:
            colours.update(self.dyed.colours(palette))
        return colours

    def defaults(self) -> dict[str, float]:
        """Every parameter at its default value."""
        return {p.name: p.default for p in self.parameters}

    def validate(self, params: Mapping[str, float | str]) -> dict[str, float]:
        """Complete ``params`` with defaults and check each against its bounds.

        A named option may be given by its name (``{"rosette": "bintang"}``); it is stored as
        its index.

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
            value = params.get(spec.name, spec.default)
            if spec.choices and isinstance(value, str):
                value = spec.choices.index(check_choice(f"{self.name}.{spec.name}", value, spec.choices))
            value = check_in_range(f"{self.name}.{spec.name}", value, spec.low, spec.high,
                                   spec.unit if spec.unit not in ("count", "fraction", "choice") else "")
            out[spec.name] = float(round(value)) if spec.integer else value
        return out


class _Registry(MutableMapping):
    """Family name -> :class:`MotifFamily`; fills itself from the family modules when first read."""

    def __init__(self) -> None:
        self._families: dict[str, MotifFamily] = {}
        self._state = "empty"

    def _load(self) -> dict[str, MotifFamily]:
        if self._state == "empty":
            self._state = "loading"
            found = {}
            for module in pkgutil.iter_modules(_package_path()):
                if module.name in ("registry", "kit") or module.name.startswith("_"):
                    continue
                family = getattr(importlib.import_module(f"{__package__}.{module.name}"), "FAMILY", None)
                if isinstance(family, MotifFamily):
                    found[family.name] = family
            # Families registered by hand before the first read stay, after the built-in ones.
            self._families = {**dict(sorted(found.items())), **self._families}
            self._state = "loaded"
        elif self._state == "loading":
            raise PatternError("a motif family module reads the registry while it is imported; "
                               "import the families it needs directly")
        return self._families

    def __getitem__(self, name: str) -> MotifFamily:
        return self._load()[name]

    def __setitem__(self, name: str, family: MotifFamily) -> None:
        self._families[name] = family

    def __delitem__(self, name: str) -> None:
        del self._load()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


def _package_path() -> list[str]:
    return list(importlib.import_module(__package__).__path__)


#: Every motif family by name.
MOTIFS: MutableMapping[str, MotifFamily] = _Registry()


def register(family: MotifFamily) -> MotifFamily:
    """Add a family defined outside :mod:`batikgen.motifs` (a plug-in, a test); return it."""
    if not isinstance(family, MotifFamily):
        raise PatternError(f"register takes a MotifFamily; got {type(family).__name__}")
    MOTIFS[family.name] = family
    return family


def get_motif(name: str) -> MotifFamily:
    """Return the family called ``name``; the error lists the ones that exist."""
    return MOTIFS[check_choice("motif", name, MOTIFS)]


def isen_parameters(default_density: float = 0.5, default_kind: int = 0) -> tuple[Parameter, Parameter]:
    """The two parameters of every family that uses isen-isen: ``isen`` (a kind) and ``isen_density``.

    ``isen`` is a named option over :data:`batikgen.motifs.kit.isen.ISEN_KINDS` (in its order), so
    families gain new fillers as that table grows.
    """
    from .kit.isen import ISEN_KINDS  # late: keeps the registry importable on its own

    kinds = list(ISEN_KINDS)
    return (
        Parameter.choice("isen", kinds, min(default_kind, len(kinds) - 1), "isen-isen kind"),
        Parameter("isen_density", 0.0, 1.0, default_density, "fraction", "how closely the isen-isen fill their areas (0 leaves them empty)"),
    )


def isen_kind(params: Mapping[str, float]) -> str:
    """The isen kind named by a validated ``isen`` index parameter."""
    from .kit.isen import ISEN_KINDS

    return list(ISEN_KINDS)[int(params["isen"])]
