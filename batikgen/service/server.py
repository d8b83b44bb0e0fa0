"""Run the service: the web server and its render workers in one process."""

from __future__ import annotations

import logging

import uvicorn

from .app import create_app
from .config import ServiceConfig
from .state import Service

log = logging.getLogger(__name__)


def serve(service: Service, host: str = "127.0.0.1", port: int = 8000, access_log: bool = False) -> None:
    """Serve ``service`` until interrupted (Ctrl-C or SIGTERM stop it cleanly).

    Parameters
    ----------
    service : Service
        Opened with :class:`Service` (which checks the exhibition and gets the token).
    host, port : str, int
        Where to listen; loopback by default (put a TLS reverse proxy in front for a network).
    access_log : bool
        Log every request (method, URL path, status).
    """
    app = create_app(service)
    # log_config=None: uvicorn logs through the handlers batikgen set up, at batikgen's level.
    uvicorn.run(app, host=host, port=port, log_config=None, access_log=access_log, lifespan="on",
                timeout_graceful_shutdown=5, server_header=False)


__all__ = ["Service", "ServiceConfig", "serve"]
