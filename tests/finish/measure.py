"""Measurements of rendered cloth, as a reader of batik would take them: widths of outlines along
their strokes, sizes and spacing of dots, overlap of repeats. All on 300 dpi renders of small
swatches in the ``proof`` palette, whose roles are far apart in colour."""

from __future__ import annotations

import numpy as np
import shapely
from scipy import ndimage
from scipy.spatial import cKDTree
from skimage.morphology import skeletonize

from batikgen.motifs import get_motif, get_palette
from batikgen.render.catalogue import swatch_composition
from batikgen.render.raster import render_array
from batikgen.seeding import SeedTree

DPI = 300
MM_PER_PX = 25.4 / DPI
PROOF = get_palette("proof")


def swatch(family: str, finish: str, cells: int = 1, palette=PROOF, crackle: float = 0.0, seed: str = "finish"):
    """RGB uint8 render of a swatch at 300 dpi."""
    composition = swatch_composition(get_motif(family), palette, min_cells=cells, seeds=SeedTree(seed),
                                     finish=finish, crackle=crackle)
    return render_array(composition, DPI)


def role_mask(image: np.ndarray, role: str, palette=PROOF) -> np.ndarray:
    """Pixels of a role's colour (anti-aliased edges half in count as in when nearer than 60/765)."""
    return np.abs(image.astype(int) - np.array(palette.rgb(role))).sum(-1) < 60


def stroke_widths(mask: np.ndarray, min_px: int = 200) -> list[tuple[np.ndarray, float]]:
    """Width (px) along each closed stroke of ``mask``: twice the distance transform on its
    skeleton, the skeleton ordered by angle round the stroke's centre (strokes here are loops
    round a petal or a frame), smoothed over 1 mm so pixel steps do not count as breathing.

    Returns
    -------
    list of (widths, mm per sample)
    """
    distance = ndimage.distance_transform_edt(mask)
    skeleton = skeletonize(mask)
    labels, n = ndimage.label(skeleton, np.ones((3, 3)))
    out = []
    for i in range(1, n + 1):
        yy, xx = np.nonzero(labels == i)
        if len(yy) < min_px:
            continue
        order = np.argsort(np.arctan2(yy - yy.mean(), xx - xx.mean()))
        widths = 2 * distance[yy[order], xx[order]]
        step = np.hypot(np.diff(xx[order]), np.diff(yy[order])).mean() * MM_PER_PX
        window = max(3, int(round(1.0 / step)) | 1)
        out.append((ndimage.uniform_filter1d(widths, window, mode="wrap"), step))
    return out


def width_cv(widths: np.ndarray) -> float:
    """Coefficient of variation of a stroke's width."""
    return float(widths.std() / widths.mean())


def correlation_mm(widths: np.ndarray, step_mm: float) -> float:
    """Distance along the stroke over which the width's autocorrelation falls below 0.5."""
    d = widths - widths.mean()
    ac = np.array([np.dot(d, np.roll(d, k)) for k in range(len(d) // 2)]) / np.dot(d, d)
    return float(np.argmax(ac < 0.5) * step_mm)


def dots(mask: np.ndarray, max_mm: float = 2.6, min_px: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """Centres (px) and areas (px) of the small blobs of ``mask``."""
    labels, n = ndimage.label(mask)
    index = np.arange(1, n + 1)
    area = ndimage.sum(mask, labels, index)
    size = np.array([max(s[0].stop - s[0].start, s[1].stop - s[1].start) for s in ndimage.find_objects(labels)])
    keep = (size * MM_PER_PX <= max_mm) & (area >= min_px)
    centres = np.array(ndimage.center_of_mass(mask, labels, index)).reshape(-1, 2)
    return centres[keep], area[keep]


def nearest_spacing(centres: np.ndarray) -> np.ndarray:
    """Distance from each dot to its nearest neighbour."""
    d, _ = cKDTree(centres).query(centres, 2)
    return d[:, 1]


def iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of two masks."""
    return float((a & b).sum() / max((a | b).sum(), 1))


def ring_colours(composition, image: np.ndarray, y0: float, y1: float, prefix: str = "gradation_") -> np.ndarray:
    """Median colour of each ring of one cloud, from its rim to its heart, on a rendered cloth.

    The cloud is the one nearest the middle of the cloth among those whose rim lies in the row
    ``y0``-``y1`` (mm). Its rings are the layers named ``prefix...`` that have shapes there, in paint
    order (rim first); a ring's area is what of its shapes no later ring covers, as drawn (after the
    hand), less 0.1 mm at the edges so anti-aliasing does not count; its median is taken over
    every pixel of the render inside, so the seep under the wax edges and the mottle count.

    Returns
    -------
    numpy.ndarray, shape (rings, 3)
        sRGB in [0, 1].
    """
    rings = []
    for layer in composition.layers:
        if not layer.name.startswith(prefix):
            continue
        shapes = np.asarray(layer.shapes.to_shapely(), dtype=object)
        if len(shapes):
            y = shapely.get_y(shapely.centroid(shapes))
            shapes = shapes[(y > y0) & (y < y1)]
        if len(shapes):
            rings.append(shapes)
    rim = rings[0]
    cloud = rim[np.argmin(np.abs(shapely.get_x(shapely.centroid(rim)) - composition.width_mm / 2))]
    near = cloud.buffer(0.5)
    rings = [shapely.union_all(shapes[shapely.intersects(shapes, near)]) for shapes in rings]
    x0, top, x1, bottom = cloud.bounds
    i0, i1 = max(0, int(x0 / MM_PER_PX)), min(image.shape[1], int(x1 / MM_PER_PX) + 1)
    j0, j1 = max(0, int(top / MM_PER_PX)), min(image.shape[0], int(bottom / MM_PER_PX) + 1)
    xx, yy = np.meshgrid((np.arange(i0, i1) + 0.5) * MM_PER_PX, (np.arange(j0, j1) + 0.5) * MM_PER_PX)
    crop = image[j0:j1, i0:i1]
    out = []
    for k, ring in enumerate(rings):
        visible = ring.difference(shapely.union_all(rings[k + 1:])) if k + 1 < len(rings) else ring
        inside = shapely.contains_xy(visible.buffer(-0.1), xx, yy)
        assert inside.sum() > 50, f"ring {k} has only {inside.sum()} pixels"
        out.append(np.median(crop[inside], axis=0))
    return np.array(out) / 255
