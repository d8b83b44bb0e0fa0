"""`batikgen inspect`: what a recording is, what is kept of it, and whether it is plausible EEG."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..signal.analyse import inspect_file
from .common import fail_cleanly, main


@main.command()
@click.argument("recording", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (for scripts).")
@fail_cleanly
def inspect(recording, as_json):
    """Print RECORDING's format, channels kept and dropped (with reasons), sample rate, duration
    and plausibility verdict. Exits 1 when the recording would be refused.
    """
    report = inspect_file(recording)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=1, ensure_ascii=False))
    else:
        click.echo(f"file:      {report.file}")
        click.echo(f"format:    {report.format} ({report.description})")
        click.echo(f"rate:      {report.sfreq_hz:g} Hz")
        click.echo(f"duration:  {report.duration_s:.2f} s")
        click.echo(f"channels:  {len(report.channels)} kept: {', '.join(report.channels)}")
        if report.dropped:
            click.echo(f"dropped:   {len(report.dropped)}")
            for name, reason in report.dropped.items():
                click.echo(f"  {name}: {reason}")
        click.echo(f"verdict:   {report.verdict}")
    if not report.plausible:
        click.echo(f"batikgen: error: {report.verdict}", err=True)
        sys.exit(1)
