"""Pattern engine: motif families, palettes, the brain-to-motif mapping and composition."""

from . import kawung  # noqa: F401  (registers the family)
from . import parang  # noqa: F401
from . import lereng  # noqa: F401
from . import ceplok  # noqa: F401
from . import mega_mendung  # noqa: F401
from . import truntum  # noqa: F401
from . import nitik  # noqa: F401
from . import tumpal  # noqa: F401
from . import sido  # noqa: F401
from . import semen  # noqa: F401
from . import lung_lungan  # noqa: F401
from . import tambal  # noqa: F401
from .kit.palettes import PALETTES, get_palette
from .registry import MOTIFS, get_motif

__all__ = ["MOTIFS", "PALETTES", "get_motif", "get_palette"]
