"""`batikgen motifs`: the motif families, and one family's parameters."""

from __future__ import annotations

import click

from ..motifs import MOTIFS, get_motif
from ..motifs.registry import MotifFamily
from .common import fail_cleanly, main


def _bounds(spec) -> str:
    if spec.choices:
        listed = ", ".join(f"{i}={option}" for i, option in enumerate(spec.choices))
        return f"one of {listed}, default {spec.label(spec.default)}"
    unit = "" if spec.unit in ("fraction", "count") else f" {spec.unit}"
    kind = "whole " if spec.integer else ""
    return f"{kind}{spec.low:g}-{spec.high:g}{unit}, default {spec.default:g}"


def _describe(family: MotifFamily) -> list[str]:
    lines = [f"{family.name}: {family.description}"]
    width = max((len(p.name) for p in family.parameters), default=0)
    for spec in family.parameters:
        lines.append(f"  {spec.name:<{width}}  {spec.doc} ({_bounds(spec)})")
    return lines


@main.command()
@click.argument("name", required=False)
@click.option("-v", "--verbose", is_flag=True, help="Show every entry in detail.")
@click.pass_context
@fail_cleanly
def motifs(ctx, name, verbose):
    """List the motif families, or show NAME's parameters with their bounds.

    With --verbose (or batikgen -v motifs), every family's parameters are listed.
    """
    if name:
        click.echo("\n".join(_describe(get_motif(name))))
        return
    width = max(len(n) for n in MOTIFS)
    for family_name in sorted(MOTIFS):
        family = MOTIFS[family_name]
        if verbose or ctx.obj.get("verbose"):
            click.echo("\n".join(_describe(family)))
        else:
            click.echo(f"{family_name:<{width}}  {family.description}")
