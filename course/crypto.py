"""Sensitive text encrypted at rest: AES-GCM under keys kept outside the database.

A stored value reads ``enc1$<key id>$<nonce and ciphertext, base64>``. The key id (the first
8 hex digits of the key's SHA-256) says which key wrote it, so several keys can be held at once:
the first encrypts, every one decrypts, and `flask --app course rotate-keys` moves everything
to the first. There is no timestamp in a value (Fernet tokens carry one), so an encrypted
answer does not tell when it was written.

The keys come from COURSE_ENCRYPTION_KEYS (a list, or comma-separated in the environment) or,
when that is unset, from instance/encryption_keys (one key a line, first encrypts), generated
once with mode 0600 like the secret key.
"""

import base64
import binascii
import hashlib
import os
import threading
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

PREFIX = "enc1$"
KEY_FILE = "encryption_keys"
_NONCE_BYTES = 12


class EncryptionKeyProblem(Exception):
    """Raised when the keys cannot encrypt or decrypt; the message says what to do."""


def new_key():
    """A fresh 256-bit key, as it is written in the key file or the environment."""
    return base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode()


def key_id(key_text):
    """The short id stored with each value the key encrypted."""
    return hashlib.sha256(_key_bytes(key_text)).hexdigest()[:8]


def _key_bytes(key_text):
    """A key's 32 bytes from its base64 text."""
    try:
        raw = base64.urlsafe_b64decode(key_text.strip().encode())
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise EncryptionKeyProblem(
            "An encryption key is not 32 bytes of URL-safe base64; "
            "make one with `flask --app course rotate-keys --new-key`."
        )
    return raw


def is_encrypted(value):
    """Whether a stored value is ciphertext written by this module."""
    return isinstance(value, str) and value.startswith(PREFIX)


def stored_key_id(value):
    """The key id of a stored value."""
    return value[len(PREFIX) :].split("$", 1)[0]


class Keyring:
    """The keys in use: the first encrypts, all decrypt; a key file is re-read when it changes."""

    def __init__(self, keys=None, path=None):
        self.path = path
        self._lock = threading.Lock()
        self._mtime = None
        self._set(keys if keys is not None else self._read_file())

    def _set(self, keys):
        keys = [key.strip() for key in keys if key.strip()]
        if not keys:
            raise EncryptionKeyProblem("No encryption key is configured.")
        ids = [key_id(key) for key in keys]
        ciphers = {kid: AESGCM(_key_bytes(key)) for kid, key in zip(ids, keys, strict=True)}
        self._state = (keys, ids, ciphers)  # one assignment, so other threads see old or new

    @property
    def key_texts(self):
        """The keys, first the one that encrypts."""
        return self._state[0]

    @property
    def ids(self):
        """The keys' ids, in the same order."""
        return self._state[1]

    def _read_file(self):
        """Read the key file, creating it with one key on first use."""
        try:  # exclusive create: two workers starting together keep one key
            with open(self.path, "x") as handle:
                os.chmod(self.path, 0o600)
                handle.write(new_key() + "\n")
        except FileExistsError:
            pass
        self._mtime = os.stat(self.path).st_mtime_ns
        lines = Path(self.path).read_text().splitlines()
        return [line for line in lines if line.strip() and not line.lstrip().startswith("#")]

    def refresh(self):
        """Re-read the key file if another process (rotate-keys) changed it."""
        if self.path is None:
            return
        with self._lock:
            if os.stat(self.path).st_mtime_ns != self._mtime:
                self._set(self._read_file())

    @property
    def primary_id(self):
        """The id of the key that encrypts."""
        self.refresh()
        return self.ids[0]

    def encrypt(self, text):
        """Encrypt text under the first key."""
        self.refresh()
        _, ids, ciphers = self._state
        nonce = os.urandom(_NONCE_BYTES)
        sealed = ciphers[ids[0]].encrypt(nonce, text.encode("utf-8"), None)
        return f"{PREFIX}{ids[0]}${base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt(self, value):
        """Decrypt a stored value with the key that wrote it."""
        if not is_encrypted(value):
            raise EncryptionKeyProblem("A value that should be encrypted is stored in clear.")
        kid, _, payload = value[len(PREFIX) :].partition("$")
        if kid not in self._state[2]:
            self.refresh()
        cipher = self._state[2].get(kid)
        if cipher is None:
            raise EncryptionKeyProblem(
                f"Text encrypted under key {kid} cannot be read: that key is not configured. "
                "Restore it from the key backup."
            )
        raw = base64.urlsafe_b64decode(payload.encode())
        try:
            plain = cipher.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], None)
        except InvalidTag:
            raise EncryptionKeyProblem(
                f"A value under key {kid} failed its integrity check."
            ) from None
        return plain.decode("utf-8")


def keyring(app=None):
    """The app's keyring, built on first use."""
    app = app or current_app._get_current_object()
    ring = app.extensions.get("course_keyring")
    if ring is None:
        configured = app.config.get("COURSE_ENCRYPTION_KEYS")
        if isinstance(configured, str):
            configured = configured.split(",")
        if configured:
            ring = Keyring(keys=list(configured))
        else:
            ring = Keyring(path=str(Path(app.instance_path) / KEY_FILE))
        app.extensions["course_keyring"] = ring
    return ring


def encrypt(text):
    """Encrypt text (None stays None)."""
    return None if text is None else keyring().encrypt(text)


def decrypt(value):
    """Decrypt a stored value (None stays None)."""
    return None if value is None else keyring().decrypt(value)


class EncryptedText(TypeDecorator):
    """A text column stored encrypted; the code reads and writes plain str.

    Equality, LIKE, ORDER BY and GROUP BY on it mean nothing in SQL (each write has a fresh
    nonce): filter in Python after decrypting, and compare raw values with type_coerce(column,
    Text) where a conditional write needs it. IS NULL still works.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """Encrypt on the way in."""
        return encrypt(value)

    def process_result_value(self, value, dialect):
        """Decrypt on the way out."""
        return decrypt(value)
