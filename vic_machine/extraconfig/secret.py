"""Sealing ``@secret`` values as VIC 1.5 does: NaCl secretbox (XSalsa20-Poly1305).

The VCH holds one random 32-byte key, stored base64-encoded in ``guestinfo.ovfEnv`` (vSphere keeps that key out
of API answers; the appliance reads it in the guest). A sealed value is ``base64(nonce(24) ‖ box)`` with a fresh
random nonce each time, so the same plaintext never seals to the same text twice.
"""

from __future__ import annotations

import base64
import binascii

from vic_machine.errors import VicError

# NaCl's secretbox sizes (nacl.secret.SecretBox's), here so that reading a configuration without sealed values
# (``ls``) does not load libsodium.
KEY_SIZE = 32
NONCE_SIZE = 24
MAC_SIZE = 16


class SecretError(VicError):
    """A sealed extraConfig value cannot be opened with the key at hand."""

    code = "secret"


class SecretKey:
    """The per-VCH secretbox key; never printed."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_SIZE:
            raise SecretError(f"A VCH secret key has {KEY_SIZE} bytes, not {len(key)}")
        self._key = bytes(key)
        self._sealer = None

    @property
    def _box(self):
        if self._sealer is None:
            import nacl.secret

            self._sealer = nacl.secret.SecretBox(self._key)
        return self._sealer

    @classmethod
    def generate(cls) -> SecretKey:
        """A new random key."""
        import nacl.utils

        return cls(nacl.utils.random(KEY_SIZE))

    @classmethod
    def from_string(cls, text: str) -> SecretKey:
        """The key as stored in ``guestinfo.ovfEnv`` (base64)."""
        try:
            raw = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise SecretError("The VCH secret key (guestinfo.ovfEnv) is not base64") from None
        return cls(raw)

    @property
    def raw(self) -> bytes:
        return self._key

    def to_string(self) -> str:
        """The value to store in ``guestinfo.ovfEnv``."""
        return base64.b64encode(self._key).decode("ascii")

    def seal(self, plaintext: str) -> str:
        """Seal a value with a fresh random nonce: base64(nonce ‖ box)."""
        import nacl.utils

        nonce = nacl.utils.random(NONCE_SIZE)
        box = self._box.encrypt(plaintext.encode("utf-8"), nonce)  # nonce ‖ ciphertext
        return base64.b64encode(bytes(box)).decode("ascii")

    def open(self, sealed: str, *, key_name: str = "") -> str:
        """Open a sealed value; SecretError if it was not sealed with this key."""
        where = f" of {key_name}" if key_name else ""
        try:
            data = base64.b64decode(sealed, validate=True)
        except (binascii.Error, ValueError):
            raise SecretError(f"The sealed value{where} is not base64") from None
        if len(data) < NONCE_SIZE + MAC_SIZE:
            raise SecretError(f"The sealed value{where} is too short")
        import nacl.exceptions

        try:
            plain = self._box.decrypt(data[NONCE_SIZE:], data[:NONCE_SIZE])
        except nacl.exceptions.CryptoError:
            raise SecretError(
                f"The sealed value{where} does not open with this VCH's key",
                remedy="The value was sealed with another key (guestinfo.ovfEnv)",
            ) from None
        return plain.decode("utf-8")

    def __repr__(self) -> str:
        return "SecretKey(<hidden>)"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SecretKey) and other._key == self._key

    def __hash__(self) -> int:
        return hash(self._key)
