"""Every error the service answers is a JSON body ``{"detail": ...}``: never a stack trace."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

log = logging.getLogger(__name__)


def _where(loc) -> str:
    return ".".join(str(part) for part in loc if part not in ("body", "query", "path", "header"))


def install_error_handlers(app: FastAPI) -> None:
    """JSON bodies for 4xx/5xx; 422 lists each bad field without echoing what was sent."""

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's own body would echo the input (a file name, say): only the field and the problem.
        problems = [{"field": _where(error.get("loc", ())), "problem": error.get("msg", "invalid")}
                    for error in exc.errors()]
        summary = "; ".join(f"{p['field'] or 'request'}: {p['problem']}" for p in problems)
        return JSONResponse({"detail": summary, "errors": problems}, status_code=422)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("internal error on %s %s: %s", request.method, request.url.path, type(exc).__name__)
        log.debug("internal error", exc_info=exc)
        return JSONResponse({"detail": "internal error"}, status_code=500)
