"""Cloth formats: the traditional sizes of batik cloth, in millimetres (width x length)."""

from __future__ import annotations

from dataclasses import dataclass

from .._validate import check_choice


@dataclass(frozen=True)
class Cloth:
    """A named cloth size. The long axis is vertical: the recording runs from top to bottom."""

    name: str
    width_mm: float
    height_mm: float
    description: str

    def to_dict(self) -> dict:
        """Plain-data form for the plan."""
        return {"name": self.name, "width_mm": self.width_mm, "height_mm": self.height_mm}


CLOTHS: dict[str, Cloth] = {
    c.name: c
    for c in [
        Cloth("kain-panjang", 1050.0, 2500.0, "long cloth worn wrapped, about 105 x 250 cm"),
        Cloth("sarong", 1050.0, 2000.0, "tube cloth, about 105 x 200 cm"),
        Cloth("selendang", 500.0, 2300.0, "shoulder cloth, about 50 x 230 cm"),
        Cloth("iket", 1000.0, 1000.0, "head cloth, about 100 x 100 cm"),
    ]
}


def get_cloth(name: str) -> Cloth:
    """Return the cloth called ``name``; the error lists the ones that exist."""
    return CLOTHS[check_choice("cloth", name, CLOTHS)]
