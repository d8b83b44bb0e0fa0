"""The HTTP face of the service: the pieces API, the staff page, the swatches and the gallery."""

from __future__ import annotations

import contextlib
import html
import logging
import secrets
import shutil
from pathlib import Path
from typing import Annotated, Literal

from fastapi import Depends, FastAPI, File, Form, HTTPException, Response, UploadFile
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

from .. import __version__
from ..errors import BatikgenError
from .auth import token_matches
from .handlers import install_error_handlers
from .limits import BodyLimit
from .quota import room_left
from .state import Service
from .styles import MOTIF_NAMES, PALETTE_NAMES, StyleProblem, swatch_png
from .uploads import store_recording

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
#: Letters of generated piece ids: lower case and digits without look-alikes (0/o, 1/l/i).
_ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_ID_LENGTH = 10
PREPARING = """<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="3">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>TITLE</title></head>
<body style="font-family: system-ui, sans-serif; text-align: center; padding-top: 20vh">
<h1>TITLE</h1><p>The gallery is being prepared.</p></body></html>"""

#: The staff token as the OpenAPI schema declares it (checked by hand: 401 with a JSON body).
BEARER = HTTPBearer(auto_error=False, description="The staff token")
Motif = Literal[tuple(MOTIF_NAMES)]  # type: ignore[valid-type]
Palette = Literal[tuple(PALETTE_NAMES)]  # type: ignore[valid-type]


class Piece(BaseModel):
    """A piece as staff see it."""

    id: str
    title: str
    note: str | None = None
    status: Literal["queued", "running", "done", "failed"]
    position: int | None = None
    stage: str | None = None
    error: str | None = None
    motif: str
    palette: str
    cloth: str
    created_at: float | None = None
    started_at: float | None = None
    finished_at: float | None = None
    duration_s: float | None = None
    preview: str | None = None


class Health(BaseModel):
    """The service is up; how much work it has."""

    status: Literal["ok"]
    version: str
    queued: int
    running: int
    done: int
    failed: int


class Styles(BaseModel):
    """The choices of the upload form, and what a piece gets when it does not choose."""

    motifs: list[str]
    palettes: list[str]
    cloths: list[str]
    defaults: dict[str, str]


class Error(BaseModel):
    """Every error answer: one line, and for 422 the fields at fault."""

    detail: str
    errors: list[dict[str, str]] | None = None


_ERRORS = {401: {"model": Error, "description": "No or wrong staff token"},
           404: {"model": Error, "description": "No such piece"},
           422: {"model": Error, "description": "A field is missing or invalid"}}


def new_piece_id() -> str:
    """A fresh random slug (about 49 bits): never derived from anything the client sent."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(_ID_LENGTH))


def piece_json(record, position: int | None = None) -> Piece:
    """The API's view of a catalogue record (no recording name or path can appear: none is in it)."""
    status = {"pending": "queued"}.get(record.status, record.status)
    done = status == "done" and "preview" in record.outputs
    return Piece(id=record.id, title=record.title, note=record.note, status=status,
                 position=position if status == "queued" else None,
                 stage=(record.stage or "starting") if status == "running" else None,
                 error=record.error if status == "failed" else None,
                 motif=record.motif, palette=record.palette, cloth=record.cloth, created_at=record.created_at,
                 started_at=record.started_at, finished_at=record.finished_at, duration_s=record.duration_s,
                 preview=f"/api/pieces/{record.id}/preview.jpg" if done else None)


def create_app(service: Service) -> FastAPI:
    """The ASGI app of one service (its job runner is started and stopped with the app's lifespan).

    Parameters
    ----------
    service : Service
        The exhibition, its catalogue, token and job runner.

    Returns
    -------
    FastAPI
    """

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        service.start()
        try:
            yield
        finally:
            service.stop()

    app = FastAPI(title="batikgen exhibition service", version=__version__, lifespan=lifespan,
                  docs_url=None, redoc_url=None,
                  description="Uploads of EEG recordings become batik pieces in the exhibition's gallery.")
    install_error_handlers(app)

    def staff(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]) -> None:
        header = f"{credentials.scheme} {credentials.credentials}" if credentials else None
        if not token_matches(header, service.token):
            raise HTTPException(401, "a staff token is needed: Authorization: Bearer TOKEN",
                                headers={"WWW-Authenticate": "Bearer"})

    def find(piece_id: str):
        record = service.catalogue.piece(piece_id)
        if record is None:
            raise HTTPException(404, f"no piece {piece_id!r}")
        return record

    def positions() -> dict[str, int]:
        queued = [p.id for p in service.catalogue.pieces() if p.status == "pending"]
        return {piece_id: i + 1 for i, piece_id in enumerate(queued)}

    @app.get("/healthz", response_model=Health, tags=["service"])
    def healthz() -> Health:
        counts = service.catalogue.counts()
        return Health(status="ok", version=__version__, queued=counts.get("pending", 0),
                      running=counts.get("running", 0), done=counts.get("done", 0), failed=counts.get("failed", 0))

    @app.get("/api/styles", response_model=Styles, tags=["pieces"])
    def styles() -> Styles:
        """The motif, palette and cloth names an upload may choose, and the exhibition's defaults."""
        return Styles(motifs=list(MOTIF_NAMES), palettes=list(PALETTE_NAMES), cloths=service.cloth_names,
                      defaults={k: str(service.defaults[k]) for k in ("motif", "palette", "cloth")})

    @app.post("/api/pieces", status_code=202, response_model=Piece, tags=["pieces"],
              dependencies=[Depends(staff)],
              responses={**_ERRORS, 413: {"model": Error, "description": "Upload over the size limit"},
                         507: {"model": Error, "description": "The exhibition folder is full"}})
    def create_piece(
        files: Annotated[list[UploadFile], File(min_length=1, description="The recording: one file, or the files "
                                                "of a multi-file format (BrainVision .vhdr/.vmrk/.eeg, EEGLAB .set/.fdt)")],
        title: Annotated[str, Form(min_length=1, max_length=200, description="The title visitors read")],
        note: Annotated[str | None, Form(max_length=2000, description="The participant's words")] = None,
        motif: Annotated[Motif | None, Form()] = None,
        palette: Annotated[Palette | None, Form()] = None,
        cloth: Annotated[str | None, Form(max_length=40, description="A cloth name, or a size like 60cmx90cm")] = None,
    ) -> Piece:
        """Queue a new piece from an uploaded recording; answered once the upload is safely stored."""
        title = " ".join("".join(c if c.isprintable() else " " for c in title).split())
        if not title:
            raise HTTPException(422, "title: must not be blank")
        note = note.strip() or None if note else None
        try:
            settings = service.settings_for(motif=motif, palette=palette, cloth=cloth)
        except StyleProblem as exc:
            raise HTTPException(422, str(exc)) from None
        size = sum(upload.size or 0 for upload in files)
        if size > room_left(service.config.exhibition, service.config.quota):
            raise HTTPException(507, "the exhibition folder is full")
        piece_id = new_piece_id()
        folder = service.config.uploads_dir / piece_id
        try:
            stored = store_recording([(upload.filename, upload.file) for upload in files], folder)
        except BatikgenError as exc:
            raise HTTPException(422, str(exc)) from None
        try:
            record = service.enqueue(piece_id, title, note, settings, stored)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        log.info("piece %s queued (%d file(s), %d bytes)", piece_id, len(files), stored.size)
        return piece_json(record, positions().get(piece_id))

    @app.get("/api/pieces", response_model=list[Piece], tags=["pieces"], dependencies=[Depends(staff)],
             responses={401: _ERRORS[401]})
    def list_pieces() -> list[Piece]:
        """Every piece, in queue order."""
        at = positions()
        return [piece_json(record, at.get(record.id)) for record in service.catalogue.pieces()]

    @app.get("/api/pieces/{piece_id}", response_model=Piece, tags=["pieces"], dependencies=[Depends(staff)],
             responses={401: _ERRORS[401], 404: _ERRORS[404]})
    def get_piece(piece_id: str) -> Piece:
        """One piece: queued with its position, running with its stage, done, or failed with the reason."""
        record = find(piece_id)
        return piece_json(record, positions().get(piece_id))

    @app.delete("/api/pieces/{piece_id}", status_code=204, tags=["pieces"], dependencies=[Depends(staff)],
                responses={401: _ERRORS[401], 404: _ERRORS[404]})
    def delete_piece(piece_id: str) -> Response:
        """Remove a piece: its recording, its outputs and its place in the gallery."""
        find(piece_id)
        service.delete(piece_id)
        log.info("piece %s deleted", piece_id)
        return Response(status_code=204)

    @app.get("/api/pieces/{piece_id}/preview.jpg", tags=["pieces"], response_class=FileResponse,
             responses={200: {"content": {"image/jpeg": {}}}, 404: _ERRORS[404]})
    def preview(piece_id: str) -> FileResponse:
        """The finished piece's preview image (public, like the gallery)."""
        record = find(piece_id)
        output = record.outputs.get("preview") if record.status == "done" else None
        if output is None:
            raise HTTPException(404, f"piece {piece_id!r} has no preview yet")
        return FileResponse(service.config.exhibition / output.path, media_type="image/jpeg")

    @app.get("/swatches/{motif}/{palette}.png", tags=["styles"], response_class=Response,
             responses={200: {"content": {"image/png": {}}}, 422: _ERRORS[422]})
    def swatch(motif: Motif, palette: Palette) -> Response:
        """A small swatch of a motif in a palette, for the upload form (cached in the service folder)."""
        data = swatch_png(motif, palette, service.config.private_dir / "swatches")
        return Response(data, media_type="image/png", headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/staff", response_class=HTMLResponse, include_in_schema=False)
    def staff_page() -> HTMLResponse:
        return HTMLResponse((STATIC / "staff.html").read_text(encoding="utf-8"))

    @app.get("/", include_in_schema=False)
    def gallery_index() -> Response:
        index = service.site_dir / "index.html"
        if index.is_file():
            return FileResponse(index, media_type="text/html")
        # Before the first build (a few seconds after the first start): a page that looks again soon.
        return HTMLResponse(PREPARING.replace("TITLE", html.escape(service.title)))

    @app.api_route("/api/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
    def unknown(rest: str) -> None:
        raise HTTPException(404, "no such API route")

    app.mount("/staff-assets", StaticFiles(directory=STATIC), name="staff-assets")
    # The gallery last: every path the routes above do not take is a file of the static site.
    app.mount("/", StaticFiles(directory=service.site_dir, html=True, check_dir=False), name="gallery")
    app.add_middleware(BodyLimit, limit=service.config.max_upload,
                       room=lambda: room_left(service.config.exhibition, service.config.quota),
                       room_paths=("/api/pieces",))
    return app
