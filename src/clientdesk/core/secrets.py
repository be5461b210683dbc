"""Random tokens that are shown once and stored only as their SHA-256 hash."""

import hashlib
import secrets


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_new(prefix: str = "") -> tuple[str, str]:
    """A new (raw, hash) pair; the raw token leaves the server once and is never stored."""
    raw = prefix + secrets.token_urlsafe(32)
    return raw, token_hash(raw)
