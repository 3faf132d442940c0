"""Encrypting connector secrets at rest with a key derived from CORRIGO_SECRET_KEY.

Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`) authenticates what it
encrypts, so a changed ciphertext or a different server key is detected rather
than decrypted into garbage. The key is derived with HKDF under a label of its
own, so it is never the same bytes as the keys of sessions or reader hashes.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_LABEL = b"corrigo connector secrets v1"


class SecretError(Exception):
    """A stored secret cannot be decrypted (the server's secret key changed, or it was altered)."""


class SecretBox:
    """Seals and opens short secrets (passwords, tokens) under the server's secret key."""

    def __init__(self, secret_key: str) -> None:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_LABEL).derive(
            secret_key.encode()
        )
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def seal(self, plain: str) -> str:
        """The encrypted, authenticated form of `plain` (ASCII, safe to store)."""
        return self._fernet.encrypt(plain.encode()).decode("ascii")

    def open(self, sealed: str) -> str:
        """The secret that :meth:`seal` encrypted; raises :class:`SecretError` otherwise."""
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode()
        except (InvalidToken, UnicodeError) as exc:
            raise SecretError(
                "a connector secret cannot be decrypted: CORRIGO_SECRET_KEY changed since it "
                "was saved; set the connector again"
            ) from exc
