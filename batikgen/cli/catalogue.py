"""`batikgen catalogue`: a labelled contact sheet of the motif families, to choose from."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import RenderError
from ..files import atomic_write, check_writable
from ..motifs import MOTIFS, PALETTES
from ..render.catalogue import make_catalogue
from .common import fail_cleanly, main, progress_printer


@main.command()
@click.option("-o", "--output", "output", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="PNG file to write.")
@click.option("--motif", "motifs", multiple=True, type=click.Choice(sorted(MOTIFS)),
              help="Only this family (repeatable); every family by default.")
@click.option("--palette", "palettes", multiple=True, type=click.Choice(list(PALETTES)),
              help="Only this palette (repeatable; the first is used for the parameter rows); all by default.")
@click.option("--size", type=click.IntRange(48, 600), default=150, show_default=True, help="Swatch side in pixels.")
@click.option("--crackle", type=click.FloatRange(0, 1), default=0.3, show_default=True,
              help="Wax crackle on the swatches, 0 to 1.")
@click.option("--overwrite", is_flag=True, help="Replace an existing file.")
@click.pass_context
@fail_cleanly
def catalogue(ctx, output, motifs, palettes, size, crackle, overwrite):
    """Render a contact sheet: each family in every palette, and each parameter at its bounds.

    Writes OUTPUT (a PNG) and prints its path.
    """
    if output.suffix.lower() != ".png":
        raise RenderError(f"{output}: the catalogue is a PNG; give a file name ending in .png, got {output.suffix or 'no extension'!r}")
    check_writable(output, overwrite)  # before the rendering, not after
    show = ctx.obj["verbose"] > 0 or sys.stderr.isatty()
    sheet = make_catalogue(list(motifs) or None, list(palettes) or None, px=size, crackle=crackle,
                           progress=progress_printer(show))
    with atomic_write(output, overwrite) as handle:
        sheet.save(handle, format="PNG", optimize=True)
    click.echo(str(output))
