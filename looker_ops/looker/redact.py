"""Secret redaction for every message, log line and exception text that leaves the Looker layer.

One process-wide registry (``REDACTOR``) holds the secrets known so far: the Looker client
secret, access tokens handed out by Looker, and anything other parts register (AWS secret keys,
webhook tokens) with :func:`register_secret`. Besides exact values, a few patterns are always
masked (``client_secret=...``, ``"access_token": "..."``, ``Authorization: Bearer ...``, the user
info of ``https://user:token@host`` URLs), so a secret that was never registered is still hidden
when it appears in one of those shapes.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Iterable, Mapping

MASK = "***"

# Shapes that carry a secret whatever its value: key=value (form/query), "key": "value" (JSON),
# and bearer tokens. Group 1 is kept, the value is masked.
_KEYS = (
    r"client_secret|access_token|refresh_token|password|git_password|secret_parameters|"
    r"aws_secret_access_key|secret_access_key|secret|token"
)
_PATTERNS = (
    re.compile(rf"((?:{_KEYS})=)[^&\s\"']+", re.IGNORECASE),
    re.compile(rf"(\"(?:{_KEYS})\"\s*:\s*\")(?:[^\"\\]|\\.)*(?=\")", re.IGNORECASE),
    re.compile(rf"('(?:{_KEYS})'\s*:\s*')[^']*(?=')", re.IGNORECASE),
    re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]+", re.IGNORECASE),
    re.compile(r"(token\s+)[A-Za-z0-9._~+/=-]{16,}", re.IGNORECASE),
    # Credentials in URLs (a git remote such as https://bot:TOKEN@github.com/org/repo.git, which
    # Looker repeats in its errors): all user info of an http(s) URL, the password of any other.
    re.compile(r"(\bhttps?://)[^/@\s'\"]+(?=@)", re.IGNORECASE),
    re.compile(r"(\b[a-z][a-z0-9+.-]*://[^/@\s:'\"]*:)[^/@\s'\"]+(?=@)", re.IGNORECASE),
)

_MIN_SECRET_LEN = 4


class Redactor:
    """Masks registered secret values and secret-shaped substrings in text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._secrets: set[str] = set()
        for s in secrets:
            self.add(s)

    def add(self, secret: str | None) -> None:
        """Register a value that must never be shown. Short or empty values are ignored."""
        if not secret or len(secret) < _MIN_SECRET_LEN:
            return
        with self._lock:
            self._secrets.add(secret)

    def __contains__(self, secret: str) -> bool:
        return secret in self._secrets

    def redact(self, text: object) -> str:
        out = text if isinstance(text, str) else str(text)
        with self._lock:
            # Longest first, so a secret containing another one is masked whole.
            secrets = sorted(self._secrets, key=len, reverse=True)
        for s in secrets:
            if s in out:
                out = out.replace(s, MASK)
        for pat in _PATTERNS:
            out = pat.sub(lambda m: m.group(1) + MASK, out)
        return out


REDACTOR = Redactor()


def register_secret(secret: str | None) -> None:
    """Register a secret with the process-wide redactor (AWS keys, webhook tokens, ...)."""
    REDACTOR.add(secret)


def redact(text: object) -> str:
    return REDACTOR.redact(text)


# Parts of an environment variable's name (split at ``_``) that say its value is a secret:
# LOOKERSDK_CLIENT_SECRET, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, GITHUB_TOKEN, DB_PASSWORD ...
_SECRET_NAME_PARTS = frozenset(
    {"SECRET", "TOKEN", "PASSWORD", "PASSWD", "PASSPHRASE", "APIKEY", "CREDENTIALS"}
)


# Shorter values of such variables are flags or placeholders (``true``, ``none``), not secrets:
# masking them would blank ordinary words of every message.
_MIN_ENV_SECRET_LEN = 8


def secret_env_values(environ: Mapping[str, str]) -> list[str]:
    """The values of the variables of ``environ`` whose name says they hold a secret (a part
    such as SECRET, TOKEN or PASSWORD), of 8 characters or more."""
    out = []
    for name, value in environ.items():
        parts = set(name.upper().split("_"))
        if parts & _SECRET_NAME_PARTS and len(value.strip()) >= _MIN_ENV_SECRET_LEN:
            out.append(value.strip())
    return out


def mask_message(text: object, environ: Mapping[str, str] | None = None) -> str:
    """A message meant for a person or a JSON reader, with every secret masked: what
    :data:`REDACTOR` masks (registered secrets, secret-shaped substrings, the credentials of
    URLs), and the value of each secret environment variable (:func:`secret_env_values`). Every
    error message the command line prints or writes goes through this one function."""
    out = REDACTOR.redact(text)
    values = secret_env_values(os.environ if environ is None else environ)
    for value in sorted(values, key=len, reverse=True):
        out = out.replace(value, MASK)
    return out


class RedactingFilter(logging.Filter):
    """A logging filter that rewrites each record's message with secrets masked."""

    def __init__(self, redactor: Redactor | None = None) -> None:
        super().__init__()
        self.redactor = redactor or REDACTOR

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is not ours to fix; leave it alone
            return True
        record.msg = self.redactor.redact(message)
        record.args = None
        return True


# Loggers that can see request details. Filters on a logger apply to records created on it,
# so each logger that emits is listed by its own name.
_LOGGERS = (
    "looker_ops",
    "looker_ops.looker",
    "looker_ops.looker.retry",
    "looker_sdk",
    "looker_sdk.rtl.requests_transport",
    "urllib3.connectionpool",
)
_installed = False


def install_logging_filter() -> None:
    """Attach the redacting filter to the loggers that see Looker traffic (idempotent)."""
    global _installed
    if _installed:
        return
    filt = RedactingFilter()
    for name in _LOGGERS:
        logging.getLogger(name).addFilter(filt)
    _installed = True
