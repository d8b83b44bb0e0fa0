"""The batikgen command line: thin click wrappers around the library."""

from __future__ import annotations

import functools
import logging
import sys
from pathlib import Path

import click

from . import __version__
from .errors import BatikgenError
from .pattern import MOTIFS, PALETTES
from .pattern.cloth import CLOTHS
from .pipeline import DEFAULT_CLOTH, DEFAULT_DPI, DEFAULT_MOTIF, DEFAULT_PALETTE, render_recording


def _fail_cleanly(func):
    """Print BatikgenErrors as one line on stderr and exit 1, without a traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except BatikgenError as exc:
            click.echo(f"batikgen: error: {exc}", err=True)
            sys.exit(1)

    return wrapper


def _progress_printer(enabled: bool):
    """Progress on stderr: one updating line on a terminal, a line per tenth in a log."""
    interactive = sys.stderr.isatty()

    def progress(stage: str, done: int, total: int) -> None:
        if not enabled:
            return
        if interactive:
            click.echo(f"\r{stage}: {done}/{total}", err=True, nl=done == total)
        elif done == total or done * 10 // total != (done - 1) * 10 // total:
            click.echo(f"{stage}: {done}/{total}", err=True)

    return progress


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="batikgen")
@click.option("-v", "--verbose", count=True, help="More logging (-v info, -vv debug).")
@click.pass_context
def main(ctx: click.Context, verbose: int) -> None:
    """batikgen turns EEG recordings into batik cloth.

    Each recording becomes a cloth whose rows follow the recording in time, top to bottom: the brain
    rhythms of each stretch set the motif's traits within the rules (pakem) of the tradition.
    """
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="batikgen: %(message)s", stream=sys.stderr)
    ctx.obj = {"verbose": verbose}


@main.command()
@click.argument("recording", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--outdir", type=click.Path(path_type=Path, file_okay=False), default=Path("out"),
              show_default=True, help="Folder for the outputs.")
@click.option("--motif", type=click.Choice(sorted(MOTIFS)), default=DEFAULT_MOTIF, show_default=True,
              help="Motif family.")
@click.option("--palette", type=click.Choice(list(PALETTES)), default=DEFAULT_PALETTE, show_default=True,
              help="Natural-dye palette.")
@click.option("--cloth", type=click.Choice(list(CLOTHS)), default=DEFAULT_CLOTH, show_default=True,
              help="Cloth format (width x length).")
@click.option("--dpi", type=click.IntRange(10, 2400), default=DEFAULT_DPI, show_default=True,
              help="Raster resolution; textile printing wants 300.")
@click.option("--overwrite", is_flag=True, help="Replace existing output files.")
@click.pass_context
@_fail_cleanly
def render(ctx, recording, outdir, motif, palette, cloth, dpi, overwrite):
    """Render RECORDING (EDF, BDF, GDF, BrainVision .vhdr, EEGLAB .set, FIF) as a batik cloth.

    Writes OUTDIR/NAME-MOTIF.png and NAME-MOTIF.metadata.json and prints each path.
    """
    command = ["batikgen", *sys.argv[1:]] if sys.argv and Path(sys.argv[0]).name == "batikgen" else None
    show = ctx.obj["verbose"] > 0 or sys.stderr.isatty()
    result = render_recording(recording, outdir, motif=motif, palette=palette, cloth=cloth, dpi=dpi,
                              overwrite=overwrite, command=command, progress=_progress_printer(show))
    for path in result.outputs:
        click.echo(str(path))


if __name__ == "__main__":  # pragma: no cover
    main()
