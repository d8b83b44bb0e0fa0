"""The command group, and what every command shares: clean errors and progress on stderr."""

from __future__ import annotations

import functools
import logging
import sys

import click
from tqdm import tqdm

from .. import __version__
from ..errors import BatikgenError, OutputExistsError


def fail_cleanly(func):
    """Print BatikgenErrors as one line on stderr and exit 1, without a traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except BatikgenError as exc:
            click.echo(f"batikgen: error: {exc}{cli_hint(exc)}", err=True)
            sys.exit(1)

    return wrapper


def progress_printer(enabled: bool):
    """Progress on stderr: on a terminal a bar per stage with its rate and time left (tqdm); in a
    log (stderr not a terminal) a plain line per tenth of each stage.

    Parameters
    ----------
    enabled : bool
        Show anything at all.

    Returns
    -------
    callable
        A :data:`batikgen.progress.Progress`.
    """
    interactive = sys.stderr.isatty()
    bars: dict[str, tqdm] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if not enabled or total <= 0:
            return
        if interactive:
            bar = bars.get(stage)
            if bar is None or bar.disable:
                bar = bars[stage] = tqdm(total=total, desc=stage, file=sys.stderr, dynamic_ncols=True, leave=True)
            bar.total = total
            bar.update(done - bar.n)
            if done >= total:
                bar.close()
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


def cli_hint(exc: BatikgenError) -> str:
    """What the command line adds to a library error: the flag that answers it (the library's
    messages never name flags)."""
    return "; pass --overwrite to replace it" if isinstance(exc, OutputExistsError) else ""
