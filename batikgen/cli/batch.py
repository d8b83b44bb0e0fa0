"""`batikgen batch`: render a whole exhibition, resumably, each piece isolated."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from .._validate import parse_size
from ..errors import CatalogueError, ParameterError
from ..exhibition.catalogue import Catalogue
from ..exhibition.display import LiveDisplay, LogDisplay, status_table, summary_line, summary_table
from ..exhibition.limits import DEFAULT_TIMEOUT_S, MIN_MEMORY_LIMIT
from ..exhibition.manifest import MANIFEST_NAME, load_manifest, write_folder_manifest
from ..exhibition.runner import BatchOptions, run_batch
from .common import checked_by, fail_cleanly, main, shown

#: Columns of a table written to a log or a pipe: rich would fold it at 80, splitting ids, paths and
#: reasons over lines. A table is only as wide as its longest cells; a reason is at most ~320 characters.
LOG_WIDTH = 500


def _console(stderr: bool) -> Console:
    """A console for tables: as wide as the terminal, or :data:`LOG_WIDTH` in a log or a pipe."""
    console = Console(stderr=stderr, highlight=False)
    if not console.is_terminal:
        console.width = LOG_WIDTH
    return console


def _show_status(source: Path) -> None:
    folder = source.parent if source.is_file() else source
    console = _console(stderr=False)
    with Catalogue.open(folder, readonly=True) as cat:
        records = cat.pieces()
        console.print(status_table(cat.exhibition()["title"], records))
        counts = cat.counts()
    console.print(", ".join(f"{n} {status}" for status, n in counts.items()), markup=False)


@main.command()
@click.argument("source", type=click.Path(path_type=Path, exists=True))
@click.option("-o", "--exhibition", "exhibition", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="The exhibition folder (catalogue and pieces/). Default: the manifest's folder. Required "
                   "when SOURCE is a folder of recordings.")
@click.option("--jobs", type=click.IntRange(1, 512), default=None,
              help="Pieces rendered at once. [default: the cores, one core each]")
@click.option("--dask", metavar="ADDRESS|local", default=None,
              help="Run the pieces on a Dask cluster (tcp://HOST:8786), or 'local' for a LocalCluster.")
@click.option("--only", multiple=True, metavar="ID", help="Only this piece (repeatable).")
@click.option("--retry-failed", is_flag=True, help="Run pieces that failed before again.")
@click.option("--timeout", type=click.FloatRange(min=1), default=None, metavar="S",
              help=f"Seconds a piece may take before it is stopped. [default: {DEFAULT_TIMEOUT_S:g}]")
@click.option("--memory-limit", "memory", default=None, metavar="SIZE", callback=checked_by(lambda size: parse_size("memory limit", size, minimum=MIN_MEMORY_LIMIT)),
              help="Memory each process of a piece may use, e.g. 4G. [default: 80% of the memory, shared "
                   "between the pieces at once]")
@click.option("--dry-run", is_flag=True,
              help="Say what would be made and why; render nothing (a folder of recordings still gets its "
                   "manifest written, for staff to edit). Exits 1 while any piece is still to make, like a run "
                   "that left one undone.")
@click.option("--status", is_flag=True, help="Print the catalogue of the exhibition SOURCE and stop.")
@click.pass_context
@fail_cleanly
def batch(ctx, source, exhibition, jobs, dask, only, retry_failed, timeout, memory, dry_run, status):
    """Render every piece of an exhibition: SOURCE is its manifest (exhibition.toml, or the folder holding
    it), or a folder of recordings with -o EXHIBITION (a manifest is written there for staff to edit).

    A piece already made with the same recording, settings and batikgen version, whose files are all
    intact, is skipped; a failed piece stays failed until --retry-failed. Exit status: 0 when every
    piece is done, 1 when any failed, 2 on wrong usage.
    """
    if status:
        if any([exhibition, jobs, dask, only, retry_failed, timeout, memory, dry_run]):
            raise click.UsageError("--status takes only the exhibition folder")
        _show_status(source)
        return
    if source.is_dir() and not (source / MANIFEST_NAME).exists():
        if exhibition is None:
            raise click.UsageError(f"{source} is a folder of recordings: give the exhibition folder with -o")
        manifest_path, added, passed_over = write_folder_manifest(source, exhibition)
        for line in passed_over:
            click.echo(f"batikgen: warning: not a piece: {line}", err=True)
        click.echo(f"{manifest_path}: {len(added)} piece{'s' if len(added) != 1 else ''} added", err=True)
        source = manifest_path
    manifest = load_manifest(source)
    options = BatchOptions(jobs=jobs, dask=dask, only=tuple(only), retry_failed=retry_failed, timeout=timeout,
                           memory=memory, dry_run=dry_run)
    interactive = sys.stderr.isatty()
    display = LiveDisplay() if interactive else LogDisplay()
    try:
        summary = run_batch(manifest, exhibition, options, progress=display)
    except ParameterError as exc:
        raise click.UsageError(str(exc)) from None
    records = _records(summary.exhibition_dir)
    console = _console(stderr=True)
    if dry_run:
        for piece_id in summary.pending:
            console.print(f"would make {piece_id}: {summary.reasons.get(piece_id, '')}", markup=False)
    # stdout: the PNG of every piece that is done, in manifest order (the first cloth first).
    wanted = set(summary.rendered) | set(summary.skipped)
    for record in records:
        if record.id in wanted and "png" in record.outputs:
            click.echo(shown(summary.exhibition_dir / record.outputs["png"].path))
    console.print(summary_table(summary, records))
    console.print(summary_line(summary), markup=False)
    if summary.failed and not retry_failed:
        console.print("a failed piece stays failed on a re-run: fix its cause, then run again with --retry-failed",
                      markup=False)
    sys.exit(130 if summary.interrupted else summary.exit_status)


def _records(folder: Path) -> list:
    try:
        with Catalogue.open(folder, readonly=True) as cat:
            return cat.pieces()
    except CatalogueError:  # a dry run before the first run
        return []
