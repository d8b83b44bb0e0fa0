"""`batikgen gallery`: an exhibition folder in, a static web site out."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..gallery import build_site
from .common import fail_cleanly, main, progress_printer, shown


@main.command()
@click.argument("exhibition", type=click.Path(path_type=Path, file_okay=False))
@click.option("-o", "--site", "site", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder for the site.  [default: EXHIBITION/site]")
@click.option("--overwrite", is_flag=True,
              help="Remake every piece's files, and write into a folder that is not a batikgen site.")
@click.pass_context
@fail_cleanly
def gallery(ctx, exhibition, site, overwrite):
    """Write the static gallery site of EXHIBITION: an index, a page per finished piece, an about page.

    The site works offline (open SITE/index.html from a USB stick). A rebuild remakes only new or
    changed pieces; unfinished pieces are left out, each with a line saying so.
    """
    show = ctx.obj["verbose"] > 0 or sys.stderr.isatty()
    report = build_site(exhibition, site, overwrite=overwrite, progress=progress_printer(show))
    for piece_id, status in report.left_out:
        click.echo(f"left out: {piece_id} ({status})", err=True)
    click.echo(f"{len(report.built)} made, {len(report.kept)} unchanged, {len(report.removed)} removed, "
               f"{len(report.left_out)} left out", err=True)
    click.echo(shown(report.index))
