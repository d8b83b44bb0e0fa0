"""Static web export of an exhibition: ``build_site(exhibition_dir) -> SiteReport``.

The site works offline from any folder (``file://``): deep-zoom tiles made with libvips, shown with
the vendored OpenSeadragon; pages from Jinja2 templates with autoescape.
"""

from .builder import SiteReport, build_site

__all__ = ["SiteReport", "build_site"]
