"""The batikgen command line: thin click wrappers around the library, one module per command."""

from . import render  # noqa: F401  (each module registers its command on the group)
from . import features  # noqa: F401
from . import inspect  # noqa: F401
from .common import main

__all__ = ["main"]
