"""Write every output of a piece, atomically and never clobbering.

One pass over the strips feeds every raster output at once (PNG, TIFF, the preview), drawn and
compressed in parallel; the SVG and the palette proof come from the vector composition. All the
files of a piece are staged as temporary files and renamed into place together at the end, so an
error or an interrupt (Ctrl-C) leaves none of them behind; metadata.json, which holds their
hashes, is written last.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from ..cloth.composition import Composition
from ..errors import BatikgenError, ParameterError, RenderError
from ..files import atomic_write, check_writable
from ..mapping.plan import MotifPlan
from ..motifs.kit.palettes import get_palette
from .metadata import build_metadata, write_metadata
from .parallel import encoded_strips
from .png import PngStripEncoder, PngWriter, deflate_backend
from .preview import PreviewAccumulator, PreviewStripEncoder, block_factor
from .proof import proof_png_bytes
from .raster import DEFAULT_STRIP_ROWS, prepare_scene
from .svg import write_svg
from .tiff import TiffStripEncoder, tiff_rows_for, write_tiff_strips

log = logging.getLogger(__name__)

#: Formats a render can be asked for; the preview and the proof strip are extras written besides.
FORMATS = ("png", "tiff", "svg")
DEFAULT_FORMATS = ("png",)
_SUFFIXES = {"png": ".png", "tiff": ".tif", "svg": ".svg", "preview": ".preview.jpg", "proof": ".proof.png",
             "metadata": ".metadata.json"}


def parse_formats(formats: str | Iterable[str]) -> tuple[str, ...]:
    """Normalise ``"png,tiff"`` or ``["png", "tiff"]`` to a tuple in canonical order.

    Raises
    ------
    ParameterError
        If a name is not one of :data:`FORMATS` or none is given.
    """
    names = [f.strip().lower() for f in (formats.split(",") if isinstance(formats, str) else formats)]
    names = ["tiff" if n == "tif" else n for n in names if n]
    unknown = [n for n in names if n not in FORMATS]
    if unknown or not names:
        raise ParameterError(f"format must be among {', '.join(FORMATS)} (comma-separated); "
                             f"got {','.join(unknown) or 'none'}")
    return tuple(f for f in FORMATS if f in names)


def output_paths(
    outdir: Path, stem: str, formats: Sequence[str] = DEFAULT_FORMATS, preview: bool = True, proof: bool = True
) -> dict[str, Path]:
    """Where each output of the piece called ``stem`` goes, by kind, in the order they are listed."""
    kinds = [*parse_formats(formats), *(["preview"] if preview else []), *(["proof"] if proof else []), "metadata"]
    return {kind: Path(outdir) / f"{stem}{_SUFFIXES[kind]}" for kind in kinds}


def check_outputs_writable(
    outdir: Path, stem: str, overwrite: bool, formats: Sequence[str] = DEFAULT_FORMATS, preview: bool = True,
    proof: bool = True,
) -> None:
    """Refuse before any work is done if an output exists and ``overwrite`` is off."""
    for path in output_paths(outdir, stem, formats, preview, proof).values():
        check_writable(path, overwrite)


def write_raster_outputs(
    composition: Composition,
    dpi: float,
    png: Path | None = None,
    tiff: Path | None = None,
    preview: Path | None = None,
    overwrite: bool = False,
    workers: int | None = None,
    strip_rows: int = DEFAULT_STRIP_ROWS,
    progress: Callable[[str, int, int], None] | None = None,
    stack: contextlib.ExitStack | None = None,
) -> tuple[int, int]:
    """Draw ``composition`` once, in strips across processes, into each raster output asked for.

    Parameters
    ----------
    composition : Composition
        The vector design.
    dpi : float
        Resolution of the PNG and TIFF.
    png, tiff, preview : pathlib.Path, optional
        Files to write (the preview is a JPEG, its long side at most 1200 px).
    overwrite : bool
        Replace existing files.
    workers : int, optional
        Processes drawing strips; default the available cores.
    strip_rows : int
        Rows per strip.
    progress : callable, optional
        ``progress("render", done, total)``.
    stack : contextlib.ExitStack, optional
        If given, the files are committed when it closes (to stage several outputs together);
        otherwise when this function returns.

    Returns
    -------
    tuple of int
        Width and height in pixels.
    """
    scene = prepare_scene(composition, dpi, strip_rows)
    log.info("rendering %d shapes, %d x %d px at %g dpi in %d strips", composition.n_shapes(), scene.width,
             scene.height, dpi, scene.n_strips)
    with contextlib.ExitStack() as own:
        files = stack if stack is not None else own
        encoders: list = []
        sinks: list[Callable] = []
        finishers: list[Callable[[], None]] = []
        if png is not None:
            writer = PngWriter(files.enter_context(atomic_write(png, overwrite)), scene.width, scene.height, dpi,
                               name=str(png))
            encoders.append(PngStripEncoder(scene.width, scene.n_strips))
            sinks.append(writer.add)
            finishers.append(writer.finish)
        if preview is not None:
            factor = block_factor(scene.width, scene.height)
            accumulator = PreviewAccumulator(scene.width, scene.height, factor)
            encoders.append(PreviewStripEncoder(factor, strip_rows))
            sinks.append(accumulator.add)
            preview_handle = files.enter_context(atomic_write(preview, overwrite))
            finishers.append(lambda: preview_handle.write(accumulator.jpeg_bytes()))
        tiff_handle = files.enter_context(atomic_write(tiff, overwrite)) if tiff is not None else None
        if tiff_handle is not None:
            encoders.append(TiffStripEncoder(tiff_rows_for(strip_rows)))
        report = (lambda done, total: progress("render", done, total)) if progress else None

        def strips():
            """Feed each strip's results to their writers; yield the TIFF's compressed strips."""
            if not encoders:  # no raster output asked for: nothing to draw
                return
            # closing(): if writing stops early, the worker pool is shut down now, not whenever
            # the suspended generator happens to be garbage-collected.
            with contextlib.closing(encoded_strips(scene, encoders, workers, report)) as batches:
                for results in batches:
                    for sink, result in zip(sinks, results):
                        sink(result)
                    if tiff_handle is not None:
                        yield from results[-1]

        driver = own.enter_context(contextlib.closing(strips()))
        if tiff_handle is not None:
            # tifffile pulls the strips through its own write call, so the loop runs inside it.
            write_tiff_strips(tiff_handle, scene.width, scene.height, tiff_rows_for(strip_rows), driver, dpi)
        for _ in driver:  # without a TIFF, or to let the loop finish after tifffile's last strip
            raise RenderError(f"{tiff}: more strips than the image has rows for")
        for finish in finishers:
            finish()
    return scene.width, scene.height


def _palette_roles(name: str) -> dict[str, str] | None:
    """The named palette's role -> hex colour, or None if the name is not a registered palette."""
    try:
        return dict(get_palette(name).colours)
    except BatikgenError:
        return None


def write_outputs(
    composition: Composition,
    plan: MotifPlan,
    outdir: Path,
    stem: str,
    dpi: float,
    settings: dict,
    command: list[str] | None,
    overwrite: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
    formats: Sequence[str] = DEFAULT_FORMATS,
    preview: bool = True,
    proof: bool = True,
    workers: int | None = None,
    recipe: dict | None = None,
) -> list[Path]:
    """Render ``composition`` and write the chosen formats, the extras and metadata.json.

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
    command : list of str or None
        The command that reproduces the piece (None: none recorded).
    overwrite : bool
        Replace existing files.
    progress : callable, optional
        ``progress(stage, done, total)``.
    formats : sequence of str
        Any of :data:`FORMATS`.
    preview : bool
        Also write ``STEM.preview.jpg`` (1200 px on the long side).
    proof : bool
        Also write ``STEM.proof.png``, the palette proof strip.
    workers : int, optional
        Processes drawing strips; default the available cores.
    recipe : dict, optional
        The settings and recording that make the piece again (:class:`batikgen.pipeline.Recipe`).

    Returns
    -------
    list of pathlib.Path
        Files written, in the order of :func:`output_paths` (metadata last).
    """
    formats = parse_formats(formats)
    paths = output_paths(outdir, stem, formats, preview, proof)
    for path in paths.values():  # before any work
        check_writable(path, overwrite)
    with contextlib.ExitStack() as stack:  # every file appears together when this block ends
        width, height = write_raster_outputs(
            composition, dpi, png=paths.get("png"), tiff=paths.get("tiff"), preview=paths.get("preview"),
            overwrite=overwrite, workers=workers, progress=progress, stack=stack,
        )
        if "svg" in paths:
            write_svg(stack.enter_context(atomic_write(paths["svg"], overwrite)), composition)
        if "proof" in paths:
            proof_bytes = proof_png_bytes(composition, plan.palette, _palette_roles(plan.palette))
            stack.enter_context(atomic_write(paths["proof"], overwrite)).write(proof_bytes)
    written = [path for kind, path in paths.items() if kind != "metadata"]
    settings = {**settings, "dpi": dpi, "size_px": [width, height], "formats": list(formats), "preview": preview,
                "proof": proof, "deflate": deflate_backend()}
    metadata = build_metadata(plan.to_dict(), plan.digest(), settings, written, command, recipe)
    write_metadata(paths["metadata"], metadata, overwrite)
    return [*written, paths["metadata"]]
