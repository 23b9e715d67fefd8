"""The one retry policy for every Looker HTTP request, login included.

:class:`PolicyTransport` is the looker-sdk transport the client installs: every SDK call goes
through :meth:`PolicyTransport.request`, which

- retries network errors, timeouts, 429 (honouring ``Retry-After``) and 502/503/504 with
  exponential backoff and jitter, at most ``RetryPolicy.max_attempts`` times;
- never blindly repeats a request that may create something: a POST that timed out or got a
  5xx raises :class:`LookerApiError` with ``maybe_applied=True`` and the caller re-reads
  (``LookerClient.create_or_get``). A 429 or a connection that was never opened is safe to
  repeat for every method;
- logs in again once when Looker answers 401 to an API call (token expired on the server);
- turns every other failure into a :class:`LookerApiError` (status, Looker's message, docs
  link, 422 ``errors``), redacted;
- counts reads and writes (:class:`CallCounter`) so commands can prove a second run wrote nothing.

Per-call settings (operation name, idempotency, long timeout) travel in a context variable set
by the client, so the SDK's own method signatures stay untouched.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import random
import re
import time
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from looker_sdk.rtl import transport as sdk_transport

from looker_ops.looker.errors import LookerApiError, parse_error_body
from looker_ops.looker.redact import REDACTOR, Redactor

log = logging.getLogger("looker_ops.looker.retry")

RETRY_STATUSES = frozenset({429, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"})

# Requests that change nothing on the instance although their HTTP method is not GET.
# (login/logout, the session's workspace, LookML validation, connection tests, queries.)
_NON_MUTATING = (
    ("POST", re.compile(r"/api/[^/]+/login(/[^/]+)?$")),
    ("DELETE", re.compile(r"/api/([^/]+/)?logout$")),
    ("PATCH", re.compile(r"/api/[^/]+/session$")),
    ("POST", re.compile(r"/api/[^/]+/projects/[^/]+/validate$")),
    ("PUT", re.compile(r"/api/[^/]+/connections/[^/]+/test$")),
    ("PUT", re.compile(r"/api/[^/]+/connections/test$")),
    ("POST", re.compile(r"/api/[^/]+/queries(/run/[^/]+)?$")),
    ("POST", re.compile(r"/api/[^/]+/queries/run/[^/]+$")),
)
_LOGIN = re.compile(r"/api/[^/]+/login(/[^/]+)?$")


def is_login(path: str) -> bool:
    return bool(_LOGIN.search(path))


def is_write(method: str, path: str) -> bool:
    """True when a request changes state on the instance (what "zero writes" counts)."""
    method = method.upper()
    if method in ("GET", "HEAD", "OPTIONS"):
        return False
    return not any(m == method and rx.search(path) for m, rx in _NON_MUTATING)


def _default_sleep(seconds: float) -> None:
    time.sleep(seconds)  # looked up at call time, so tests can patch time.sleep


@dataclass
class RetryPolicy:
    """Bounded exponential backoff with jitter. ``sleep`` is injectable so tests never sleep."""

    # the first call and the retries of looker.max_retries' default (5), so a command without a
    # looker-ops.yaml (looker whoami) retries as often as one with it (a test holds them equal)
    max_attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_retry_after: float = 120.0
    jitter: float = 0.25
    sleep: Callable[[float], None] = _default_sleep
    rng: random.Random = field(default_factory=random.Random)

    def backoff(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before attempt ``attempt + 1``. Retry-After wins when given."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_retry_after)
        raw = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        return raw * (1 + self.jitter * self.rng.random())

    def wait(self, attempt: int, retry_after: float | None = None) -> float:
        delay = self.backoff(attempt, retry_after)
        if delay > 0:
            self.sleep(delay)
        return delay


@dataclass(frozen=True)
class CallRecord:
    operation: str
    method: str
    path: str
    status: int | None
    attempt: int
    is_write: bool
    elapsed: float


@dataclass
class CallCounter:
    """Every HTTP request the client made (each attempt counts), split into reads and writes."""

    records: list[CallRecord] = field(default_factory=list)

    def add(self, rec: CallRecord) -> None:
        self.records.append(rec)

    @property
    def reads(self) -> int:
        return sum(1 for r in self.records if not r.is_write and not is_login(r.path))

    @property
    def writes(self) -> int:
        return sum(1 for r in self.records if r.is_write)

    @property
    def logins(self) -> int:
        return sum(1 for r in self.records if is_login(r.path))

    @property
    def retries(self) -> int:
        return sum(1 for r in self.records if r.attempt > 1)

    def write_records(self) -> list[CallRecord]:
        return [r for r in self.records if r.is_write]

    def reset(self) -> None:
        self.records.clear()

    def summary(self) -> str:
        return f"{self.reads} reads, {self.writes} writes, {self.logins} logins, {self.retries} retries"


@dataclass(frozen=True)
class CallContext:
    operation: str | None = None
    idempotent: bool | None = None  # None: decide by HTTP method
    timeout: float | None = None


_CONTEXT: contextvars.ContextVar[CallContext] = contextvars.ContextVar(
    "looker_ops_call",
    default=CallContext(),  # noqa: B039  (frozen: never mutated)
)


def current_context() -> CallContext:
    return _CONTEXT.get()


@contextlib.contextmanager
def call_context(
    operation: str | None = None, *, idempotent: bool | None = None, timeout: float | None = None
) -> Iterator[CallContext]:
    """Set the operation name / idempotency / timeout for SDK calls made inside the block.

    Inner values win over outer ones only where given, so ``client.call("x", fn, long=True)``
    and the SDK method's own name combine.
    """
    outer = _CONTEXT.get()
    ctx = CallContext(
        operation=operation or outer.operation,
        idempotent=outer.idempotent if idempotent is None else idempotent,
        timeout=outer.timeout if timeout is None else timeout,
    )
    token = _CONTEXT.set(ctx)
    try:
        yield ctx
    finally:
        _CONTEXT.reset(token)


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _api_path(url: str) -> str:
    """The URL's path (no host, no query): what error messages and the call log show."""
    rest = url.split("://", 1)[-1]
    path = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
    return path.split("?", 1)[0]


def _operation_for(path: str, method: str, ctx: CallContext) -> str:
    if is_login(path):
        return "login"
    if path.endswith("/logout"):
        return "logout"
    return ctx.operation or f"{method} {path}"


def never_connected(exc: BaseException) -> bool:
    """True when the connection was never opened, so the request cannot have reached Looker:
    urllib3's NewConnectionError (refused, no route, name not resolved) somewhere in the
    exception's chain (``args``, ``reason``, cause, context). Read from the exception types,
    not from the message text."""
    stack: list[BaseException] = [exc]
    seen: set[int] = set()
    while stack:
        err = stack.pop()
        if id(err) in seen:
            continue
        seen.add(id(err))
        if any(cls.__name__ == "NewConnectionError" for cls in type(err).__mro__):
            return True
        linked = [*err.args, getattr(err, "reason", None), err.__cause__, err.__context__]
        stack.extend(e for e in linked if isinstance(e, BaseException))
    return False


def retry_line(op: str, attempt: int, attempts: int, cause: str, delay: float) -> str:
    """The progress line printed before a retry: ``looker: get_project: retrying (2/6) after 503
    in 1.1 s``. ``attempt`` is the attempt about to be made, ``cause`` the status code or
    "timed out" / "network error"."""
    return f"looker: {op}: retrying ({attempt}/{attempts}) after {cause} in {delay:.1f} s"


class PolicyTransport(sdk_transport.Transport):
    """A looker-sdk transport (requests underneath) applying :class:`RetryPolicy` to every request."""

    def __init__(
        self,
        settings: sdk_transport.PTransportSettings,
        *,
        policy: RetryPolicy | None = None,
        counter: CallCounter | None = None,
        redactor: Redactor | None = None,
        session: requests.Session | None = None,
    ) -> None:
        self.settings = settings
        self.policy = policy or RetryPolicy()
        self.counter = counter if counter is not None else CallCounter()
        self.redactor = redactor or REDACTOR
        self.session = session or requests.Session()
        self.session.headers.update({sdk_transport.LOOKER_API_ID: settings.agent_tag})
        if settings.headers:
            self.session.headers.update(settings.headers)
        self.session.verify = settings.verify_ssl
        # Called on a 401 to an API call: forget the cached token so the next attempt logs in.
        self.on_unauthorized: Callable[[], None] | None = None
        # Called with one plain-text line before each back-off (see :func:`retry_line`).
        self.on_retry: Callable[[str], None] | None = None

    def _back_off(self, op: str, attempt: int, cause: str, retry_after: float | None = None) -> None:
        """Wait before attempt ``attempt + 1``, saying so first through ``on_retry``."""
        delay = self.policy.backoff(attempt, retry_after)
        if self.on_retry is not None:
            self.on_retry(retry_line(op, attempt + 1, self.policy.max_attempts, cause, delay))
        if delay > 0:
            self.policy.sleep(delay)

    @classmethod
    def configure(cls, settings: sdk_transport.PTransportSettings) -> sdk_transport.Transport:
        return cls(settings)

    def request(
        self,
        method: sdk_transport.HttpMethod,
        path: str,
        query_params: MutableMapping[str, str] | None = None,
        body: bytes | None = None,
        authenticator: sdk_transport.TAuthenticator = None,
        transport_options: sdk_transport.TransportOptions | None = None,
    ) -> sdk_transport.Response:
        """Send one SDK request under the policy (see the module doc).

        Long: one function of about 100 lines on purpose: the attempt loop decides, per outcome
        (network error, 2xx, retryable status, 401, other), whether to back off, log in again or
        raise, and reads best as one piece next to the policy it applies."""
        verb = method.name
        url_path = _api_path(path)
        ctx = _CONTEXT.get()
        op = _operation_for(url_path, verb, ctx)
        login = is_login(url_path)
        # GET/HEAD are always safe to repeat; otherwise the caller's word, else the HTTP method.
        if login or verb in ("GET", "HEAD"):
            idempotent = True
        elif ctx.idempotent is not None:
            idempotent = ctx.idempotent
        else:
            idempotent = verb in IDEMPOTENT_METHODS
        timeout: float = float(self.settings.timeout)
        if transport_options and transport_options.get("timeout"):
            timeout = float(transport_options["timeout"])
        if ctx.timeout and not login:
            timeout = max(timeout, float(ctx.timeout))
        writes = is_write(verb, url_path)
        reauthed = False
        attempt = 0
        while True:
            attempt += 1
            headers: dict[str, str] = {}
            if authenticator:
                # May log in (through this same transport, with its own retries).
                headers.update(authenticator(transport_options or {}))
            if transport_options and transport_options.get("headers"):
                headers.update(transport_options["headers"])
            started = time.monotonic()
            try:
                resp = self.session.request(
                    verb, path, params=query_params, data=body, headers=headers, timeout=timeout
                )
            except requests.exceptions.RequestException as exc:
                elapsed = time.monotonic() - started
                self.counter.add(CallRecord(op, verb, url_path, None, attempt, writes, elapsed))
                never_sent = isinstance(exc, requests.exceptions.ConnectTimeout) or (
                    isinstance(exc, requests.exceptions.ConnectionError)
                    and not isinstance(exc, requests.exceptions.ReadTimeout)
                    and never_connected(exc)
                )
                kind = "timed out" if isinstance(exc, requests.exceptions.Timeout) else "network error"
                reason = f"{kind} ({type(exc).__name__}: {exc})"
                log.info("%s %s %s attempt %d: %s", op, verb, url_path, attempt, self.redactor.redact(reason))
                if (idempotent or never_sent) and attempt < self.policy.max_attempts:
                    self._back_off(op, attempt, kind)
                    continue
                raise LookerApiError(
                    operation=op,
                    method=verb,
                    path=url_path,
                    status=None,
                    reason=reason,
                    attempts=attempt,
                    maybe_applied=not never_sent,
                    redactor=self.redactor,
                ) from None
            elapsed = time.monotonic() - started
            status = resp.status_code
            self.counter.add(CallRecord(op, verb, url_path, status, attempt, writes, elapsed))
            log.debug("%s %s %s -> %d (%.3fs, attempt %d)", op, verb, url_path, status, elapsed, attempt)
            if 200 <= status < 300:
                if login:
                    self._remember_token(resp.content)
                out = sdk_transport.Response(
                    True, resp.content, sdk_transport.response_mode(resp.headers.get("content-type"))
                )
                encoding = requests.utils.get_encoding_from_headers(resp.headers)
                if encoding:
                    out.encoding = encoding
                return out
            # 429: Looker refused before doing anything, so it is safe for every method.
            if (
                status in RETRY_STATUSES
                and attempt < self.policy.max_attempts
                and (status == 429 or idempotent)
            ):
                self._back_off(
                    op, attempt, str(status), _retry_after_seconds(resp.headers.get("Retry-After"))
                )
                continue
            if status == 401 and not login and not reauthed and self.on_unauthorized is not None:
                reauthed = True
                self.on_unauthorized()
                attempt -= 1  # a fresh login is not a retry of the call itself
                continue
            message, doc_url, errors = parse_error_body(resp.content)
            raise LookerApiError(
                operation=op,
                method=verb,
                path=url_path,
                status=status,
                looker_message=message,
                documentation_url=doc_url,
                errors=errors,
                reason=resp.reason,
                attempts=attempt,
                maybe_applied=status >= 500 and not idempotent,
                redactor=self.redactor,
            ) from None

    def _remember_token(self, content: bytes) -> None:
        """Register the access token Looker handed out, so it is redacted everywhere."""
        import json

        try:
            data: Any = json.loads(content.decode("utf-8", "replace"))
        except ValueError:
            return
        if isinstance(data, dict):
            self.redactor.add(data.get("access_token"))
            self.redactor.add(data.get("refresh_token"))
