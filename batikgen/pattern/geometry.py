"""Vertex generators with numpy, and fast placement of template shapes on a lattice.

Shapes are made once per template in local coordinates, then copied to many positions by adding
offsets to their vertex arrays (a shapely.affinity call per copy would cost ~40 µs each).
"""

from __future__ import annotations

import numpy as np
import shapely


def lens(length: float, half_width: float, n_arc: int = 24) -> np.ndarray:
    """Vertices of a lens (the overlap of two equal circles) along +x from (0, 0) to (length, 0).

    Parameters
    ----------
    length : float
        Tip-to-tip length.
    half_width : float
        Half the width at the middle; ``half_width == length / 2`` is a circle.
    n_arc : int
        Vertices per arc.

    Returns
    -------
    numpy.ndarray, shape (2 * n_arc - 2, 2)
        Closed ring without the repeated first vertex.
    """
    half = length / 2
    radius = (half**2 + half_width**2) / (2 * half_width)
    centre_y = half_width - radius  # centre of the circle that draws the upper arc
    theta0 = np.arcsin(np.clip(-centre_y / radius, -1.0, 1.0))
    theta = np.linspace(np.pi - theta0, theta0, n_arc)
    upper = np.column_stack([half + radius * np.cos(theta), centre_y + radius * np.sin(theta)])
    upper[0] = (0.0, 0.0)
    upper[-1] = (length, 0.0)
    lower = upper[-2:0:-1] * np.array([1.0, -1.0])
    return np.vstack([upper, lower])


def circle(radius: float, n: int = 16) -> np.ndarray:
    """Vertices of a regular n-gon approximating a circle of ``radius`` about the origin."""
    angle = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])


def rotate(points: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate vertices about the origin (counter-clockwise in x-right, y-up terms)."""
    a = np.radians(degrees)
    matrix = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    return points @ matrix.T


def place(template: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """One polygon per offset: ``template`` (n, 2) translated by each row of ``offsets`` (k, 2).

    Returns
    -------
    numpy.ndarray of shapely.Polygon, shape (k,)
    """
    return shapely.polygons(template[None, :, :] + offsets[:, None, :])


def rings_of(polygon: shapely.Polygon) -> np.ndarray:
    """The exterior vertices of a hole-free polygon, without the closing repeat."""
    return np.asarray(polygon.exterior.coords)[:-1]
