"""The MotifPlan: everything an artwork is, as typed data that serialises to plain JSON.

A plan is made by the mapping (:func:`batikgen.mapping.table.map_features`), built by the cloth
step and saved in every ``metadata.json``. :meth:`MotifPlan.from_dict` reads it back and checks
every field, naming the one that is wrong. Plans saved before ``plan_version`` existed (version 1)
load as they are: their drawing is unchanged.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field, fields
from typing import Any

from ..errors import PatternError
from ..seeding import SeedTree

#: Version of the plan's format. 1: plans written before the field existed (no ``plan_version``;
#: ``layout`` and ``scale`` may be empty). 2: this format.
PLAN_VERSION = 2
#: Crackle of a plan that does not say: :data:`batikgen.motifs.kit.crackle.DEFAULT_AMOUNT` (not
#: imported, so the plan's module needs nothing from the drawing kit).
DEFAULT_CRACKLE = 0.3
#: How a cloth is drawn and dyed (docs/finish.md): ``tulis`` hand-drawn with a canting (the default of
#: a new render), ``cap`` stamped (even lines, repeats identical, hand-dyed), ``crisp`` exact vectors
#: (plotters, vector work; the look of every plan made before the finish existed).
FINISHES = ("tulis", "cap", "crisp")
#: The finish of a plan that does not say: plans saved before the finish existed drew crisp.
LEGACY_FINISH = "crisp"


class _Record:
    """Typed parts of a plan. They also read like the dicts of version-1 code (``row["params"]``)."""

    def __getitem__(self, key: str) -> Any:
        if key not in {f.name for f in fields(self)}:
            raise KeyError(key)
        return getattr(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        """Like ``dict.get``."""
        return getattr(self, key, default) if key in {f.name for f in fields(self)} else default

    def to_dict(self) -> dict:
        """Plain-data form."""
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}


def _plain(value: Any) -> Any:
    if isinstance(value, _Record):
        return value.to_dict()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


@dataclass
class ClothSize(_Record):
    """The cloth's name and size in mm (long axis vertical)."""

    name: str
    width_mm: float
    height_mm: float


@dataclass
class Row(_Record):
    """One row of cells: the stretch of the recording it shows (s) and the family's parameters."""

    t_start: float
    t_end: float
    params: dict[str, float]


@dataclass
class Border(_Record):
    """The pinggiran: ``style`` none, line or motif, its band width and the family drawn in it."""

    style: str = "none"
    width_mm: float = 0.0
    family: str | None = None


@dataclass
class HeadPanel(_Record):
    """A sarong's kepala: its rectangle ``[x0, y0, x1, y1]`` (mm), family, parameters and cells."""

    rect: list[float]
    family: str
    params: dict[str, float]
    columns: int
    cell_mm: float


@dataclass
class Layout(_Record):
    """Where things sit on the cloth (mm): the field the rows fill, the border, the head panel."""

    field: list[float]
    border: Border
    head_panel: HeadPanel | None = None


@dataclass
class TraitRecord(_Record):
    """For the legend: which feature drove which parameter, and how it went row by row.

    ``rows`` are the normalised values (0-1) per row, ``values`` the feature on the mapping's scale
    (None where the features lacked it, then ``missing`` is set).
    """

    feature: str
    parameter: str
    low: float
    high: float
    rows: list[float]
    values: list[float | None]
    why: str = ""
    scope: str = "row"
    missing: bool = False

    def to_dict(self) -> dict:
        out = super().to_dict()
        if not self.missing:  # as version 1 wrote it
            del out["missing"]
        return out


@dataclass
class ScaleChoice(_Record):
    """How the cell size (scale class) was chosen: the feature's median, placed in its reference
    range (``unit``, 0-1), and the resulting target cell size."""

    feature: str
    median: float
    unit: float
    target_mm: float
    why: str = ""


@dataclass
class MotifPlan:
    """A complete description of one batik, independent of resolution and file format.

    Attributes
    ----------
    mapping_version : int
        Version of the mapping table that produced the plan.
    motif, palette : str
        Names in the motif and palette registries.
    cloth : ClothSize
    cell_mm : float
        Side of one cell of the field.
    columns : int
        Cells across the field.
    rows : list of Row
        One per row of cells, top to bottom.
    seed : int
        Derived from the recording's content hash and the style; drives every random choice
        (through :meth:`seeds`).
    crackle : float
        Amount of wax crackle (remukan), 0 (none) to 1.
    source : dict
        Anonymised provenance of the recording.
    traits : dict of str to TraitRecord
        By trait name, for the legend.
    mapping_name, mapping_mode, mapping_sha256 : str
        The table that made the plan, ``"relative"`` or ``"absolute"`` normalisation, and the
        digest of what the table does to this family.
    layout : Layout
        Field, border and head panel; a version-1 plan without one fills the whole cloth.
    legend : bool
        Whether a legend strip is built beside the cloth.
    scale : ScaleChoice or None
        How the scale class was chosen, when the mapping has a ``[scale]`` section.
    finish : str
        One of :data:`FINISHES`. Saved only when it is not ``crisp``, so a crisp plan reads as every
        plan did before the finish existed (and such plans load as crisp).
    plan_version : int
        :data:`PLAN_VERSION` for plans made now.

    Parts given as plain dicts (as version-1 code did) are converted to their types.
    """

    mapping_version: int
    motif: str
    palette: str
    cloth: ClothSize
    cell_mm: float
    columns: int
    rows: list[Row]
    seed: int
    crackle: float = DEFAULT_CRACKLE
    source: dict = field(default_factory=dict)
    traits: dict[str, TraitRecord] = field(default_factory=dict)
    mapping_name: str = "default"
    mapping_mode: str = "relative"
    mapping_sha256: str = ""
    layout: Layout | None = None
    legend: bool = False
    scale: ScaleChoice | None = None
    plan_version: int = PLAN_VERSION
    finish: str = LEGACY_FINISH

    def __post_init__(self) -> None:
        if isinstance(self.cloth, dict):
            self.cloth = ClothSize(**self.cloth)
        self.rows = [Row(**row) if isinstance(row, dict) else row for row in self.rows]
        self.traits = {name: TraitRecord(**t) if isinstance(t, dict) else t for name, t in self.traits.items()}
        if isinstance(self.layout, dict):
            self.layout = _layout(self.layout) if self.layout else None
        if self.layout is None:  # a plan made before layouts: the whole cloth is the field, no border
            self.layout = Layout([0.0, 0.0, self.cloth.width_mm, self.cloth.height_mm], Border())
        if isinstance(self.scale, dict):
            self.scale = ScaleChoice(**self.scale) if self.scale else None
        if self.finish not in FINISHES:
            raise PatternError(f"plan: finish must be one of {', '.join(FINISHES)}; got {self.finish!r:.60}")

    def seeds(self) -> SeedTree:
        """The root of the plan's seed tree: rows, border, head panel and crackle branch from it."""
        return SeedTree(f"plan-{self.seed}")

    def to_dict(self) -> dict:
        """Plain-data form (what goes into metadata.json)."""
        out = {f.name: _plain(getattr(self, f.name)) for f in fields(self)}
        out["scale"] = out["scale"] or {}
        if out["finish"] == LEGACY_FINISH:  # as plans were written before the finish existed
            del out["finish"]
        return out

    def to_json(self) -> str:
        """Canonical JSON: sorted keys, so equal plans give equal text."""
        return json.dumps(self.to_dict(), sort_keys=True, indent=2)

    def digest(self) -> str:
        """SHA-256 of the canonical JSON."""
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()

    @classmethod
    def from_dict(cls, data: dict) -> MotifPlan:
        """Read a plan written by :meth:`to_dict` (any version up to :data:`PLAN_VERSION`).

        Raises
        ------
        PatternError
            Naming the field that is missing, unknown or of the wrong kind (``plan.rows[3].t_end``).
        """
        return _read_plan(data)


# Reading and checking a saved plan ------------------------------------------------------------

def _fail(where: str, message: str) -> PatternError:
    return PatternError(f"plan: {where} {message}")  # where: the field's path, e.g. rows[3].t_end


def _dict(where: str, value) -> dict:
    if not isinstance(value, dict):
        raise _fail(where, f"must be a table (JSON object); got {value!r:.60}")
    return value


def _keys(where: str, data: dict, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> None:
    missing = [k for k in required if k not in data]
    if missing:
        raise _fail(f"{where}.{missing[0]}" if where else missing[0], "is missing")
    unknown = sorted(set(data) - set(required) - set(optional))
    if unknown:
        raise _fail(f"{where}.{unknown[0]}" if where else unknown[0],
                    f"is not a plan field (expected {', '.join(required + optional)})")


def _number(where: str, value, low: float = -math.inf, high: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _fail(where, f"must be a number; got {value!r:.60}")
    if not low <= value <= high:
        raise _fail(where, f"must be in [{low:g}, {high:g}]; got {value!r}")
    return value


def _integer(where: str, value, low: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise _fail(where, f"must be a whole number >= {low}; got {value!r:.60}")
    return value


def _text(where: str, value) -> str:
    if not isinstance(value, str):
        raise _fail(where, f"must be text; got {value!r:.60}")
    return value


def _params(where: str, value) -> dict[str, float]:
    params = _dict(where, value)
    for name, number in params.items():
        _number(f"{where}.{_text(where, name)}", number)
    return params


def _box(where: str, value) -> list[float]:
    if not isinstance(value, list) or len(value) != 4:
        raise _fail(where, f"must be [x0, y0, x1, y1]; got {value!r:.60}")
    return [_number(f"{where}[{i}]", v) for i, v in enumerate(value)]


def _layout(data: dict, where: str = "layout") -> Layout:
    _keys(where, data, ("field", "border"), ("head_panel",))
    border = _dict(f"{where}.border", data["border"])
    _keys(f"{where}.border", border, ("style",), ("width_mm", "family"))
    head = data.get("head_panel")
    if head is not None:
        h = f"{where}.head_panel"
        _keys(h, _dict(h, head), ("rect", "family", "params", "columns", "cell_mm"))
        head = HeadPanel(_box(f"{h}.rect", head["rect"]), _text(f"{h}.family", head["family"]),
                         _params(f"{h}.params", head["params"]), _integer(f"{h}.columns", head["columns"], 1),
                         _number(f"{h}.cell_mm", head["cell_mm"], 0.0))
    family = border.get("family")
    return Layout(_box(f"{where}.field", data["field"]),
                  Border(_text(f"{where}.border.style", border["style"]),
                         _number(f"{where}.border.width_mm", border.get("width_mm", 0.0), 0.0),
                         None if family is None else _text(f"{where}.border.family", family)),
                  head)


_TOP_REQUIRED = ("mapping_version", "motif", "palette", "cloth", "cell_mm", "columns", "rows", "seed")
_TOP_OPTIONAL = ("crackle", "source", "traits", "mapping_name", "mapping_mode", "mapping_sha256", "layout",
                 "legend", "scale", "plan_version", "finish")


def _read_plan(data) -> MotifPlan:
    data = _dict("the plan", data)
    version = data.get("plan_version", 1)
    if isinstance(version, bool) or version not in range(1, PLAN_VERSION + 1):
        raise _fail("plan_version", f"must be one of 1 to {PLAN_VERSION} (this batikgen's); got {version!r:.60}")
    _keys("", data, _TOP_REQUIRED, _TOP_OPTIONAL)
    cloth = _dict("cloth", data["cloth"])
    _keys("cloth", cloth, ("name", "width_mm", "height_mm"))
    rows = data["rows"]
    if not isinstance(rows, list) or not rows:
        raise _fail("rows", f"must be a non-empty list of rows; got {rows!r:.60}")
    typed_rows = []
    for i, row in enumerate(rows):
        where = f"rows[{i}]"
        _keys(where, _dict(where, row), ("t_start", "t_end", "params"))
        typed_rows.append(Row(_number(f"{where}.t_start", row["t_start"]), _number(f"{where}.t_end", row["t_end"]),
                              _params(f"{where}.params", row["params"])))
    traits = {}
    for name, trait in _dict("traits", data.get("traits", {})).items():
        where = f"traits.{name}"
        # The first plans recorded only a trait's parameter, band and rows: the legend needs no more.
        _keys(where, _dict(where, trait), ("rows",),
              ("feature", "parameter", "low", "high", "values", "why", "scope", "missing", "band"))
        traits[name] = TraitRecord(
            _text(f"{where}.feature", trait.get("feature", name)),
            _text(f"{where}.parameter", trait.get("parameter", name)),
            _number(f"{where}.low", trait.get("low", 0.0)), _number(f"{where}.high", trait.get("high", 1.0)),
            [_number(f"{where}.rows[{i}]", v) for i, v in enumerate(trait["rows"])],
            [None if v is None else _number(f"{where}.values[{i}]", v) for i, v in enumerate(trait.get("values", []))],
            _text(f"{where}.why", trait.get("why", "")), _text(f"{where}.scope", trait.get("scope", "row")),
            bool(trait.get("missing", False)))
    scale = _dict("scale", data.get("scale") or {})
    if scale:
        _keys("scale", scale, ("feature", "median", "unit", "target_mm"), ("why",))
        scale = ScaleChoice(_text("scale.feature", scale["feature"]), _number("scale.median", scale["median"]),
                            _number("scale.unit", scale["unit"]), _number("scale.target_mm", scale["target_mm"], 0),
                            _text("scale.why", scale.get("why", "")))
    layout = _dict("layout", data.get("layout") or {})
    legend = data.get("legend", False)
    if not isinstance(legend, bool):
        raise _fail("legend", f"must be true or false; got {legend!r:.60}")
    finish = data.get("finish", LEGACY_FINISH)
    if finish not in FINISHES:
        raise _fail("finish", f"must be one of {', '.join(FINISHES)}; got {finish!r:.60}")
    return MotifPlan(
        mapping_version=_integer("mapping_version", data["mapping_version"]),
        motif=_text("motif", data["motif"]), palette=_text("palette", data["palette"]),
        cloth=ClothSize(_text("cloth.name", cloth["name"]), _number("cloth.width_mm", cloth["width_mm"], 0.0),
                        _number("cloth.height_mm", cloth["height_mm"], 0.0)),
        cell_mm=_number("cell_mm", data["cell_mm"], 0.0), columns=_integer("columns", data["columns"], 1),
        rows=typed_rows, seed=_integer("seed", data["seed"]),
        crackle=_number("crackle", data.get("crackle", DEFAULT_CRACKLE), 0.0, 1.0),
        source=dict(_dict("source", data.get("source", {}))), traits=traits,
        mapping_name=_text("mapping_name", data.get("mapping_name", "default")),
        mapping_mode=_text("mapping_mode", data.get("mapping_mode", "relative")),
        mapping_sha256=_text("mapping_sha256", data.get("mapping_sha256", "")),
        layout=_layout(layout) if layout else None, legend=legend, scale=scale or None,
        plan_version=PLAN_VERSION, finish=finish,
    )
