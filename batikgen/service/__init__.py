"""`batikgen serve`: the exhibition web service (uploads, durable render jobs, staff auth, the gallery).

``batikgen.service.server`` has :class:`Service` and :func:`serve`, ``batikgen.service.app`` the
ASGI app; this package's top level stays light (no web framework imported) for the command line.
"""

from .config import DEFAULT_MAX_UPLOAD, ServiceConfig

__all__ = ["DEFAULT_MAX_UPLOAD", "ServiceConfig"]
