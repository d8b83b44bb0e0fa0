"""What the gallery reads of a piece's plan: its rows in time and on the cloth, the mapping in words,
and where the legend strip starts.

Every import from the cloth and mapping stages sits in this module, so moving their modules
touches one place of the gallery. The plan is read through its plain-data form (``to_dict()``,
what metadata.json holds), which stays the same whether its fields are dicts or typed records.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..cloth.legend import legend_width
from ..errors import BatikgenError, GalleryError
from ..mapping.plan import MotifPlan
from ..mapping.table import load_mapping

__all__ = ["MappingLine", "MotifPlan", "legend_left_px", "mapping_lines", "plan_facts", "plan_from_metadata",
           "row_geometry"]


@dataclass(frozen=True)
class MappingLine:
    """One trait of the mapping in visitor words.

    Attributes
    ----------
    rhythm : str
        What drove it, e.g. ``"alpha"`` or ``"engagement"``.
    measure : str
        How the rhythm is measured: ``"share of power"``, ``"power"`` or ``"index"``.
    trait : str
        The motif's trait it drove (the family's parameter name, in words).
    why : str
        The mapping table's own sentence for it.
    whole_cloth : bool
        One value for the whole cloth rather than row by row.
    """

    rhythm: str
    measure: str
    trait: str
    why: str
    whole_cloth: bool


_MEASURES = {"relative": "share of power", "absolute": "power", "index": "index"}


def _line(feature: str, parameter: str, why: str, scope: str) -> MappingLine:
    kind, _, name = feature.partition(".")
    return MappingLine(rhythm=name.replace("_", " "), measure=_MEASURES.get(kind, kind),
                       trait=parameter.replace("_mm", "").replace("_", " "), why=why, whole_cloth=scope == "cloth")


def mapping_lines(plan: MotifPlan, mapping_file: str | None = None) -> tuple[list[MappingLine], str, str]:
    """The traits that made ``plan``, with the mapping table's own texts.

    The texts are read from the table through the mapping module: the piece's own mapping file
    when its settings name one that still reads the same, else the default table when it is the
    one that made the plan. When neither is at hand (a table since edited or moved), the texts the
    table gave at render time, kept in the plan, are used.

    Parameters
    ----------
    plan : MotifPlan
    mapping_file : str, optional
        The mapping TOML the piece was rendered with, if not the default.

    Returns
    -------
    lines : list of MappingLine
    description : str
        The table's one-line summary ("" when the table is not at hand).
    scale_why : str
        The table's sentence for the cloth's scale class ("" without one).
    """
    data = plan.to_dict()
    motif = data["motif"]
    for candidate in ([mapping_file] if mapping_file else []) + [None]:
        try:
            table = load_mapping(candidate)
        except BatikgenError:
            continue
        finish = data.get("finish", "crisp")
        if motif in table.motifs and table.digest_for(motif, finish) == data.get("mapping_sha256"):
            lines = [_line(t.feature, t.parameter, t.why, t.scope) for t in table.plan_traits(motif, finish)]
            return lines, table.description, table.scale.why if table.scale and data.get("scale") else ""
    lines = [_line(t.get("feature", name), t.get("parameter", name), t.get("why", ""), t.get("scope", "row"))
             for name, t in (data.get("traits") or {}).items()]
    return lines, "", ""


def row_geometry(plan: MotifPlan) -> tuple[list[float], list[float]]:
    """Row boundaries in time and on the cloth: ``(times_s, ys_mm)``, each ``len(rows) + 1`` long.

    Times are seconds from the start of the recording's first row; ``ys_mm`` are distances from
    the cloth's top edge, where each row of cells begins (the last is where the field's rows end).
    """
    data = plan.to_dict()
    cloth, rows = data["cloth"], data["rows"]
    field = (data.get("layout") or {}).get("field") or [0.0, 0.0, cloth["width_mm"], cloth["height_mm"]]
    t0 = rows[0]["t_start"]
    times = [row["t_start"] - t0 for row in rows] + [rows[-1]["t_end"] - t0]
    ys = [min(field[1] + i * data["cell_mm"], field[3]) for i in range(len(rows) + 1)]
    return times, ys


def plan_facts(plan: MotifPlan) -> dict:
    """What the gallery shows of a plan besides its rows: motif, cloth size in mm, mapping, first row's time."""
    data = plan.to_dict()
    return {"motif": data["motif"], "width_mm": data["cloth"]["width_mm"], "height_mm": data["cloth"]["height_mm"],
            "mapping_name": data.get("mapping_name", ""), "mapping_sha256": data.get("mapping_sha256", ""),
            "t0": data["rows"][0]["t_start"]}


def legend_left_px(plan: MotifPlan, image_width: int) -> int | None:
    """Pixel column where the legend strip starts in an image ``image_width`` px wide, or None."""
    data = plan.to_dict()
    if not data.get("legend"):
        return None
    width_mm = data["cloth"]["width_mm"]
    return int(round(image_width * width_mm / (width_mm + legend_width(plan))))


def plan_from_metadata(metadata: dict, source: Path) -> MotifPlan:
    """The plan stored in a piece's metadata.json; GalleryError naming the file when it is not one."""
    try:
        plan = MotifPlan.from_dict(metadata["plan"])
        if not plan.to_dict()["rows"]:  # every rendered piece has rows
            raise KeyError("rows")
        return plan
    except (KeyError, TypeError) as exc:
        raise GalleryError(f"{source.name}: not a batikgen metadata file (no usable plan: {exc})") from None
