"""Every family has its page in docs/motifs, naming each parameter and showing what the table maps."""

from pathlib import Path

import pytest

from batikgen.mapping.docs import BEGIN, END, traits_markdown, update_page
from batikgen.motifs import MOTIFS

DOCS = Path(__file__).resolve().parents[2] / "docs" / "motifs"


@pytest.mark.parametrize("name", sorted(MOTIFS))
def test_family_page_names_every_parameter(name):
    page = DOCS / f"{name}.md"
    assert page.exists(), f"docs/motifs/{name}.md is missing"
    text = page.read_text(encoding="utf-8")
    for heading in ("rules", "How it is built here", "## Parameters"):
        assert heading in text, heading
    for spec in MOTIFS[name].parameters:
        assert f"`{spec.name}`" in text, spec.name
    assert name in (DOCS / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(MOTIFS))
def test_family_page_shows_what_the_default_table_maps(name):
    """One source of truth: the page's mapping block is the table's, not prose that can drift."""
    text = (DOCS / f"{name}.md").read_text(encoding="utf-8")
    assert traits_markdown(name) in text, f"docs/motifs/{name}.md disagrees with the table: run scripts/make_mapping_docs.py"


def test_a_changed_table_changes_the_block(tmp_path):
    page = tmp_path / "kawung.md"
    page.write_text(f"# kawung\n\n{BEGIN}\nstale\n{END}\n", encoding="utf-8")
    assert update_page(page, "kawung") and traits_markdown("kawung") in page.read_text(encoding="utf-8")
    assert not update_page(page, "kawung")  # already current
    assert "| fullness | `relative.alpha` | `fullness` | 0.4 -> 0.75 | row |" in traits_markdown("kawung")
