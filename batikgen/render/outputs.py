"""Write every output of a piece: the raster image and metadata.json (atomically, never clobbering)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from ..atomic import check_writable
from ..pattern.composition import Composition
from ..pattern.plan import MotifPlan
from .metadata import build_metadata, write_metadata
from .png import write_png
from .raster import DEFAULT_STRIP_ROWS, canvas_size, render_strips

log = logging.getLogger(__name__)


def output_paths(outdir: Path, stem: str) -> dict[str, Path]:
    """Where each output of the piece called ``stem`` goes."""
    return {"png": outdir / f"{stem}.png", "metadata": outdir / f"{stem}.metadata.json"}


def check_outputs_writable(outdir: Path, stem: str, overwrite: bool) -> None:
    """Refuse before any work is done if an output exists and ``overwrite`` is off."""
    for path in output_paths(outdir, stem).values():
        check_writable(path, overwrite)


def write_outputs(
    composition: Composition,
    plan: MotifPlan,
    outdir: Path,
    stem: str,
    dpi: float,
    settings: dict,
    command: list[str],
    overwrite: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[Path]:
    """Render ``composition`` and write the PNG and metadata.json.

    Parameters
    ----------
    composition : Composition
        The vector design.
    plan : MotifPlan
        Recorded in the metadata.
    outdir : pathlib.Path
        Folder (created if needed).
    stem : str
        Base name of the files.
    dpi : float
        Raster resolution.
    settings : dict
        Render settings to record.
    command : list of str
        The command that reproduces the piece.
    overwrite : bool
        Replace existing files.
    progress : callable, optional
        ``progress(stage, done, total)``.

    Returns
    -------
    list of pathlib.Path
        Files written, image first.
    """
    paths = output_paths(outdir, stem)
    width, height = canvas_size(composition, dpi)
    log.info("rendering %s: %d shapes, %d x %d px at %g dpi", stem, composition.n_shapes(), width, height, dpi)

    def strips():
        total = -(-height // DEFAULT_STRIP_ROWS)
        for done, strip in enumerate(render_strips(composition, dpi), start=1):
            if progress:
                progress("render", done, total)
            yield strip

    write_png(paths["png"], width, height, strips(), dpi, overwrite)
    settings = {**settings, "dpi": dpi, "size_px": [width, height]}
    metadata = build_metadata(plan.to_dict(), plan.digest(), settings, [paths["png"]], command)
    write_metadata(paths["metadata"], metadata, overwrite)
    return [paths["png"], paths["metadata"]]
