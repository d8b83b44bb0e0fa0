"""Swatches and the catalogue: small renders of every family, so an artist can choose.

A swatch is a few repeat tiles of one family in one palette with given parameters. The catalogue
is a labelled contact sheet: for each family a row of swatches in every palette at default
parameters, then a row with each parameter at its low and high bound in the family's first palette.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ..cloth.composition import Composition, Layer
from ..cloth.crackle import add_crackle
from ..cloth.hand import hand_layers
from ..cloth.tile import draw_patch, draw_tile, tile_size, tiled_composition
from ..motifs.kit.palettes import PALETTES, Palette
from ..motifs.registry import MOTIFS, MotifFamily
from ..seeding import SeedTree
from .raster import render_array

#: Default cell size of swatches: a kawung of this size is a "sedang" (middle) class.
SWATCH_CELL_MM = 40.0


def swatch_composition(family: MotifFamily, palette: Palette, params: dict | None = None,
                       cell_mm: float = SWATCH_CELL_MM, min_cells: int = 2, crackle: float = 0.0,
                       seeds: SeedTree | None = None, finish: str = "crisp") -> Composition:
    """Whole repeat tiles of a family, at least ``min_cells`` cells each way.

    A family with no repeat (``periodic`` False) is drawn directly over the same area.

    Parameters
    ----------
    family : MotifFamily
    palette : Palette
    params : dict, optional
        Parameters (validated); defaults when omitted.
    cell_mm : float
        Cell size.
    min_cells : int
        The swatch spans at least this many cells across and down.
    crackle : float
        Amount of wax crackle over the swatch, 0 to 1.
    seeds : SeedTree, optional
        For the rows, the crackle and the hand.
    finish : str
        ``crisp`` (exact, the default here: swatches show the family's geometry), ``cap`` or
        ``tulis`` (drawn by hand: see :mod:`batikgen.cloth.hand`).

    Returns
    -------
    Composition
    """
    seeds = seeds or SeedTree("swatch")
    family = family.in_finish(finish)  # as the cloth's build lays it out
    params = family.validate(params or {})
    w, h = tile_size(family, cell_mm, params)
    across = max(1, math.ceil(min_cells * cell_mm / w - 1e-9))
    down = max(1, math.ceil(min_cells * cell_mm / h - 1e-9))
    # Close to square: a repeat much wider than tall (truntum's jittered block spans several cells)
    # gets more copies down, or the swatch would be a band of flowers between empty margins.
    down = max(down, round(across * w / h))
    across = max(across, round(down * h / w))
    copies = (across, down)
    if getattr(family, "periodic", True):
        composition = tiled_composition(family, draw_tile(family, cell_mm, params, seeds), (w, h), palette, copies)
    else:  # no repeat tile: a stretch of the family's own drawing
        size = (copies[0] * w, copies[1] * h)
        drawn = draw_patch(family, cell_mm, params, (w, h), size, seeds)
        composition = Composition(size[0], size[1], palette.rgb("ground"),
                                  [Layer(name, palette.rgb(role), drawn.get(name, [])) for name, role in family.layer_roles])
    roles = dict(family.layer_roles)
    composition.layers = hand_layers(composition.layers, roles, finish, seeds.integer("hand"))
    if finish != "crisp":  # blended roles mixed as dyes (OKLCh, dye ramps), as the cloth's build does
        colours = family.layer_colours(palette, finish)
        for layer in composition.layers:
            layer.colour = colours[layer.name]
    composition.finish, composition.dye_seed = finish, seeds.integer("dye")
    if crackle > 0:
        add_crackle(composition, dict(family.layer_roles), crackle, palette, seeds.child("crackle"))
    return composition


def render_swatch(composition: Composition, px: int) -> np.ndarray:
    """Render a swatch so that its longer side is ``px`` pixels.

    Parameters
    ----------
    composition : Composition
        From :func:`swatch_composition`.
    px : int
        Pixels along the longer side.

    Returns
    -------
    numpy.ndarray, shape (rows, columns, 3), dtype uint8
    """
    return render_array(composition, px * 25.4 / max(composition.width_mm, composition.height_mm))


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1 has only the fixed bitmap font
        return ImageFont.load_default()


def _fit(image: np.ndarray, px: int, background: tuple[int, int, int]) -> Image.Image:
    """A square of ``px`` with the swatch centred on it (swatches of tall or wide tiles keep their shape)."""
    square = Image.new("RGB", (px, px), background)
    tile = Image.fromarray(image)
    square.paste(tile, ((px - tile.width) // 2, (px - tile.height) // 2))
    return square


def _clip(text: str, font, width: int) -> str:
    """``text`` shortened with an ellipsis until it fits ``width`` pixels."""
    if font.getlength(text) <= width:
        return text
    while text and font.getlength(text + "…") > width:
        text = text[:-1]
    return text + "…"


def catalogue_entries(family: MotifFamily, palettes: list[str]) -> list[tuple[str, list[tuple[str, str, dict]]]]:
    """What the catalogue shows of one family.

    Parameters
    ----------
    family : MotifFamily
    palettes : list of str
        Palette names; the first colours the parameter row.

    Returns
    -------
    list of (caption, entries)
        The palette row, then (if the family has parameters) the row with each parameter at its
        low and high bound; each entry is (label, palette name, parameters).
    """
    rows = [("in each palette, default parameters", [(name, name, {}) for name in palettes])]
    home = palettes[0]
    by_parameter = [(f"{spec.name}={spec.label(bound)}", home, {spec.name: bound})
                    for spec in family.parameters for bound in (spec.low, spec.high)]
    if by_parameter:
        rows.append((f"each parameter at its low and high bound, in {home}", by_parameter))
    return rows


def make_catalogue(families: list[str] | None = None, palettes: list[str] | None = None, px: int = 150,
                   crackle: float = 0.3, progress=None, max_columns: int = 10) -> Image.Image:
    """A labelled contact sheet of motif families in several palettes and parameter settings.

    Parameters
    ----------
    families : list of str, optional
        Registry names; every registered family by default.
    palettes : list of str, optional
        Palette names; every palette (the first is each family's home for parameter rows).
    px : int
        Side of each swatch in pixels.
    crackle : float
        Wax crackle on the swatches, 0 to 1.
    progress : callable, optional
        ``progress(stage, done, total)``.
    max_columns : int
        Longer rows wrap (never narrower than one swatch per palette).

    Returns
    -------
    PIL.Image.Image
    """
    families = list(families or sorted(MOTIFS))
    palettes = list(palettes or PALETTES)
    gap, caption_h, label_h, title_h = 10, 16, 18, 30
    wrap = max(max_columns, len(palettes))
    rows = [(name, caption if start == 0 else "", entries[start : start + wrap])
            for name in families for caption, entries in catalogue_entries(MOTIFS[name], palettes)
            for start in range(0, len(entries), wrap)]
    columns = max(len(entries) for _, _, entries in rows)
    firsts = [i == 0 or rows[i - 1][0] != name for i, (name, _, _) in enumerate(rows)]
    width = gap + columns * (px + gap)
    height = gap + sum(title_h * first + caption_h * bool(caption) + px + label_h + gap
                       for first, (_, caption, _) in zip(firsts, rows))
    sheet = Image.new("RGB", (width, height), (250, 248, 242))
    draw = ImageDraw.Draw(sheet)
    title_font, caption_font, label_font = _font(18), _font(12), _font(12)
    y, done, total = gap, 0, sum(len(entries) for _, _, entries in rows)
    for (name, caption, entries), first in zip(rows, firsts):
        family = MOTIFS[name]
        if first:
            draw.text((gap, y + 4), _clip(f"{name}: {family.description}", title_font, width - 2 * gap),
                      fill=(30, 24, 20), font=title_font)
            y += title_h
        if caption:
            draw.text((gap, y), _clip(caption, caption_font, width - 2 * gap), fill=(120, 105, 90), font=caption_font)
            y += caption_h
        for column, (label, palette_name, params) in enumerate(entries):
            palette = PALETTES[palette_name]
            image = render_swatch(swatch_composition(family, palette, params, crackle=crackle), px)
            x = gap + column * (px + gap)
            sheet.paste(_fit(image, px, palette.rgb("ground")), (x, y))
            draw.text((x, y + px + 3), _clip(label, label_font, px), fill=(60, 50, 40), font=label_font)
            done += 1
            if progress:
                progress("catalogue", done, total)
        y += px + label_h + gap
    return sheet
