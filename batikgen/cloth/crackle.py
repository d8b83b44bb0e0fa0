"""Wax crackle over a composition: the kit's veins (:mod:`batikgen.motifs.kit.crackle`) cut to
the layers that were waxed, painted over each of them.

In cap and tulis each waxed layer's crackle is a layer of its own, painted right after it: the
layers painted later (cecek dots, outlines, a smaller motif on a larger one) cover it as they cover
the waxed layer, so crackle shows only where that wax shows. Crisp keeps the look every cloth had
before the finish existed (and old plans keep their pixels): one crackle layer painted over the
whole design, which crosses the dark dots and outlines drawn on the wax, lighter than they."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .._process import available_cores
from ..motifs.kit.crackle import crackle_colour, crackle_veins, cut_to_wax, exposure
from ..motifs.kit.crackle_growth import CELL_MM, grown_veins
from ..motifs.kit.palettes import Palette
from ..seeding import SeedTree
from .composition import Composition, Layer, PolygonArray
from .parallel import Aside, helpers_allowed

#: Growth cells from which growing the crackle in a helper pays: about 0.22 ms of growing a cell
#: against about 20 ms for a helper (an A0 has 1,160 cells; an A4 70).
HELPER_MIN_CELLS = 150


def _grow(width_mm: float, height_mm: float, amount: float, seed: int) -> tuple[PolygonArray, np.ndarray]:
    """:func:`grown_veins`, packed (numpy arrays cross from a helper far faster than shapely objects)."""
    veins, rank = grown_veins(width_mm, height_mm, amount, seed)
    return PolygonArray.from_shapely(veins), rank


def start_growing(finish: str, width_mm: float, height_mm: float, amount: float, seeds: SeedTree,
                  workers: int | None = None) -> Aside | None:
    """Start growing a cap or tulis crackle, in a helper process when it pays, to collect later.

    The growth needs only the cloth's size and seed, so a build can start it first and draw the
    design meanwhile. The veins are the same wherever they grew.

    Parameters
    ----------
    finish : str
        ``crisp`` has no grown crackle: None is returned.
    width_mm, height_mm : float
        Size of the composition (the cloth plus any legend strip).
    amount : float
        0 to 1 (checked when the veins are collected).
    seeds : SeedTree
        The crackle's own branch of the plan's seed tree.
    workers : int, optional
        Processes the build may use; default the available cores. 1 grows in this process, when
        :func:`crackle_layer` asks for the veins.

    Returns
    -------
    Aside or None
        To pass to :func:`add_crackle` (its ``grown``); its result is the veins, packed, and
        their ranks (:func:`grown_veins`).
    """
    if finish == "crisp":
        return None
    cells = np.ceil(width_mm / CELL_MM) * np.ceil(height_mm / CELL_MM)
    helper = amount != 0 and cells >= HELPER_MIN_CELLS and helpers_allowed(workers)
    return Aside(_grow, (width_mm, height_mm, amount, seeds.integer("grown")), helper)


def crackle_pieces(layers: list[Layer], roles: dict[str, str], amount: float, seeds: SeedTree, width_mm: float,
                   height_mm: float, finish: str = "crisp", grown: Aside | None = None,
                   workers: int | None = None) -> list[np.ndarray]:
    """The crackle of a design, layer by layer: the pieces of the veins on each waxed layer.

    Parameters
    ----------
    layers : list of Layer
        The design's layers.
    roles : dict of str to str
        Layer name to palette role; roles in :data:`WAX_EXPOSURE` (or blends of them, as
        ``"motif>outline:0.5"``) are the waxed areas.
    amount : float
        0 to 1.
    seeds : SeedTree
        The crackle's own branch of the plan's seed tree.
    width_mm, height_mm : float
        Size of the cloth.
    finish : str
        ``crisp`` keeps the random-walk veins every cloth had before the finish; cap and tulis
        grow theirs crack by crack (:mod:`batikgen.motifs.kit.crackle_growth`).
    grown : Aside, optional
        Cap and tulis: the growth :func:`start_growing` started for this cloth (grown here when
        not given).
    workers : int, optional
        Processes the build may use (default the available cores): with two or more, half the
        veins are cut in a second thread.

    Returns
    -------
    list of numpy.ndarray of shapely.Polygon
        One array per layer of ``layers``, empty for a layer that shows no crackle.
    """
    if finish == "crisp":
        veins, rank = crackle_veins(width_mm, height_mm, amount, seeds.rng("veins"))
    else:
        packed, rank = (grown or start_growing(finish, width_mm, height_mm, amount, seeds, workers=1)).result()
        veins = packed.to_shapely()
    # One layer's shapely objects at a time, and none for layers that show no crackle.
    exposures = [exposure(roles.get(layer.name, "")) for layer in layers]
    waxed = ((layer.geometries, shown) if shown > 0 and len(layer) else ((), 0.0)
             for layer, shown in zip(layers, exposures))
    if (workers or available_cores()) < 2:
        return cut_to_wax(veins, rank, waxed)
    with ThreadPoolExecutor(1) as pool:  # a second thread cuts half the veins
        return cut_to_wax(veins, rank, waxed, pool=pool)


def crackle_layer(layers: list[Layer], roles: dict[str, str], amount: float, palette: Palette,
                  seeds: SeedTree, width_mm: float, height_mm: float, finish: str = "crisp",
                  grown: Aside | None = None, workers: int | None = None) -> Layer:
    """The whole crackle of a design as one layer (every waxed layer's :func:`crackle_pieces`).

    Parameters
    ----------
    layers, roles, amount, seeds, width_mm, height_mm, finish, grown, workers
        As for :func:`crackle_pieces`.
    palette : Palette
        Gives the dye colour.

    Returns
    -------
    Layer
        Named ``"crackle"``; empty when ``amount`` is 0.
    """
    pieces = crackle_pieces(layers, roles, amount, seeds, width_mm, height_mm, finish, grown, workers)
    return _one_layer(pieces, crackle_colour(palette))


def _one_layer(pieces: list[np.ndarray], colour: tuple[int, int, int]) -> Layer:
    """All of :func:`crackle_pieces` as one ``"crackle"`` layer."""
    return Layer("crackle", colour, np.concatenate(pieces) if pieces else [])


def add_crackle(composition: Composition, roles: dict[str, str], amount: float, palette: Palette,
                seeds: SeedTree, grown: Aside | None = None, workers: int | None = None) -> Composition:
    """Paint wax crackle over a composition's waxed layers (in place).

    In cap and tulis each waxed layer's :func:`crackle_pieces` become a layer named ``"crackle"``
    painted right after it, so what is painted later covers its crackle too; in crisp they are one
    ``"crackle"`` layer painted last, as before the finish existed. Layers whose names are not in
    ``roles`` (a legend, a border drawn by another family without its roles) get no crackle. With
    no crackle at all (``amount`` 0, or no waxed layer), one empty ``"crackle"`` layer ends the
    composition, so every composition has one.

    Parameters
    ----------
    composition : Composition
    roles : dict of str to str
        Layer name to palette role.
    amount : float
        0 to 1.
    palette : Palette
    seeds : SeedTree
        The crackle's own branch of the plan's seed tree.
    grown, workers : optional
        As for :func:`crackle_pieces`.

    Returns
    -------
    Composition
        The same object, with its ``"crackle"`` layers.
    """
    pieces = crackle_pieces(composition.layers, roles, amount, seeds, composition.width_mm, composition.height_mm,
                            composition.finish, grown=grown, workers=workers)
    colour = crackle_colour(palette)
    if composition.finish == "crisp" or not any(len(own) for own in pieces):
        composition.layers.append(_one_layer(pieces, colour))
        return composition
    layers = []
    for layer, own in zip(composition.layers, pieces):
        layers.append(layer)
        if len(own):
            layers.append(Layer("crackle", colour, own))
    composition.layers[:] = layers
    return composition
