"""`batikgen palettes`: the natural-dye palettes, their origins and colours."""

from __future__ import annotations

import click

from ..motifs import PALETTES, get_palette
from ..motifs.kit.palettes import ROLES
from .common import fail_cleanly, main


@main.command()
@click.argument("name", required=False)
@click.option("-v", "--verbose", is_flag=True, help="Show every entry in detail.")
@click.pass_context
@fail_cleanly
def palettes(ctx, name, verbose):
    """List the palettes, or show NAME's origin and colours.

    With --verbose (or batikgen -v palettes), every palette's origin and colours are listed.
    """
    chosen = [get_palette(name)] if name else list(PALETTES.values())
    detail = bool(name or verbose or ctx.obj.get("verbose"))
    width = max(len(p.name) for p in PALETTES.values())
    for palette in chosen:
        if detail:
            click.echo(f"{palette.name}: {palette.description}")
            click.echo(f"  origin: {palette.origin}")
            click.echo("  " + "  ".join(f"{role} {palette.colours[role]}" for role in ROLES))
        else:
            click.echo(f"{palette.name:<{width}}  {palette.description}")
