"""Core of the fake Looker: state, routing, auth, faults, latency, call log, contract checks.

Resource modules (one per family: auth, connections, projects, ...) declare handlers with the
:func:`route` decorator; :class:`FakeLooker` discovers every module in this package and
serves their routes behind ``responses``. See tests/fake_looker/__init__.py for usage.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import itertools
import json
import pkgutil
import re
import secrets
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests
import responses

from looker_ops import clock
from tests.fake_looker import contract
from tests.fake_looker.contract import ContractViolation, Spec, template_regex
from tests.fake_looker.gitremote import GitRemote


def timestamp() -> str:
    """Looker's form of a created_at/updated_at time: now, from the product's clock (pinned by
    the suite), so no stored timestamp depends on the day the tests run."""
    return clock.now().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000+00:00")


DOC = "https://cloud.google.com/looker/docs/r/api/support"
DEFAULT_BASE_URL = "https://looker.test:19999"
RELEASE = "26.12.3"

# --- errors and replies -------------------------------------------------------------------------


class ApiError(Exception):
    """Raised by a handler: becomes Looker's error JSON with this status."""

    def __init__(
        self,
        status: int,
        message: str,
        errors: list[dict[str, str]] | None = None,
        documentation_url: str = DOC,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.documentation_url = documentation_url
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"message": self.message, "documentation_url": self.documentation_url}
        if self.errors is not None:
            out["errors"] = self.errors
        return out


def not_found() -> ApiError:
    return ApiError(404, "Not found")


def conflict(message: str) -> ApiError:
    return ApiError(409, message)


def invalid(*errors: tuple[str, str, str]) -> ApiError:
    """422 Validation Failed; each error is (field, code, message)."""
    return ApiError(
        422,
        "Validation Failed",
        [{"field": f, "code": c, "message": m, "documentation_url": DOC} for f, c, m in errors],
    )


def dev_mode_required() -> ApiError:
    return ApiError(
        422,
        "Must be in dev mode to perform this operation; call update_session with workspace_id 'dev'",
        [
            {
                "field": "workspace_id",
                "code": "invalid",
                "message": "dev mode required",
                "documentation_url": DOC,
            }
        ],
    )


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


# --- routing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    operation_id: str
    handler: Callable[[FakeLooker, Request], Any]
    auth: bool
    mutates: bool
    regex: re.Pattern[str]
    literal_segments: int


ROUTES: list[Route] = []


def route(
    method: str, template: str, operation_id: str, *, auth: bool = True, mutates: bool | None = None
) -> Callable[[Callable[[FakeLooker, Request], Any]], Callable[[FakeLooker, Request], Any]]:
    """Declare a handler for ``METHOD /template`` (path as in the spec, without /api/4.0).

    The handler gets (fake, request) and returns a JSON-able body (200), a :class:`Reply`, or
    raises :class:`ApiError`. ``operation_id`` must equal the spec's (checked by the contract
    tests). ``mutates`` says whether the call changes state (default: method is not GET).
    """

    def deco(fn: Callable[[FakeLooker, Request], Any]) -> Callable[[FakeLooker, Request], Any]:
        ROUTES.append(
            Route(
                method.upper(),
                template,
                operation_id,
                fn,
                auth,
                (method.upper() != "GET") if mutates is None else mutates,
                template_regex(template),
                sum(1 for s in template.split("/") if s and not s.startswith("{")),
            )
        )
        return fn

    return deco


_NOT_RESOURCE_MODULES = {"core", "contract", "fixtures", "gitremote", "lookml_source"}
_loaded = False
_load_lock = threading.Lock()


def load_resource_modules() -> list[Route]:
    """Import every resource module of this package once (their @route calls fill ROUTES)."""
    global _loaded
    with _load_lock:
        if not _loaded:
            pkg_dir = Path(__file__).parent
            for info in pkgutil.iter_modules([str(pkg_dir)]):
                if info.name.startswith("_") or info.name in _NOT_RESOURCE_MODULES:
                    continue
                importlib.import_module(f"tests.fake_looker.{info.name}")
            _loaded = True
    return sorted(ROUTES, key=lambda r: (-r.literal_segments, r.template))


# --- requests, tokens, faults, call log ------------------------------------------------------------


@dataclass
class Token:
    value: str
    user_id: str
    expires_at: float
    workspace_id: str = "production"


@dataclass
class Request:
    method: str
    path: str  # without /api/4.0
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    raw_body: bytes
    token: Token | None
    operation_id: str

    @property
    def workspace(self) -> str:
        return self.token.workspace_id if self.token else "production"

    @property
    def dev(self) -> bool:
        return self.workspace == "dev"

    def require_dev(self) -> None:
        if not self.dev:
            raise dev_mode_required()

    def json(self) -> dict[str, Any]:
        if not isinstance(self.body, dict):
            raise invalid(("body", "missing", "a JSON object body is required"))
        return self.body


@dataclass
class Call:
    method: str
    path: str
    operation_id: str
    status: int | None
    is_write: bool
    workspace: str
    query: dict[str, str]
    body: Any


@dataclass
class Fault:
    """Fail calls number ``nth`` .. ``nth + times - 1`` (1-based) of an operation."""

    operation_id: str
    nth: int
    kind: str  # "429", "500".."504", "timeout" (after applying), "timeout_before", "connection"
    times: int = 1
    retry_after: float | None = None
    seen: int = 0
    fired: int = 0


FAULT_KINDS = {"429", "500", "502", "503", "504", "timeout", "timeout_before", "connection"}


class FakeLooker:
    """A stateful, in-memory Looker API 4.0 served through ``responses``."""

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        client_id: str = "fake-client-id",
        client_secret: str = "fake-client-secret-0123456789",
        check_contract: bool = True,
        token_ttl: int = 3600,
        release: str = RELEASE,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.credentials: dict[str, tuple[str, str]] = {client_id: (client_secret, "1")}
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_ttl = token_ttl
        self.release = release
        self.routes = load_resource_modules()
        self.spec: Spec | None = contract.load_spec() if check_contract else None
        self.check_contract = check_contract
        if check_contract and self.spec is None:
            warnings.warn(contract.SPEC_MISSING_REASON, stacklevel=2)
        self.violations: list[str] = []
        self.calls: list[Call] = []
        self.faults: list[Fault] = []
        # Seconds each call waits before it is served, outside the lock: concurrent calls wait
        # concurrently, as over a network. ``sleep`` is injectable for tests.
        self.latency: float = 0.0
        self.sleep: Callable[[float], None] = time.sleep
        self.clock_offset: float = 0.0
        self.tokens: dict[str, Token] = {}
        # New ids count up from 1001; new_id() also skips any id an object already holds (seeded
        # by a module's @on_setup or by a test), so a new object never overwrites another.
        self._ids = itertools.count(1001)
        self._lock = threading.RLock()
        # Resource state: each module keeps its objects in self.db[<kind>] keyed by id/name.
        self.db: dict[str, dict[str, Any]] = {}
        # Git remotes the projects point at: git_remote_url -> GitRemote (bare repo on disk).
        self.git_remotes: dict[str, GitRemote] = {}
        # Behaviour switches a test can set; see each module for the keys it reads.
        self.options: dict[str, Any] = {}
        self._mock: responses.RequestsMock | None = None
        for hook in list(SETUP_HOOKS):
            hook(self)

    # --- lifecycle ----------------------------------------------------------------------
    def start(self, mock: responses.RequestsMock | None = None) -> FakeLooker:
        """Register with ``mock`` (or a new RequestsMock that is started here)."""
        own = mock is None
        m = mock or responses.RequestsMock(assert_all_requests_are_fired=False)
        rx = re.compile(re.escape(self.base_url) + r"/api/.*")
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            m.add_callback(method, rx, callback=self._callback)
        if own:
            m.start()
        self._mock = m if own else None
        return self

    def stop(self) -> None:
        if self._mock is not None:
            self._mock.stop()
            self._mock.reset()
            self._mock = None

    def __enter__(self) -> FakeLooker:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- helpers for handlers and tests ----------------------------------------------------------
    def now(self) -> float:
        return time.time() + self.clock_offset

    def advance(self, seconds: float) -> None:
        """Move the fake's clock forward (tokens expire on the server side)."""
        self.clock_offset += seconds

    def new_id(self) -> str:
        """A fresh id, held by no object in any table (whatever was seeded there)."""
        with self._lock:
            while True:
                candidate = str(next(self._ids))
                if not self._id_taken(candidate):
                    return candidate

    def _id_taken(self, candidate: str) -> bool:
        for table in self.db.values():
            if candidate in table:
                return True
            for obj in table.values():
                if isinstance(obj, dict) and str(obj.get("id")) == candidate:
                    return True
        return False

    def table(self, kind: str) -> dict[str, Any]:
        return self.db.setdefault(kind, {})

    def add_credentials(self, client_id: str, client_secret: str, user_id: str = "1") -> None:
        self.credentials[client_id] = (client_secret, user_id)

    def add_git_remote(self, url: str, remote: GitRemote) -> None:
        self.git_remotes[url] = remote

    def git_remote_for(self, url: str | None) -> GitRemote | None:
        if not url:
            return None
        if url in self.git_remotes:
            return self.git_remotes[url]
        path = url[len("file://") :] if url.startswith("file://") else url
        if Path(path).is_dir():
            return GitRemote(Path(path))
        return None

    def fail(
        self,
        operation_id: str,
        kind: str | int,
        *,
        nth: int = 1,
        times: int = 1,
        retry_after: float | None = None,
    ) -> Fault:
        """Fail the ``nth`` call (and the ``times - 1`` after it) of an operation.

        kind: 429 (with Retry-After when given), 500/502/503/504, "timeout" (the change IS
        applied, then requests.ReadTimeout is raised: "created on Looker, timed out here"),
        "timeout_before" (ConnectTimeout before anything happens), "connection".
        """
        kind = str(kind)
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; one of {sorted(FAULT_KINDS)}")
        if operation_id not in {r.operation_id for r in self.routes}:
            raise ValueError(f"no operation {operation_id!r} is served by the fake")
        f = Fault(operation_id, nth, kind, times, retry_after)
        self.faults.append(f)
        return f

    def override(self, operation_id: str, handler: Callable[[FakeLooker, Request], Any]) -> None:
        """Serve an operation with another handler in this fake only (odd answers, broken bodies)."""
        for i, r in enumerate(self.routes):
            if r.operation_id == operation_id:
                self.routes[i] = dataclasses.replace(r, handler=handler)
                return
        raise ValueError(f"the fake has no route for {operation_id!r}")

    def calls_to(self, operation_id: str) -> list[Call]:
        return [c for c in self.calls if c.operation_id == operation_id]

    def writes(self) -> list[Call]:
        """Calls that changed state and succeeded or may have (for "zero writes" assertions)."""
        return [c for c in self.calls if c.is_write and (c.status is None or c.status < 400)]

    def reset_calls(self) -> None:
        self.calls.clear()

    def expire_tokens(self) -> None:
        """Make every issued token expire now (the next API call answers 401)."""
        for t in self.tokens.values():
            t.expires_at = self.now() - 1

    # --- dispatch ------------------------------------------------------------------------------
    def _match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        for r in self.routes:
            if r.method == method:
                m = r.regex.fullmatch(path)
                if m:
                    return r, {k: _unquote(v) for k, v in m.groupdict().items()}
        return None

    def _callback(self, req: requests.PreparedRequest) -> tuple[int, dict[str, str], str | bytes]:
        # The round trip is spent outside the lock (concurrent calls overlap, as on a network);
        # serving the call, the state change included, happens under it (atomic).
        if self.latency > 0:
            self.sleep(self.latency)
        with self._lock:
            return self._dispatch(req)

    def _dispatch(self, req: requests.PreparedRequest) -> tuple[int, dict[str, str], str | bytes]:
        method = (req.method or "GET").upper()
        parts = urlsplit(req.url or "")
        full = parts.path
        if full == "/api/logout":  # looker-sdk logs out at /api/logout (no version)
            path = "/logout"
        elif full.startswith("/api/4.0/"):
            path = full[len("/api/4.0") :]
        else:
            no_api = ApiError(404, f"Not found: no API version in {full}")
            return self._finish(
                method, full, "", {}, None, None, no_api.status, no_api.body(), "application/json", {}
            )
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        raw = req.body if isinstance(req.body, bytes) else str(req.body or "").encode("utf-8")
        ctype = _text(req.headers.get("Content-Type")).lower()
        body: Any = None
        if raw:
            if "x-www-form-urlencoded" in ctype:
                body = dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
            else:
                try:
                    body = json.loads(raw.decode("utf-8"))
                except ValueError:
                    err = ApiError(400, "Request body could not be parsed as JSON")
                    return self._finish(
                        method, path, "", query, None, None, 400, err.body(), "application/json", {}
                    )

        matched = self._match(method, path)
        spec_op = self.spec.match(method, path) if self.spec else None
        if matched is None:
            if spec_op is not None:
                self._violate(
                    [
                        f"fake_looker does not implement {method} {path} (operation {spec_op.operation_id}); "
                        "add a handler in a tests/fake_looker/<resource>.py module"
                    ]
                )
            if self.spec is not None:
                self._violate([f"{method} {path}: no such endpoint in the Looker API 4.0 spec"])
            err = not_found()
            return self._finish(method, path, "", query, None, None, 404, err.body(), "application/json", {})
        rt, params = matched
        op_id = rt.operation_id
        if self.spec is not None:
            self._check_request(method, path, spec_op, rt, query, body, ctype)

        token = self._token(req)
        fault = self._take_fault(op_id)
        if fault is not None and fault.kind in ("timeout_before", "connection"):
            self._record(method, path, op_id, None, rt.mutates, token, query, body)
            if fault.kind == "timeout_before":
                raise requests.exceptions.ConnectTimeout(f"fake_looker: connect timeout on {op_id}")
            raise requests.exceptions.ConnectionError(f"fake_looker: connection reset on {op_id}")
        if fault is not None and fault.kind != "timeout":
            status = int(fault.kind)
            headers = {}
            if status == 429:
                msg = "Too Many Requests"
                if fault.retry_after is not None:
                    headers["Retry-After"] = _fmt_seconds(fault.retry_after)
            else:
                msg = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}.get(
                    status, "Gateway Timeout"
                )
            err = ApiError(status, msg)
            return self._finish(
                method,
                path,
                op_id,
                query,
                body,
                token,
                status,
                err.body(),
                "application/json",
                headers,
                spec_op,
                rt.mutates,
            )

        req_obj = Request(method, path, params, query, body, raw, token, op_id)
        try:
            if rt.auth and (token is None or token.expires_at <= self.now()):
                raise ApiError(401, "Requires authentication.")
            out = rt.handler(self, req_obj)
        except ApiError as e:
            return self._finish(
                method,
                path,
                op_id,
                query,
                body,
                token,
                e.status,
                e.body(),
                "application/json",
                e.headers,
                spec_op,
                rt.mutates,
            )
        reply = out if isinstance(out, Reply) else Reply(200, out)
        if query.get("fields") and 200 <= reply.status < 300:
            reply.body = select_fields(reply.body, query["fields"])
        if fault is not None and fault.kind == "timeout":
            self._record(method, path, op_id, None, rt.mutates, token, query, body)
            raise requests.exceptions.ReadTimeout(
                f"fake_looker: read timed out on {op_id} (the change was applied)"
            )
        return self._finish(
            method,
            path,
            op_id,
            query,
            body,
            token,
            reply.status,
            reply.body,
            reply.content_type,
            reply.headers,
            spec_op,
            rt.mutates,
        )

    def _finish(
        self,
        method: str,
        path: str,
        op_id: str,
        query: dict[str, str],
        body: Any,
        token: Token | None,
        status: int,
        out: Any,
        ctype: str,
        headers: dict[str, str],
        spec_op: contract.Operation | None = None,
        mutates: bool = False,
    ) -> tuple[int, dict[str, str], str | bytes]:
        self._record(method, path, op_id, status, mutates, token, query, body)
        if spec_op is not None and self.spec is not None:
            self._check_response(spec_op, status, out)
        elif spec_op is None and self.check_contract and op_id and 200 <= status < 300 and out is not None:
            # No spec: still prove the answer is what looker-sdk will deserialize.
            problems = contract.check_sdk_model(out, contract.model_for_operation(op_id), f"{op_id} response")
            self._violate(problems)
        hdrs = dict(headers)
        if status == 204 or out is None:
            return status, hdrs, b""
        if ctype == "application/json":
            hdrs["Content-Type"] = "application/json"
            return status, hdrs, json.dumps(out)
        hdrs["Content-Type"] = ctype
        return status, hdrs, out if isinstance(out, (str, bytes)) else str(out)

    def _record(
        self,
        method: str,
        path: str,
        op_id: str,
        status: int | None,
        mutates: bool,
        token: Token | None,
        query: dict[str, str],
        body: Any,
    ) -> None:
        safe_body = body
        if op_id == "login" and isinstance(body, dict):
            safe_body = {k: ("***" if k == "client_secret" else v) for k, v in body.items()}
        self.calls.append(
            Call(method, path, op_id, status, mutates, token.workspace_id if token else "-", query, safe_body)
        )

    def _token(self, req: requests.PreparedRequest) -> Token | None:
        auth = _text(req.headers.get("Authorization"))
        if not auth.lower().startswith("bearer ") and not auth.lower().startswith("token "):
            return None
        return self.tokens.get(auth.split(None, 1)[1].strip())

    def issue_token(self, user_id: str) -> Token:
        t = Token(secrets.token_hex(20), user_id, self.now() + self.token_ttl)
        self.tokens[t.value] = t
        return t

    def _take_fault(self, op_id: str) -> Fault | None:
        hit = None
        for f in self.faults:
            if f.operation_id != op_id:
                continue
            f.seen += 1
            if hit is None and f.nth <= f.seen < f.nth + f.times:
                f.fired += 1
                hit = f
        return hit

    # --- contract ------------------------------------------------------------------------
    def _violate(self, problems: list[str]) -> None:
        if problems:
            self.violations.extend(problems)
            raise ContractViolation("; ".join(problems))

    def _check_request(
        self,
        method: str,
        path: str,
        spec_op: contract.Operation | None,
        rt: Route,
        query: dict[str, str],
        body: Any,
        ctype: str,
    ) -> None:
        assert self.spec is not None
        if spec_op is None:
            self._violate([f"{method} {path}: no such endpoint in the Looker API 4.0 spec"])
            return
        problems = []
        if spec_op.operation_id != rt.operation_id:
            problems.append(
                f"{method} {path}: fake route says operation {rt.operation_id!r}, spec says {spec_op.operation_id!r}"
            )
        known = {p.get("name") for p in spec_op.spec.get("parameters", []) if p.get("in") == "query"}
        for q in query:
            if q not in known:
                problems.append(f"{spec_op.operation_id}: query parameter {q!r} is not in the spec")
        schema, stype, required = self.spec.request_schema(spec_op)
        if body is None:
            if required:
                problems.append(f"{spec_op.operation_id}: request body is required")
        elif schema is None:
            problems.append(f"{spec_op.operation_id}: request has a body but the spec defines none")
        elif stype == "application/x-www-form-urlencoded":
            if "x-www-form-urlencoded" not in ctype:
                problems.append(f"{spec_op.operation_id}: body must be form-encoded")
        else:
            problems += self.spec.check(
                body, schema, f"{spec_op.operation_id} request body", direction="request"
            )
        self._violate(problems)

    def _check_response(self, spec_op: contract.Operation, status: int, out: Any) -> None:
        assert self.spec is not None
        documented, schema, _ctype = self.spec.response_schema(spec_op, status)
        problems: list[str] = []
        if not documented and 200 <= status < 300:
            problems.append(f"{spec_op.operation_id}: status {status} is not a documented answer")
        if status == 204:
            if out not in (None, b"", ""):
                problems.append(f"{spec_op.operation_id}: 204 with a body")
        elif schema is not None:
            where = f"{spec_op.operation_id} {status} response"
            problems += self.spec.check(out, schema, where, direction="response")
            if 200 <= status < 300:
                problems += contract.check_sdk_model(out, contract.sdk_structure(self.spec, schema), where)
        self._violate(problems)


SETUP_HOOKS: list[Callable[[FakeLooker], None]] = []


def on_setup(fn: Callable[[FakeLooker], None]) -> Callable[[FakeLooker], None]:
    """Register a function run when a FakeLooker is created (seed a module's initial state)."""
    SETUP_HOOKS.append(fn)
    return fn


def select_fields(body: Any, fields: str) -> Any:
    """Looker's ``fields=a,b`` parameter: keep only those top-level keys."""
    wanted = {f.strip().split("(")[0] for f in fields.split(",") if f.strip()}
    if isinstance(body, dict):
        return {k: v for k, v in body.items() if k in wanted}
    if isinstance(body, list):
        return [select_fields(x, fields) if isinstance(x, dict) else x for x in body]
    return body


def _text(v: str | bytes | None) -> str:
    if v is None:
        return ""
    return v.decode("latin-1") if isinstance(v, bytes) else v


def _unquote(v: str) -> str:
    from urllib.parse import unquote

    return unquote(v)


def _fmt_seconds(s: float) -> str:
    return str(int(s)) if float(s).is_integer() else str(s)


def iter_routes() -> Iterator[Route]:
    yield from load_resource_modules()
