"""`batikgen serve`: the exhibition web service."""

from __future__ import annotations

from pathlib import Path

import click

from .._validate import parse_size
from ..service.config import DEFAULT_MAX_UPLOAD, ServiceConfig
from .common import fail_cleanly, main


@main.command("serve")
@click.argument("exhibition", type=click.Path(path_type=Path, file_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; keep loopback and put a TLS reverse proxy in front (docs/service.md).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--workers", type=click.IntRange(0, 64), default=1, show_default=True,
              help="Pieces rendered at once, each in its own process (0: queue uploads, render none).")
@click.option("--max-upload", "max_upload", default=f"{DEFAULT_MAX_UPLOAD // 10**6}MB", show_default=True,
              help="Largest upload, e.g. 200MB (the default fits an hour of 64-channel EEG).")
@click.option("--quota", default=None, help="Most the exhibition folder may hold, e.g. 20GB (default: the disk).")
@click.option("--keep-recordings", is_flag=True, help="Keep each raw recording after its piece is rendered.")
@click.option("--render-timeout", type=click.FloatRange(1, None), default=1800, show_default=True,
              help="Seconds a render may take before its process is stopped and the piece failed.")
@click.pass_context
@fail_cleanly
def serve_command(ctx, exhibition, host, port, workers, max_upload, quota, keep_recordings, render_timeout):
    """Serve EXHIBITION: staff upload recordings, pieces render in the background, the gallery updates.

    The gallery is at http://HOST:PORT/, the staff page at /staff, the API under /api (its schema at
    /openapi.json). Staff need the token from BATIKGEN_TOKEN, or the one generated on the first start
    (printed once, kept in EXHIBITION/service/token).
    """
    from ..service.server import Service, serve  # the web stack only for this command

    config = ServiceConfig(exhibition=exhibition, workers=workers, max_upload=parse_size("--max-upload", max_upload),
                           quota=parse_size("--quota", quota) if quota else None, keep_recordings=keep_recordings,
                           render_timeout=render_timeout)
    service = Service(config)
    if service.token_created:
        click.echo(f"staff token (shown once; kept in {service.config.private_dir / 'token'}): {service.token}",
                   err=True)
    click.echo(f"batikgen: serving {service.title!r} on http://{host}:{port}/ (staff page: /staff)", err=True)
    serve(service, host=host, port=port, access_log=ctx.obj["verbose"] > 0)
