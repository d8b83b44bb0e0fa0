"""`batikgen render`: a recording in, a batik cloth out."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .._validate import check_piece_name
from ..cloth.formats import BORDER_STYLES, CLOTHS, get_cloth
from ..defaults import (
    DEFAULT_BORDER,
    DEFAULT_CLOTH,
    DEFAULT_DPI,
    DEFAULT_FINISH,
    DEFAULT_MOTIF,
    DEFAULT_PALETTE,
    PREVIEW_DPI,
)
from ..errors import BatikgenError, ParameterError
from ..mapping.plan import FINISHES, LEGACY_FINISH
from ..motifs import MOTIFS, PALETTES
from ..pipeline import render_recording
from ..render.outputs import parse_formats
from .common import checked_by, fail_cleanly, main, progress_printer


def _cloth(value: str) -> str:
    """The cloth as given, once :func:`get_cloth` knows it (its message lists names and examples)."""
    get_cloth(value)
    return value


def _check_formats(ctx, param, value):
    """A bad --format is a usage error (exit 2), named like click's own."""
    try:
        return parse_formats(value)
    except BatikgenError as exc:
        raise click.BadParameter(str(exc).removeprefix("format ")) from None


@main.command()
@click.argument("recording", type=click.Path(path_type=Path))
@click.option("-o", "--outdir", type=click.Path(path_type=Path, file_okay=False), default=Path("out"),
              show_default=True, help="Folder for the outputs.")
@click.option("--motif", type=click.Choice(sorted(MOTIFS), case_sensitive=False), default=DEFAULT_MOTIF, show_default=True,
              help="Motif family.")
@click.option("--palette", type=click.Choice(list(PALETTES), case_sensitive=False), default=DEFAULT_PALETTE, show_default=True,
              help="Natural-dye palette.")
@click.option("--cloth", default=DEFAULT_CLOTH, show_default=True, callback=checked_by(_cloth),
              help=f"Cloth format: {', '.join(CLOTHS)}, or WIDTHxLENGTH with units, e.g. 60cmx90cm, 24inx36in.")
@click.option("--border", type=click.Choice(BORDER_STYLES, case_sensitive=False), default=DEFAULT_BORDER, show_default=True,
              help="Border (pinggiran): none, two lines, or lines with a band of small motifs.")
@click.option("--mapping", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Mapping table (TOML) of which rhythm drives which trait; see docs/mapping.md.")
@click.option("--absolute", is_flag=True,
              help="Normalise with the mapping's fixed reference ranges (compare people), not per recording.")
@click.option("--legend", is_flag=True, help="Add a legend strip: the rhythms over time and what they drove.")
@click.option("--dpi", type=click.IntRange(10, 2400), default=DEFAULT_DPI, show_default=True,
              help="Raster resolution; textile printing wants 300.")
@click.option("--format", "formats", default="png", show_default=True, metavar="LIST", callback=_check_formats,
              help="Comma-separated outputs: png, tiff (for print shops), svg (vector). A JPEG preview, "
                   "a palette proof strip and metadata.json are always written.")
@click.option("--preview", is_flag=True,
              help=f"Quick look at {PREVIEW_DPI} dpi: PNG, JPEG preview and metadata.json only (no proof "
                   "strip, TIFF or SVG).")
@click.option("--name", default=None, callback=checked_by(check_piece_name),
              help="The piece's name: outputs are NAME-MOTIF.*  [default: the recording's file name "
                   "without its extension]")
@click.option("--finish", type=click.Choice(FINISHES, case_sensitive=False), default=DEFAULT_FINISH, show_default=True,
              help="How the cloth is drawn and dyed: tulis (by hand with a canting), cap (stamped: even "
                   "lines, identical repeats), crisp (exact vectors, for plotters).")
@click.option("--overwrite", is_flag=True, help="Replace existing output files.")
@click.pass_context
@fail_cleanly
def render(ctx, recording, outdir, motif, palette, cloth, border, mapping, absolute, legend, dpi, formats, preview,
           name, finish, overwrite):
    """Render RECORDING (any supported recording, or a features .npz saved by batikgen) as a batik cloth.

    Writes OUTDIR/NAME-MOTIF.png (and .tif, .svg as asked), NAME-MOTIF.preview.jpg,
    NAME-MOTIF.proof.png and NAME-MOTIF.metadata.json, and prints each path.
    """
    show = ctx.obj["verbose"] > 0 or sys.stderr.isatty()
    result = render_recording(recording, outdir, motif=motif, palette=palette, cloth=cloth, dpi=dpi,
                              overwrite=overwrite, command=recipe_command, progress=progress_printer(show),
                              mapping=mapping, absolute=absolute, border=border, legend=legend,
                              formats=formats, preview=preview, name=name, finish=finish)
    for path in result.outputs:
        click.echo(str(path))


#: Parameters of ``render`` that are not part of a piece's recipe: where it goes, and replacing.
_NOT_IN_RECIPE = ("outdir", "overwrite")


def recipe_command(recipe: dict) -> list[str]:
    """The ``batikgen render`` command line that makes ``recipe`` again, spelled by this command's
    own option definitions (renaming an option renames it here; a recipe field without a parameter
    is an error, not a silent omission).

    Parameters
    ----------
    recipe : dict
        :meth:`batikgen.pipeline.Recipe.to_dict`: the recording by file name, no directory.

    Returns
    -------
    list of str
        ``["batikgen", "render", RECORDING, "--motif", ...]``; flags only when set, options left
        out only when unset (None).
    """
    args, used = ["batikgen", "render"], {"content_hash"}  # the hash identifies; no option takes it
    recipe = {"finish": LEGACY_FINISH, **recipe}  # recipes written before the finish existed drew crisp
    for param in render.params:
        if param.name in _NOT_IN_RECIPE:
            continue
        value = recipe[param.name]
        used.add(param.name)
        if isinstance(param, click.Argument):
            args.append(str(value))
        elif param.is_flag:
            args += [max(param.opts, key=len)] if value else []
        elif value is not None:
            if isinstance(value, (list, tuple)):
                value = ",".join(value)
            args += [max(param.opts, key=len), f"{value:g}" if isinstance(value, float) else str(value)]
    unknown = sorted(set(recipe) - used)
    if unknown:
        raise ParameterError(f"recipe fields without a render option: {', '.join(unknown)}")
    return args
