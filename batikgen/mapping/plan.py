"""The MotifPlan: everything an artwork is, as plain JSON-serialisable data."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field


@dataclass
class MotifPlan:
    """A complete description of one batik, independent of resolution and file format.

    Attributes
    ----------
    mapping_version : int
        Version of the mapping that produced the plan.
    motif, palette : str
        Names in the motif and palette registries.
    cloth : dict
        ``{"name": ..., "width_mm": ..., "height_mm": ...}``.
    cell_mm : float
        Side of one lattice cell.
    columns : int
        Cells across the cloth.
    rows : list of dict
        One entry per row of cells, top to bottom: ``{"t_start": s, "t_end": s, "params": {...}}``.
    seed : int
        Derived from the recording's content hash and the style; drives every random choice.
    crackle : float
        Amount of wax crackle (remukan), 0 (none) to 1; plans saved before it existed get the
        default.
    source : dict
        Anonymised provenance of the recording.
    traits : dict
        For the legend: which feature drove which parameter: per trait its ``feature``,
        ``parameter``, ``low``, ``high``, ``why``, and per row ``rows`` (normalised 0-1) and
        ``values`` (the feature on the mapping's scale).
    mapping_name, mapping_mode, mapping_sha256 : str
        The table that made the plan, ``"relative"`` or ``"absolute"`` normalisation, and the
        digest of the table file.
    layout : dict
        Where things sit on the cloth, in mm: ``field`` ``[x0, y0, x1, y1]`` (what the rows fill),
        ``border`` ``{"style", "width_mm"}`` and ``head_panel`` (``None`` or ``{"rect", "family",
        "params", "rows"}``); empty means the whole cloth is the field, without borders.
    legend : bool
        Whether a legend strip is built beside the cloth.
    scale : dict
        How the scale class (cell size) was chosen from the recording, when the mapping has a
        ``[scale]`` section: feature, median, unit (0-1) and target_mm.
    """

    mapping_version: int
    motif: str
    palette: str
    cloth: dict
    cell_mm: float
    columns: int
    rows: list[dict]
    seed: int
    crackle: float = 0.3  # batikgen.motifs.kit.crackle.DEFAULT_AMOUNT (not imported: plan stays plain data)
    source: dict = field(default_factory=dict)
    traits: dict = field(default_factory=dict)
    mapping_name: str = "default"
    mapping_mode: str = "relative"
    mapping_sha256: str = ""
    layout: dict = field(default_factory=dict)
    legend: bool = False
    scale: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Plain-data form (what goes into metadata.json)."""
        return asdict(self)

    def to_json(self) -> str:
        """Canonical JSON: sorted keys, so equal plans give equal text."""
        return json.dumps(self.to_dict(), sort_keys=True, indent=2)

    def digest(self) -> str:
        """SHA-256 of the canonical JSON."""
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()

    @classmethod
    def from_dict(cls, data: dict) -> "MotifPlan":
        """Inverse of :meth:`to_dict`."""
        return cls(**data)
