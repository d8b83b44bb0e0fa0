"""Seeds derived from a recording's content: the only source of randomness in batikgen.

A :class:`SeedTree` is made from a hex digest (the recording's content hash, possibly mixed with
the user's style choices). Each consumer asks for a *named* stream, so adding a new consumer never
shifts the numbers another one gets, and the order of calls does not matter.
"""

from __future__ import annotations

import hashlib

import numpy as np


def _words(text: str) -> list[int]:
    """32-bit words of the SHA-256 of ``text``: SeedSequence entropy without precision loss."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return [int.from_bytes(digest[i : i + 4], "little") for i in range(0, len(digest), 4)]


class SeedTree:
    """Deterministic, named random streams derived from a content hash.

    Parameters
    ----------
    root : str
        Any string, usually a recording's content hash; equal roots give equal streams.

    Examples
    --------
    >>> tree = SeedTree("abc")
    >>> a = tree.rng("crackle").random()
    >>> b = SeedTree("abc").rng("crackle").random()
    >>> a == b
    True
    """

    def __init__(self, root: str):
        self.root = str(root)

    def child(self, name: str) -> "SeedTree":
        """A sub-tree for one component, e.g. one row of the cloth."""
        return SeedTree(f"{self.root}/{name}")

    def seed_sequence(self, name: str) -> np.random.SeedSequence:
        """The SeedSequence of the stream called ``name``."""
        return np.random.SeedSequence(_words(f"{self.root}/{name}"))

    def rng(self, name: str) -> np.random.Generator:
        """A fresh generator for the stream called ``name`` (same name, same numbers)."""
        return np.random.Generator(np.random.PCG64(self.seed_sequence(name)))

    def integer(self, name: str) -> int:
        """A stable 63-bit integer for the stream called ``name`` (for recording in metadata)."""
        return int(self.seed_sequence(name).generate_state(2, np.uint64)[0] >> np.uint64(1))

    def __repr__(self) -> str:
        return f"SeedTree({self.root!r})"
