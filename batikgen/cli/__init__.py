"""The batikgen command line: thin click wrappers around the library, one module per command."""

# First, before the slow imports: Ctrl-C while starting ends with one line and exit 130.
from . import _startup  # noqa: F401  (installs its handler when imported)

# isort: split
# Each command's module is imported when the command is asked for (see common.LazyGroup).
from .common import main

__all__ = ["main"]
