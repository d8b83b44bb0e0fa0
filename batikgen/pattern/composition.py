"""The Composition: ordered layers of shapely geometry in millimetres, each with one fill colour.

Layers are painted in order, as batik is made: ground first, then motif areas, outlines and fillers
over them. Rendering (raster or vector) reads only this object.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely


@dataclass
class Layer:
    """Polygons filled with one colour.

    Attributes
    ----------
    name : str
        What the layer is (``"petal"``, ``"isen"``, ...), for SVG groups and debugging.
    colour : tuple of int
        (r, g, b), 0-255.
    geometries : numpy.ndarray of shapely geometries
        Polygons or MultiPolygons in millimetres; y grows downwards (top of the cloth is 0).
    """

    name: str
    colour: tuple[int, int, int]
    geometries: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))

    def __post_init__(self) -> None:
        self.geometries = np.asarray(self.geometries, dtype=object).ravel()


@dataclass
class Composition:
    """A finished design in vector form.

    Attributes
    ----------
    width_mm, height_mm : float
        Size of the cloth.
    background : tuple of int
        Colour under every layer.
    layers : list of Layer
        Painted in order.
    """

    width_mm: float
    height_mm: float
    background: tuple[int, int, int]
    layers: list[Layer] = field(default_factory=list)

    def n_shapes(self) -> int:
        """Number of geometries over all layers."""
        return sum(len(layer.geometries) for layer in self.layers)

    def all_valid(self) -> bool:
        """True if every geometry is valid."""
        return all(bool(np.all(shapely.is_valid(layer.geometries))) for layer in self.layers if len(layer.geometries))
