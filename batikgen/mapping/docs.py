"""The mapping table as Markdown, for the motif pages: the docs are generated from the table,
so what the pages say drives a family's parameters is what the mapping does."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import PatternError
from .table import MappingTable, load_mapping

BEGIN = "<!-- mapping: generated from batikgen/mapping/default.toml by scripts/make_mapping_docs.py -->"
END = "<!-- mapping: end -->"
_BLOCK = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), flags=re.S)


def _number(value: float) -> str:
    return f"{value:g}"


def traits_markdown(family: str, table: MappingTable | None = None) -> str:
    """The block that lists ``family``'s traits in ``table`` (the default table when omitted).

    Returns
    -------
    str
        Between the :data:`BEGIN` and :data:`END` markers: one row per trait with the feature,
        the parameter, its values at the feature's lowest and highest, the scope and the reason.

    Raises
    ------
    MappingError
        When the table has no section for ``family``.
    """
    table = table or load_mapping()
    lines = [BEGIN, "", "| trait | feature | parameter | lowest -> highest | scope | why |",
             "|---|---|---|---|---|---|"]
    for trait in table.traits_for(family):
        lines.append(f"| {trait.name} | `{trait.feature}` | `{trait.parameter}` | "
                     f"{_number(trait.low)} -> {_number(trait.high)} | {trait.scope} | {trait.why} |")
    return "\n".join(lines + ["", END])


def update_page(page: Path, family: str, table: MappingTable | None = None) -> bool:
    """Replace the generated block in ``page`` with the table's current one; True if it changed."""
    text = page.read_text(encoding="utf-8")
    if not _BLOCK.search(text):
        raise PatternError(f"{page}: no generated mapping block (add the line {BEGIN!r} and {END!r})")
    updated = _BLOCK.sub(lambda _: traits_markdown(family, table), text)
    if updated != text:
        page.write_text(updated, encoding="utf-8")
    return updated != text
