"""Rewrite the mapping block of every motif page (docs/motifs/<family>.md) from the default table.

Run after changing batikgen/mapping/default.toml: ``python scripts/make_mapping_docs.py``.
tests/motifs/test_motif_docs.py fails while a page and the table disagree.
"""

from pathlib import Path

from batikgen.mapping.docs import update_page
from batikgen.motifs import MOTIFS

DOCS = Path(__file__).resolve().parents[1] / "docs" / "motifs"

if __name__ == "__main__":
    for name in sorted(MOTIFS):
        if update_page(DOCS / f"{name}.md", name):
            print(f"updated docs/motifs/{name}.md")
