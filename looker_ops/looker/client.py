"""The Looker API client every command uses: looker-sdk's Looker40SDK plus one policy.

    client = LookerClient(client_settings())      # LOOKERSDK_* / looker.ini (+ looker-ops.yaml's looker:)
    me = client.sdk.me()                          # every SDK method: retries, errors, redaction
    with client.workspace(dev=True):              # update_session(workspace_id="dev"), restored after
        client.sdk.validate_project("block")      # long operations get settings.long_timeout
    dash = client.create_or_get(create=lambda: client.sdk.create_folder(body),
                                find=lambda: find_folder_by_name(...))
    client.counter.writes                         # writes made so far (0 on a second run)

``client.sdk`` is a real ``Looker40SDK`` whose public methods are wrapped: the method name is the
operation named in errors, SDK exceptions become :class:`LookerApiError` / ``RemoteError``
(exit 3) with secrets masked, and the transport underneath is :class:`PolicyTransport`.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass
from typing import Any, TypeVar

import requests
from looker_sdk import error as sdk_error
from looker_sdk.rtl import auth_session, auth_token, serialize
from looker_sdk.rtl import transport as sdk_transport
from looker_sdk.sdk import constants as sdk_constants
from looker_sdk.sdk.api40 import methods as methods40
from looker_sdk.sdk.api40 import models as models40

from looker_ops.errors import LookerOpsError, RemoteError
from looker_ops.looker.errors import LookerApiError
from looker_ops.looker.redact import REDACTOR, Redactor, install_logging_filter
from looker_ops.looker.retry import (
    CallCounter,
    RetryPolicy,
    call_context,
    current_context,
)
from looker_ops.looker.settings import ClientSettings

log = logging.getLogger("looker_ops.looker")

T = TypeVar("T")

# Operations that can take minutes on a real instance: they get settings.long_timeout.
LONG_OPERATIONS = frozenset(
    {
        "validate_project",
        "content_validation",
        "run_lookml_test",
        "deploy_to_production",
        "deploy_ref_to_production",
        "async_deploy_ref_to_production",
        "test_connection",
        "test_connection_config",
        "scheduled_plan_run_once",
        "scheduled_plan_run_once_by_id",
        "run_git_connection_test",
        "import_dashboard_from_lookml",
    }
)

# POSTs that are safe to repeat (they compute or move production to a named ref; they create
# nothing that a second attempt would duplicate).
IDEMPOTENT_POSTS = frozenset(
    {
        "validate_project",
        "deploy_ref_to_production",
        "deploy_to_production",
        "login",
        "run_inline_query",
        "create_query",
    }
)

_SDK_METHODS = frozenset(
    name
    for name, value in vars(methods40.Looker40SDK).items()
    if not name.startswith("_") and callable(value)
)


_hooks_ready = False


def deserialize40(*, data: str | bytes, structure: Any) -> Any:
    """looker-sdk's deserialize40 without its per-call cost.

    The SDK's version registers a cattrs hook factory on every call, which empties cattrs'
    cache, so each response rebuilds its structuring functions (8-13 ms for a Dashboard, measured;
    0.24 ms here). This one registers the hook once and reuses the cache; the result is the same.
    """
    global _hooks_ready
    conv = serialize.converter40
    if not _hooks_ready:
        if serialize.is_sequence is not None and serialize.list_structure_factory is not None:
            conv.register_structure_hook_factory(serialize.is_sequence, serialize.list_structure_factory)
        _hooks_ready = True
    try:
        parsed = json.loads(data)
    except json.JSONDecodeError as ex:
        raise serialize.DeserializeError(f"Bad json {ex}") from None
    try:
        return conv.structure(parsed, structure)
    except (TypeError, AttributeError) as ex:
        raise serialize.DeserializeError(f"Bad data {ex}") from None


class _SdkSettings:
    """Adapts ClientSettings to looker-sdk's PApiSettings protocol (no file or env re-reads)."""

    def __init__(self, settings: ClientSettings) -> None:
        self._s = settings
        self.base_url = settings.base_url
        self.verify_ssl = settings.verify_ssl
        self.timeout = int(settings.timeout)
        self.headers: MutableMapping[str, str] | None = {"Content-Type": "application/json"}
        self.agent_tag = f"{sdk_transport.AGENT_PREFIX} {sdk_constants.sdk_version} looker-ops"

    def is_configured(self) -> None:
        return None

    def read_config(self) -> dict[str, str]:
        return {"client_id": self._s.client_id, "client_secret": self._s.client_secret}


def _sdk_failure(op: str, exc: BaseException, redactor: Redactor) -> RemoteError:
    if isinstance(exc, sdk_error.SDKError):
        text = exc.message if isinstance(exc.message, str) else str(exc)
        return RemoteError(redactor.redact(f"Looker {op} failed: {text.strip()}"))
    return RemoteError(
        redactor.redact(f"Looker {op}: the answer could not be read as the SDK's model ({exc})")
    )


class _InstrumentedSDK(methods40.Looker40SDK):
    """Looker40SDK whose public methods carry their name into the transport and map errors."""

    _looker_ops_redactor: Redactor
    _looker_ops_long_timeout: float

    def __getattribute__(self, name: str) -> Any:
        value = super().__getattribute__(name)
        if name not in _SDK_METHODS or not callable(value):
            return value
        redactor = object.__getattribute__(self, "_looker_ops_redactor")
        long_timeout = object.__getattribute__(self, "_looker_ops_long_timeout")

        @functools.wraps(value)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            outer = current_context()
            idem = True if name in IDEMPOTENT_POSTS else None
            timeout = long_timeout if name in LONG_OPERATIONS else None
            # An explicit operation from client.call() names a lambda; a real SDK method names itself.
            with call_context(name, idempotent=idem if outer.idempotent is None else None, timeout=timeout):
                try:
                    return value(*args, **kwargs)
                except LookerOpsError:
                    raise
                except (sdk_error.SDKError, serialize.DeserializeError) as exc:
                    raise _sdk_failure(name, exc, redactor) from None

        return wrapped


@dataclass(frozen=True)
class Identity:
    """What ``looker-ops looker whoami`` prints."""

    base_url: str
    user_id: str | None
    display_name: str | None
    email: str | None
    looker_release: str | None
    current_api_version: str | None
    api_versions: tuple[str, ...]
    workspace: str | None

    def lines(self) -> list[str]:
        """The text of ``looker whoami``: instance, user, release, API versions, workspace."""
        who = self.display_name or "(no name)"
        extra = ", ".join(x for x in (f"id {self.user_id}" if self.user_id else "", self.email or "") if x)
        versions = ", ".join(
            f"{v} (current)" if v == self.current_api_version else v for v in self.api_versions
        )
        return [
            f"Looker {self.base_url}",
            f"  user:          {who}" + (f" ({extra})" if extra else ""),
            f"  release:       {self.looker_release or 'unknown'}",
            f"  API versions:  {versions or 'unknown'}",
            f"  workspace:     {self.workspace or 'unknown'}",
        ]

    def ping_line(self) -> str:
        """The one line of ``looker ping``."""
        return (
            f"ok: {self.base_url} Looker {self.looker_release or 'unknown'}, "
            f"API {self.current_api_version or '?'}, logged in as {self.display_name or self.user_id}"
        )


class LookerClient:
    """looker-sdk + the retry policy, error mapping, redaction and a read/write counter."""

    def __init__(
        self,
        settings: ClientSettings,
        *,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] | None = None,
        redactor: Redactor | None = None,
        session: requests.Session | None = None,
        on_retry: Callable[[str], None] | None = None,
    ) -> None:
        """A client built from ``settings`` (see :func:`looker_ops.looker.settings.client_settings`;
        ``settings.max_retries`` bounds the retry policy unless a ``policy`` is given).

        ``on_retry``: called with one plain-text line before each back-off (``looker:
        get_project: retrying (2/6) after 503 in 1.1 s``), so a command can show that a slow or
        unreachable Looker is being retried; None keeps the retries silent."""
        from looker_ops.looker.retry import PolicyTransport

        self.settings = settings
        self.redactor = redactor or REDACTOR
        self.redactor.add(settings.client_secret)
        install_logging_filter()
        if policy is None and settings.max_retries is not None:
            policy = RetryPolicy(max_attempts=max(0, settings.max_retries) + 1)
        self.policy = policy or RetryPolicy()
        if sleep is not None:
            self.policy.sleep = sleep
        self.counter = CallCounter()
        sdk_settings = _SdkSettings(settings)
        self.transport = PolicyTransport(
            sdk_settings, policy=self.policy, counter=self.counter, redactor=self.redactor, session=session
        )
        auth = auth_session.AuthSession(sdk_settings, self.transport, deserialize40, "4.0")  # type: ignore[arg-type]
        self.transport.on_unauthorized = self._forget_token
        self.transport.on_retry = on_retry
        sdk = _InstrumentedSDK(auth, deserialize40, serialize.serialize40, self.transport, "4.0")  # type: ignore[arg-type]
        object.__setattr__(sdk, "_looker_ops_redactor", self.redactor)
        object.__setattr__(sdk, "_looker_ops_long_timeout", settings.long_timeout)
        self.sdk: methods40.Looker40SDK = sdk

    def _forget_token(self) -> None:
        self.sdk.auth.token = auth_token.AuthToken()

    # --- the policy, for code that is not a single SDK method call -------------------------
    def call(
        self,
        operation: str,
        fn: Callable[..., T],
        *args: Any,
        write: bool = False,
        idempotent: bool | None = None,
        long: bool = False,
        **kwargs: Any,
    ) -> T:
        """Run ``fn`` under the policy with ``operation`` as its name in errors.

        ``write=True`` marks a create: a timeout/5xx is not retried blindly (use create_or_get).
        ``long=True`` applies settings.long_timeout.
        """
        idem = False if write and idempotent is None else idempotent
        with call_context(operation, idempotent=idem, timeout=self.settings.long_timeout if long else None):
            try:
                return fn(*args, **kwargs)
            except LookerOpsError:
                raise
            except (sdk_error.SDKError, serialize.DeserializeError) as exc:
                raise _sdk_failure(operation, exc, self.redactor) from None

    def get_or_none(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """Call a read; None when Looker answers 404 for it (never for a refused login)."""
        try:
            return fn(*args, **kwargs)
        except LookerApiError as exc:
            if exc.is_not_found:
                return None
            raise

    def create_or_get(
        self,
        create: Callable[[], T],
        find: Callable[[], T | None],
        *,
        operation: str = "create",
    ) -> T:
        """Create an object exactly once, even when the create times out after Looker made it.

        On a timeout/5xx/network error (the create may have been applied) and on 409, ``find``
        re-reads; the found object is returned. Only if nothing is found is the create tried
        again, with the policy's backoff, at most ``policy.max_attempts`` times.
        """
        attempt = 0
        while True:
            attempt += 1
            try:
                with call_context(operation, idempotent=False):
                    return create()
            except LookerApiError as exc:
                if not (exc.maybe_applied or exc.status in (409, 429, 502, 503, 504) or exc.status is None):
                    raise
                log.info("create %s failed (%s); re-reading before any new attempt", operation, exc.status)
                found = find()
                if found is not None:
                    return found
                if exc.status == 409 or attempt >= self.policy.max_attempts:
                    raise
                self.policy.wait(attempt)

    # --- session workspace -------------------------------------------------------------
    def current_workspace(self) -> str | None:
        return self.sdk.session().workspace_id

    @contextlib.contextmanager
    def workspace(self, dev: bool) -> Iterator[None]:
        """Switch this API session to the dev (or production) workspace; restore it afterwards."""
        wanted = "dev" if dev else "production"
        before = self.current_workspace()
        if before != wanted:
            self.sdk.update_session(models40.WriteApiSession(workspace_id=wanted))
        try:
            yield
        finally:
            if before is not None and before != wanted:
                self.sdk.update_session(models40.WriteApiSession(workspace_id=before))

    # --- identity ------------------------------------------------------------------------
    def whoami(self) -> Identity:
        me = self.sdk.me(fields="id,display_name,email")
        versions = self.sdk.versions()
        session = self.sdk.session()
        supported = tuple(
            v.version for v in (versions.supported_versions or []) if v.version and v.status != "deprecated"
        )
        current = versions.current_version.version if versions.current_version else None
        return Identity(
            base_url=self.settings.base_url,
            user_id=me.id,
            display_name=me.display_name,
            email=me.email,
            looker_release=versions.looker_release_version,
            current_api_version=current,
            api_versions=supported,
            workspace=session.workspace_id,
        )

    def close(self) -> None:
        """Log out if logged in (best effort: a failed logout is not an error)."""
        try:
            if self.sdk.auth.is_authenticated:
                self.sdk.auth.logout()
        except (LookerOpsError, sdk_error.SDKError):
            pass

    def __enter__(self) -> LookerClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
