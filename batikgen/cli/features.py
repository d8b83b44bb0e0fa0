"""`batikgen features`: a recording in, its band-power time course out (npz, CSV or JSON)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..files import check_writable
from ..render.staging import OutputClaim
from ..signal.analyse import features_from_path
from ..signal.export import write_features
from .common import fail_cleanly, main, progress_printer


def _line_freq(value: str):
    if value in ("auto", "none"):
        return None if value == "none" else "auto"
    try:
        return float(value)
    except ValueError:
        raise click.BadParameter(f"expected auto, none or a frequency in Hz, got {value!r}") from None


def _bands(values: tuple[str, ...]):
    bands = {}
    for value in values:
        name, _, edges = value.partition("=")
        low, _, high = edges.partition("-")
        try:
            bands[name.strip()] = (float(low), float(high))
        except ValueError:
            raise click.BadParameter(f"expected NAME=LOW-HIGH in Hz (e.g. alpha=8-13), got {value!r}",
                                     param_hint="--band") from None
        if not name.strip():
            raise click.BadParameter(f"expected NAME=LOW-HIGH in Hz, got {value!r}", param_hint="--band")
    return bands or None


@main.command()
@click.argument("recording", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="The file to write, exactly as named (npz unless --csv or --json).")
@click.option("--csv", "as_csv", is_flag=True, help="Write CSV, a row per window, instead of npz.")
@click.option("--json", "as_json", is_flag=True, help="Write JSON instead of npz.")
@click.option("--window", type=float, default=4.0, show_default=True, help="Window length in seconds.")
@click.option("--step", type=float, default=2.0, show_default=True, help="Hop between windows in seconds.")
@click.option("--band", "band_specs", multiple=True, metavar="NAME=LOW-HIGH",
              help="A band in Hz, repeatable (e.g. --band alpha=8-13 --band beta=13-30); replaces the defaults.")
@click.option("--line-freq", default="auto", show_default=True, help="Mains notch: auto, none, or Hz (50, 60).")
@click.option("--reference", type=click.Choice(["auto", "average", "none"]), default="auto", show_default=True,
              help="Average reference (auto: with 16 or more good channels).")
@click.option("--overwrite", is_flag=True, help="Replace FILE if it exists.")
@click.pass_context
@fail_cleanly
def features(ctx, recording, output, as_csv, as_json, window, step, band_specs, line_freq, reference, overwrite):
    """Compute the band-power time course of RECORDING and write it to FILE.

    Any supported format (EDF, BDF, GDF, BrainVision, EEGLAB, FIF, CNT, Nihon Kohden, EGI, XDF,
    Muse CSV, OpenBCI) is analysed; a Mind Monitor CSV's own band powers are written as they are.
    Load an npz with batikgen.BandFeatures.load. Prints the path written.
    """
    if as_csv and as_json:
        raise click.UsageError("--csv and --json exclude each other: choose one format for FILE")
    fmt = "csv" if as_csv else "json" if as_json else "npz"
    line = _line_freq(line_freq)
    bands = _bands(band_specs)
    check_writable(output, overwrite)  # fail before the work, not after it
    show = ctx.obj["verbose"] > 0 or sys.stderr.isatty()
    # Claimed like a render's outputs: a second run into the same file fails at once, and what a
    # killed run left beside it is removed.
    with OutputClaim(output.parent, output.name, [output.name], overwrite) as claim:
        result = features_from_path(recording, progress=progress_printer(show), window_s=window, step_s=step,
                                    bands=bands, line_freq=line, reference=reference)
        write_features(result, claim.path(output.name), fmt)
        claim.commit()
    click.echo(str(output))
