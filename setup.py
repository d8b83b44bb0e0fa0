"""The compiled parts of batikgen; everything else about the package is in pyproject.toml.

They are declared here because setuptools still calls pyproject.toml's ext-modules table
experimental (and warns at every install). Each is optional: without a C compiler the install
still works and batikgen runs the numpy code they stand in for (the same results, more CPU).
"""

from setuptools import Extension, setup

setup(ext_modules=[
    # The dye pass of the cap and tulis finishes (batikgen/render/dye.py says why it is compiled).
    Extension("batikgen.render._dye", ["batikgen/render/_dye.c"], include_dirs=["batikgen"],
              depends=["batikgen/_buffers.h"], extra_compile_args=["-O3"], optional=True),
    # Vertices slid onto pixel rows before cap and tulis are drawn (batikgen/render/_snap.c says
    # why). -ffp-contract=off, as the hand: the same floats as its numpy version.
    Extension("batikgen.render._snap", ["batikgen/render/_snap.c"], include_dirs=["batikgen"],
              depends=["batikgen/_buffers.h"], extra_compile_args=["-O3", "-ffp-contract=off"], optional=True),
    # The tulis hand's per-vertex work (batikgen/cloth/_hand.c says why). -ffp-contract=off: no
    # multiply-add is fused, so its floats follow numpy's operation for operation.
    Extension("batikgen.cloth._hand", ["batikgen/cloth/_hand.c"], include_dirs=["batikgen"],
              depends=["batikgen/_buffers.h"], extra_compile_args=["-O3", "-ffp-contract=off"], optional=True),
])
