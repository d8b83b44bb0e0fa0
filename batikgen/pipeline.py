"""render_recording(): recording file in, batik files out. The CLI, batch and gallery share it."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from ._validate import check_piece_name
from .cloth.build import build_composition
from .cloth.formats import cloth_layout, get_cloth
from .defaults import (
    DEFAULT_BORDER,
    DEFAULT_CLOTH,
    DEFAULT_DPI,
    DEFAULT_FINISH,
    DEFAULT_MOTIF,
    DEFAULT_PALETTE,
    PREVIEW_DPI,
)
from .mapping.plan import MotifPlan
from .mapping.table import MappingTable, load_mapping, map_features
from .motifs import get_motif, get_palette
from .progress import Progress
from .render.outputs import DEFAULT_FORMATS, claim_outputs, parse_formats, write_outputs
from .seeding import SeedTree
from .signal.analyse import features_from_path
from .signal.features import BandFeatures

log = logging.getLogger(__name__)




@dataclass
class Recipe:
    """How to make a piece again: the render's settings and the recording it was made from.

    Recorded in metadata.json. The recording is named by its file name only and identified by
    its content hash; no directory is ever recorded (a folder can name a patient). The field names
    are those of ``batikgen render``'s parameters, which spell the command line from a recipe.
    """

    recording: str
    content_hash: str
    motif: str
    palette: str
    cloth: str
    border: str
    mapping: str | None
    absolute: bool
    legend: bool
    dpi: float
    formats: list[str]
    preview: bool
    name: str | None
    finish: str = DEFAULT_FINISH

    def to_dict(self) -> dict:
        """Plain-data form."""
        return asdict(self)


#: A command line for metadata.json: given as is, or made from the recipe's plain-data form.
CommandLine = list[str] | Callable[[dict], list[str]] | None


@dataclass
class RenderResult:
    """What a render produced."""

    plan: MotifPlan
    features: BandFeatures
    outputs: list[Path]
    recipe: Recipe | None = None


def features_from_file(path: str | os.PathLike, progress: Progress | None = None, **params) -> BandFeatures:
    """Read, check and analyse a recording (default feature settings unless ``params`` say otherwise).

    Files of precomputed band powers (Mind Monitor CSVs, features files saved by batikgen) come
    back as they are.
    """
    return features_from_path(path, progress=progress, **params)


def plan_from_features(
    features: BandFeatures,
    motif: str = DEFAULT_MOTIF,
    palette: str = DEFAULT_PALETTE,
    cloth: str = DEFAULT_CLOTH,
    mapping: str | os.PathLike | MappingTable | None = None,
    absolute: bool = False,
    border: str = DEFAULT_BORDER,
    legend: bool = False,
    finish: str = DEFAULT_FINISH,
) -> MotifPlan:
    """Map features to a plan; the seed comes from the recording's content and the style.

    ``mapping`` is a mapping TOML file or a loaded table (the default table when None);
    ``absolute`` uses its fixed reference ranges instead of per-recording normalisation;
    ``border`` is the pinggiran style (none, line, motif); ``legend`` adds the legend strip;
    ``finish`` is how the cloth is drawn and dyed (tulis, cap or crisp).
    """
    get_motif(motif), get_palette(palette)  # fail early with the list of names
    table = mapping if isinstance(mapping, MappingTable) else load_mapping(mapping)
    seeds = SeedTree(f"{features.source.get('content_hash', '')}|{motif}|{palette}|{cloth}")
    size = get_cloth(cloth)
    layout = cloth_layout(size, border, motif=motif, legend=legend)
    return map_features(features, motif, palette, size, seeds, table=table,
                        mode="absolute" if absolute else "relative", layout=layout, legend=legend,
                        finish=finish)


#: Endings of one recording file that are taken off as a whole to name its piece.
_COMPOUND_SUFFIXES = (".fif.gz", ".raw.fif", ".edf.gz")


def default_piece_name(path: str | os.PathLike) -> str:
    """The name of a piece made from ``path``: its file name without the format's extension.

    Only the last extension goes (``rec.v1.edf`` gives ``rec.v1``, so versions of a recording stay
    apart), leading dots go (``.hidden.edf`` gives ``hidden``), and a name left empty becomes
    ``recording``. Never a directory: only the file name is used.
    """
    name = Path(path).name
    lower = name.lower()
    compound = next((s for s in _COMPOUND_SUFFIXES if lower.endswith(s) and len(name) > len(s)), None)
    stem = name[: -len(compound)] if compound else (Path(name).stem if Path(name).suffix else name)
    return stem.strip(". ") or "recording"


def render_recording(
    path: str | os.PathLike,
    outdir: str | os.PathLike = "out",
    motif: str = DEFAULT_MOTIF,
    palette: str = DEFAULT_PALETTE,
    cloth: str = DEFAULT_CLOTH,
    dpi: float = DEFAULT_DPI,
    overwrite: bool = False,
    command: CommandLine = None,
    progress: Progress | None = None,
    mapping: str | os.PathLike | None = None,
    absolute: bool = False,
    border: str = DEFAULT_BORDER,
    legend: bool = False,
    formats: str | Sequence[str] = DEFAULT_FORMATS,
    preview: bool = False,
    workers: int | None = None,
    name: str | None = None,
    features: BandFeatures | None = None,
    finish: str = DEFAULT_FINISH,
) -> RenderResult:
    """Render a recording as a batik cloth: PNG plus metadata JSON.

    Parameters
    ----------
    path : path-like
        The EEG recording, or a features file written by ``BandFeatures.save``.
    outdir : path-like
        Folder for the outputs (created if needed).
    motif, palette, cloth : str
        Registry names.
    dpi : float
        Raster resolution.
    overwrite : bool
        Replace existing outputs.
    command : list of str or callable, optional
        The command line to record in the metadata, or a function that spells it from the
        recipe (``batikgen render`` passes one built from its own options). None records none:
        the recipe in metadata.json says everything the command would.
    progress : callable, optional
        ``progress(stage, done, total)``.
    mapping, absolute, border, legend
        As for :func:`plan_from_features`.
    formats : str or sequence of str
        Any of ``png``, ``tiff``, ``svg`` (``"png,tiff"`` or a list). A JPEG preview, a palette
        proof strip and metadata.json are written besides.
    preview : bool
        Quick look: PNG and JPEG preview only, at ``PREVIEW_DPI`` unless ``dpi`` is lower.
    workers : int, optional
        Processes drawing strips, and processes or threads building a cap or tulis composition;
        default the available cores.
    name : str, optional
        The piece's name: outputs are ``NAME-MOTIF.*``. Default :func:`default_piece_name` of
        ``path``. A name is one file name: no separators, no leading dot.
    features : BandFeatures, optional
        Features already computed from ``path`` (a batch shares them between styles); the
        recording is then not read again.
    finish : str
        ``tulis`` (hand-drawn, default), ``cap`` (stamped) or ``crisp`` (exact vectors).

    Returns
    -------
    RenderResult
    """
    path = Path(path)
    outdir = Path(outdir)
    name = default_piece_name(path) if name is None else check_piece_name(name)
    stem = f"{name}-{motif}"
    formats = DEFAULT_FORMATS if preview else parse_formats(formats)
    dpi = min(dpi, PREVIEW_DPI) if preview else dpi
    # Claimed before the work: an unwritable folder, existing outputs or a second run into the same
    # names fail at once; the claim is held until every output is in place.
    with claim_outputs(outdir, stem, overwrite, formats, preview=True, proof=not preview) as claim:
        if features is None:
            features = features_from_file(path, progress=progress)
        plan = plan_from_features(features, motif, palette, cloth, mapping=mapping, absolute=absolute,
                                  border=border, legend=legend, finish=finish)
        composition = build_composition(plan, workers=workers)
        recipe = Recipe(recording=path.name, content_hash=str(features.source.get("content_hash", "")),
                        motif=motif, palette=palette, cloth=cloth, border=border,
                        mapping=Path(mapping).name if mapping else None, absolute=absolute, legend=legend,
                        dpi=dpi, formats=list(formats), preview=preview,
                        name=None if name == default_piece_name(path) else name, finish=finish)
        if callable(command):
            command = command(recipe.to_dict())
        settings = {"motif": motif, "palette": palette, "cloth": cloth, "border": border, "legend": legend,
                    "mapping": plan.mapping_name, "normalisation": plan.mapping_mode, "finish": plan.finish}
        outputs = write_outputs(composition, plan, outdir, stem, dpi, settings, command, overwrite, progress,
                                formats=formats, preview=True, proof=not preview, workers=workers,
                                recipe=recipe.to_dict(), claim=claim)
    return RenderResult(plan=plan, features=features, outputs=outputs, recipe=recipe)
