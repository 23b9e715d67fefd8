"""Rules for single values a user writes, shared by every file format and by ``init``.

Each function answers ``None`` for a good value, else what is wrong (without the key, which
the caller adds with the file and line).
"""

from __future__ import annotations

import re
import zoneinfo
from urllib.parse import urlsplit

from looker_ops.gitops import branch_name_problem

__all__ = [
    "KNOWN_DIALECTS",
    "branch_name_problem",
    "dialect_problem",
    "email_problem",
    "folder_problem",
    "git_url_problem",
    "local_git_remote",
    "placeholder_email",
    "project_name_problem",
    "staging_dir_problem",
    "timezone_problem",
    "valid_email",
    "valid_timezone",
]

# Dialect names sqlglot accepts (its Dialects enum; a test holds the two in step): checked
# without importing sqlglot. Any other name is asked of sqlglot.
KNOWN_DIALECTS = frozenset(
    [
        "athena",
        "bigquery",
        "clickhouse",
        "databricks",
        "doris",
        "drill",
        "druid",
        "duckdb",
        "hive",
        "materialize",
        "mysql",
        "oracle",
        "postgres",
        "presto",
        "redshift",
        "risingwave",
        "snowflake",
        "spark",
        "spark2",
        "sqlite",
        "starrocks",
        "tableau",
        "teradata",
        "trino",
        "tsql",
    ]
)


def dialect_problem(name: str) -> str | None:
    """What is wrong with a SQL dialect name (``check.dialect``, ``--dialect``): None for a name
    sqlglot knows (the common ones without importing sqlglot)."""
    if name in KNOWN_DIALECTS:
        return None
    from sqlglot.dialects.dialect import Dialect

    try:
        Dialect.get_or_raise(name)
    except ValueError:
        return f"unknown SQL dialect {name!r} (sqlglot's names: athena, bigquery, snowflake...)"
    return None


_EMAIL_RE = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,63}$"
)
# user@host:path, git's "scp-like" form of an ssh remote.
_SCP_RE = re.compile(r"^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s]+$")
_GIT_SCHEMES = ("https", "http", "ssh", "git", "file")
# Looker project names: letters, digits, underscores and dashes.
_PROJECT_RE = re.compile(r"^[A-Za-z0-9_-]{1,255}$")


def valid_email(text: str) -> bool:
    return bool(_EMAIL_RE.match(text)) and ".." not in text.split("@")[0] and len(text) <= 254


def email_problem(text: str) -> str | None:
    return None if valid_email(text) else f"{text!r} is not a valid e-mail address"


# Domains kept for examples and tests (RFC 2606, RFC 6761): no mail sent there is ever read.
_PLACEHOLDER_DOMAINS = (
    "example.com",
    "example.net",
    "example.org",
    "example",
    "test",
    "invalid",
    "localhost",
)


def placeholder_email(text: str) -> bool:
    """Whether an e-mail address is at a domain kept for examples (``security@example.com``):
    valid, but nobody would receive what is sent to it."""
    domain = text.rpartition("@")[2].strip().lower().rstrip(".")
    return any(domain == d or domain.endswith("." + d) for d in _PLACEHOLDER_DOMAINS)


def valid_timezone(name: str) -> bool:
    """An IANA time zone name this machine knows (``UTC``, ``Europe/Paris``)."""
    if not name or name.startswith(("/", ".")) or ".." in name or "\x00" in name:
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def timezone_problem(name: str) -> str | None:
    if valid_timezone(name):
        return None
    import difflib

    close = difflib.get_close_matches(name, sorted(zoneinfo.available_timezones()), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else " (use an IANA name such as Europe/Paris or UTC)"
    return f"{name!r} is not a known time zone{hint}"


def git_url_problem(url: str) -> str | None:
    """A git remote Looker (and git) can use: ``https://host/path``, ``ssh://…``,
    ``git@host:path``, or an absolute path / ``file://`` URL (a repository on this machine:
    what a test or a local Looker reaches)."""
    if not url.strip() or any(c.isspace() for c in url):
        return f"{url!r} is not a git URL (expected e.g. git@github.com:acme/repo.git or https://…)"
    if _SCP_RE.match(url) or url.startswith("/"):
        return None
    parts = urlsplit(url)
    if (
        parts.scheme in _GIT_SCHEMES
        and (parts.netloc or parts.scheme == "file")
        and parts.path not in ("", "/")
    ):
        return None
    return f"{url!r} is not a git URL (expected e.g. git@github.com:acme/repo.git or https://…)"


_STAGING_RE = re.compile(r"^s3://[^/\s]+(/\S*)?$")


def staging_dir_problem(url: str) -> str | None:
    """An ``s3://bucket/prefix/`` location for Athena's query results."""
    return None if _STAGING_RE.match(url) else f"{url!r} is not an s3://bucket/prefix/ URL"


def local_git_remote(url: str) -> bool:
    """Whether ``url`` names a repository on this machine (a path or ``file://``), which a
    Looker instance elsewhere cannot pull from."""
    return url.startswith(("/", "./", "../", "~", "file:")) or (len(url) > 2 and url[1:3] in (":\\", ":/"))


def project_name_problem(name: str) -> str | None:
    if _PROJECT_RE.match(name):
        return None
    return f"{name!r} is not a valid Looker project name (letters, digits, underscores and dashes)"


def folder_problem(path: str) -> str | None:
    """A folder path under Shared: names separated by ``/``, none empty."""
    parts = path.split("/")
    if not path.strip() or any(not p.strip() for p in parts):
        return f"{path!r} is not a folder path (names separated by /, e.g. Security/CloudTrail)"
    return None
