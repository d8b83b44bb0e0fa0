"""Every family has its page in docs/motifs, naming each parameter, and declares what to map."""

import importlib
from pathlib import Path

import pytest

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
def test_family_declares_mappable_parameters(name):
    module = importlib.import_module(MOTIFS[name].draw_row.__module__)
    mappable = getattr(module, "MAPPABLE", None)
    assert mappable, f"{module.__name__} declares no MAPPABLE"
    names = {spec.name for spec in MOTIFS[name].parameters}
    for parameter, (feature, direction) in mappable.items():
        assert parameter in names and feature and direction.split(":")[0] in ("rising", "falling")
