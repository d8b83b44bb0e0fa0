"""The staff token: from BATIKGEN_TOKEN, or generated once and kept (mode 0600) in the exhibition."""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

#: Environment variable that sets the staff token (it is then never written to disk).
TOKEN_ENV = "BATIKGEN_TOKEN"
#: Shortest token accepted from the environment: a guessable token is no protection.
MIN_TOKEN_LENGTH = 16


def load_or_create_token(private_dir: Path, environ: dict | None = None) -> tuple[str, bool]:
    """The staff token, and whether it was generated just now (so the caller prints it, once).

    Parameters
    ----------
    private_dir : Path
        The service's private folder; ``token`` in it holds a generated token.
    environ : dict, optional
        Where to look for :data:`TOKEN_ENV` (default ``os.environ``).

    Returns
    -------
    (str, bool)

    Raises
    ------
    ParameterError
        If the token in the environment is shorter than :data:`MIN_TOKEN_LENGTH` characters.
    """
    from ..errors import ParameterError

    environ = os.environ if environ is None else environ
    given = environ.get(TOKEN_ENV, "").strip()
    if given:
        if len(given) < MIN_TOKEN_LENGTH:
            raise ParameterError(f"{TOKEN_ENV} must be at least {MIN_TOKEN_LENGTH} characters; "
                                 f"got {len(given)}")
        return given, False
    path = private_dir / "token"
    if path.exists():
        return path.read_text(encoding="ascii").strip(), False
    private_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    # O_EXCL with mode 0600: the file is never readable by others, not even for a moment.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(token + "\n")
    return token, True


def token_matches(authorization: str | None, token: str) -> bool:
    """Whether an ``Authorization: Bearer ...`` header carries ``token`` (compared in constant time)."""
    if not authorization:
        return False
    scheme, _, given = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())
