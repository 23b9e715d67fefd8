"""Looker connection settings, read the way Looker users already configure the SDK.

Sources, later ones winning (as in looker-sdk): a ``looker.ini`` section (``--looker-ini`` /
``--section``; ``./looker.ini`` when present and no file is given), then the environment:
``LOOKERSDK_BASE_URL``, ``LOOKERSDK_CLIENT_ID``, ``LOOKERSDK_CLIENT_SECRET``,
``LOOKERSDK_VERIFY_SSL``, ``LOOKERSDK_TIMEOUT``. Every problem is a :class:`BadInput` naming
the setting, the environment variable and the file/section to fix.

One shape reaches the client: :class:`ClientSettings`, built by :func:`client_settings` from
the SDK's sources with looker-ops.yaml's ``looker:`` section (``ini``, ``section``, ``timeout``,
``long_timeout``, ``max_retries``) and the command-line options applied. The client adapts it to
the SDK's settings protocol itself (``looker.client``).
"""

from __future__ import annotations

import configparser
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from looker_ops.errors import BadInput
from looker_ops.looker.redact import register_secret

if TYPE_CHECKING:
    from looker_ops.config.settings import LookerSettings

ENV_PREFIX = "LOOKERSDK"
DEFAULT_INI = "looker.ini"
DEFAULT_SECTION = "Looker"
KEYS = ("base_url", "client_id", "client_secret", "verify_ssl", "timeout")
DEFAULT_TIMEOUT = 120
DEFAULT_LONG_TIMEOUT = 900
# Longer than any real timeout, and small enough for every clock and socket API.
MAX_TIMEOUT = 7 * 24 * 3600

_TRUE = {"1", "true", "t", "yes", "y", "on"}
_FALSE = {"0", "false", "f", "no", "n", "off", ""}


def env_name(key: str) -> str:
    return f"{ENV_PREFIX}_{key.upper()}"


@dataclass(frozen=True)
class ClientSettings:
    """Everything the client needs. ``client_secret`` never appears in repr()."""

    base_url: str
    client_id: str
    client_secret: str = field(repr=False)
    verify_ssl: bool = True
    timeout: float = DEFAULT_TIMEOUT
    # Timeout for long operations (LookML validation, content validation, data tests, deploy).
    long_timeout: float = DEFAULT_LONG_TIMEOUT
    source: str = "arguments"
    # Retries of a failed call (attempts = retries + 1); None: the retry policy's default.
    max_retries: int | None = None

    def __post_init__(self) -> None:
        register_secret(self.client_secret)


def base_url_problem(url: str) -> str | None:
    """What makes ``url`` unusable as Looker's base URL, found before any call (so a typo is bad
    input, never retried as a network failure): not http(s), no host, a port that is not a
    number from 1 to 65535, or user info (credentials belong in client_id / client_secret)."""
    try:
        parsed = urlparse(url)
        port = parsed.port
    except ValueError:
        return "has a port that is not a number from 1 to 65535"
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return "is not an http(s) URL"
    if "@" in parsed.netloc:
        return "holds user info (user:password@): Looker takes client_id and client_secret instead"
    if not parsed.hostname:
        return "has no host name"
    if port == 0:
        return "has a port that is not a number from 1 to 65535"
    if parsed.query or parsed.fragment:
        return "has a query or fragment (expected the instance's address alone)"
    return None


def _strip_quotes(value: str) -> str:
    v = value.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        v = v[1:-1]
    return v


def _read_ini(
    path: Path, section: str | None, section_option: str = "--section"
) -> tuple[dict[str, str], str]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        with path.open(encoding="utf-8") as fh:
            parser.read_file(fh)
    except OSError as exc:
        raise BadInput(f"{path}: cannot read Looker settings file: {exc.strerror or exc}") from None
    except configparser.Error as exc:
        # configparser's messages name the file and line ("[line  3]: ...").
        first = str(exc).splitlines()[0]
        raise BadInput(f"{path}: not a valid looker.ini file: {first}") from None
    sections = parser.sections()
    if section is None:
        if not sections:
            raise BadInput(f"{path}: no sections; expected e.g. [{DEFAULT_SECTION}] with base_url, client_id")
        section = DEFAULT_SECTION if DEFAULT_SECTION in sections else sections[0]
    elif not parser.has_section(section):
        known = ", ".join(f"[{s}]" for s in sections) or "none"
        raise BadInput(f"{path}: no section [{section}] ({section_option}); sections in the file: {known}")
    values = {k: _strip_quotes(v) for k, v in parser[section].items() if k in KEYS}
    return values, f"{path} [{section}]"


def load_settings(
    looker_ini: str | Path | None = None,
    section: str | None = None,
    *,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
    long_timeout: float | None = None,
    require_credentials: bool = True,
    ini_option: str = "--looker-ini",
    section_option: str = "--section",
    max_retries: int | None = None,
) -> ClientSettings:
    """Read settings from looker.ini and/or LOOKERSDK_* variables; raise BadInput naming what is wrong.

    ``timeout`` / ``long_timeout`` given here (looker-ops.yaml's ``looker:`` keys) win over
    ``LOOKERSDK_TIMEOUT`` and the looker.ini ``timeout``. ``ini_option`` / ``section_option`` name
    where the user chose the file and section, for messages (a command-line option or a config key).
    """
    environ = os.environ if env is None else env
    values: dict[str, str] = {}
    origin: dict[str, str] = {}
    ini_label = None
    ini_path = _ini_file(looker_ini, section, ini_option, section_option)
    if ini_path is not None:
        ini_values, ini_label = _read_ini(ini_path, section, section_option)
        for k, v in ini_values.items():
            if v:
                values[k] = v
                origin[k] = f"{k} in {ini_label}"
    for k in KEYS:
        raw = environ.get(env_name(k))
        if raw is not None and _strip_quotes(raw):
            values[k] = _strip_quotes(raw)
            origin[k] = env_name(k)

    required = ["base_url", "client_id", "client_secret"] if require_credentials else ["base_url"]
    missing = [k for k in required if not values.get(k)]
    if missing:
        keys = ", ".join(missing)
        envs = ", ".join(env_name(k) for k in missing)
        where = ini_label if ini_label else f"a looker.ini section ({ini_option})"
        raise BadInput(f"Looker settings incomplete: missing {keys} (set {envs}, or {keys} in {where})")

    base_url = values["base_url"].rstrip("/")
    if base_url.endswith("/api/4.0"):
        base_url = base_url[: -len("/api/4.0")]
    if (problem := base_url_problem(base_url)) is not None:
        raise BadInput(
            f"{origin['base_url']}: base_url {values['base_url']!r} {problem} "
            "(expected e.g. https://mycompany.looker.com:19999)"
        )

    verify_raw = values.get("verify_ssl", "true").strip().lower()
    if verify_raw in _TRUE:
        verify_ssl = True
    elif verify_raw in _FALSE:
        verify_ssl = False
    else:
        raise BadInput(f"{origin['verify_ssl']}: verify_ssl {values['verify_ssl']!r} is not true/false")

    per_call, lt = _timeouts(values, origin, timeout, long_timeout)
    sources = sorted({o if o.startswith(ENV_PREFIX) else (ini_label or "") for o in origin.values()})
    return ClientSettings(
        base_url=base_url,
        client_id=values.get("client_id", ""),
        client_secret=values.get("client_secret", ""),
        verify_ssl=verify_ssl,
        timeout=per_call,
        long_timeout=lt,
        source=", ".join(s for s in sources if s) or "defaults",
        max_retries=max_retries,
    )


def client_settings(
    looker: LookerSettings | None = None,
    *,
    base_dir: Path | None = None,
    looker_ini: str | Path | None = None,
    section: str | None = None,
    env: Mapping[str, str] | None = None,
) -> ClientSettings:
    """The client's settings: looker-sdk's own (LOOKERSDK_* / looker.ini), with every key of
    looker-ops.yaml's ``looker:`` section applied when ``looker`` is given: ``ini`` (relative to
    ``base_dir``, the config's folder), ``section``, ``timeout``, ``long_timeout`` and
    ``max_retries``. ``looker_ini`` / ``section`` given here (command-line options) win over the
    file's. Messages name where each choice was made (an option or a config key)."""
    if looker is None:
        return load_settings(looker_ini, section, env=env)
    ini: str | Path | None = looker_ini
    ini_option = "--looker-ini"
    if ini is None:
        ini_option = "looker.ini in looker-ops.yaml"
        if looker.ini:
            path = Path(looker.ini)
            ini = path if path.is_absolute() or base_dir is None else base_dir / path
    section_option = "--section"
    if section is None and looker.section != DEFAULT_SECTION:
        section = looker.section  # the default: [Looker], else the file's first section
        section_option = "looker.section in looker-ops.yaml"
    return load_settings(
        ini,
        section,
        env=env,
        timeout=looker.timeout,
        long_timeout=looker.long_timeout,
        max_retries=looker.max_retries,
        ini_option=ini_option,
        section_option=section_option,
    )


def _ini_file(
    looker_ini: str | Path | None, section: str | None, ini_option: str, section_option: str
) -> Path | None:
    """The looker.ini to read: the one given (it must exist), else ``./looker.ini`` if present."""
    if looker_ini is not None:
        ini_path = Path(looker_ini)
        if not ini_path.is_file():
            raise BadInput(f"{ini_option} {ini_path}: file not found")
        return ini_path
    if Path(DEFAULT_INI).is_file():
        return Path(DEFAULT_INI)
    if section is not None:
        raise BadInput(f"{section_option} {section} given but no looker.ini (set {ini_option})")
    return None


def _timeouts(
    values: Mapping[str, str], origin: Mapping[str, str], timeout: float | None, long_timeout: float | None
) -> tuple[float, float]:
    """(per call, long operations) in seconds: looker-ops.yaml's keys win over the SDK's setting."""
    per_call: float = DEFAULT_TIMEOUT
    if timeout is not None:
        if timeout <= 0:
            raise BadInput(f"looker.timeout {timeout!r} is not a positive number of seconds")
        per_call = timeout
    elif "timeout" in values:
        try:
            per_call = int(values["timeout"])
        except ValueError:
            per_call = -1
        if per_call <= 0 or per_call > MAX_TIMEOUT:
            raise BadInput(
                f"{origin['timeout']}: timeout {values['timeout']!r} is not a positive number of seconds "
                f"up to a week ({MAX_TIMEOUT})"
            )
    lt = float(long_timeout) if long_timeout is not None else max(DEFAULT_LONG_TIMEOUT, per_call)
    if lt <= 0:
        raise BadInput(f"long_timeout {long_timeout!r} is not a positive number of seconds")
    return per_call, lt
