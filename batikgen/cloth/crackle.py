"""Wax crackle over a composition: the kit's veins (:mod:`batikgen.motifs.kit.crackle`) cut to
the layers that were waxed, as one more layer painted over the design."""

from __future__ import annotations

from ..motifs.kit.crackle import crackle_colour, crackle_veins, cut_to_wax, exposure
from ..motifs.kit.crackle_growth import grown_veins
from ..motifs.kit.palettes import Palette
from ..seeding import SeedTree
from .composition import Composition, Layer


def crackle_layer(layers: list[Layer], roles: dict[str, str], amount: float, palette: Palette,
                  seeds: SeedTree, width_mm: float, height_mm: float, finish: str = "crisp") -> Layer:
    """The crackle of a design, as a layer to paint over it.

    Parameters
    ----------
    layers : list of Layer
        The design's layers.
    roles : dict of str to str
        Layer name to palette role; roles in :data:`WAX_EXPOSURE` (or blends of them, as
        ``"motif>outline:0.5"``) are the waxed areas.
    amount : float
        0 to 1.
    palette : Palette
        Gives the dye colour.
    seeds : SeedTree
        The crackle's own branch of the plan's seed tree.
    width_mm, height_mm : float
        Size of the cloth.
    finish : str
        ``crisp`` keeps the random-walk veins every cloth had before the finish; cap and tulis
        grow theirs crack by crack (:mod:`batikgen.motifs.kit.crackle_growth`).

    Returns
    -------
    Layer
        Named ``"crackle"``; empty when ``amount`` is 0.
    """
    if finish == "crisp":
        veins, rank = crackle_veins(width_mm, height_mm, amount, seeds.rng("veins"))
    else:
        veins, rank = grown_veins(width_mm, height_mm, amount, seeds.integer("grown"))
    # One layer's shapely objects at a time, and none for layers that show no crackle.
    exposures = [exposure(roles.get(layer.name, "")) for layer in layers]
    waxed = ((layer.geometries, shown) for layer, shown in zip(layers, exposures) if shown > 0 and len(layer))
    return Layer("crackle", crackle_colour(palette), cut_to_wax(veins, rank, waxed))


def add_crackle(composition: Composition, roles: dict[str, str], amount: float, palette: Palette,
                seeds: SeedTree) -> Composition:
    """Paint wax crackle over a composition: append its :func:`crackle_layer` (in place).

    Layers whose names are not in ``roles`` (a legend, a border drawn by another family without
    its roles) get no crackle.

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

    Returns
    -------
    Composition
        The same object, with a last layer named ``"crackle"``.
    """
    composition.layers.append(crackle_layer(composition.layers, roles, amount, palette, seeds,
                                            composition.width_mm, composition.height_mm, composition.finish))
    return composition
