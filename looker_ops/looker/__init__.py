"""The Looker API layer: client, retry policy, errors, redaction. See docs/looker-api.md."""

from looker_ops.looker.client import LONG_OPERATIONS, Identity, LookerClient
from looker_ops.looker.errors import ErrorDetail, LookerApiError
from looker_ops.looker.redact import REDACTOR, Redactor, redact, register_secret
from looker_ops.looker.retry import CallCounter, CallRecord, RetryPolicy, is_write
from looker_ops.looker.settings import ClientSettings, load_settings

__all__ = [
    "LONG_OPERATIONS",
    "REDACTOR",
    "CallCounter",
    "CallRecord",
    "ClientSettings",
    "ErrorDetail",
    "Identity",
    "LookerApiError",
    "LookerClient",
    "Redactor",
    "RetryPolicy",
    "is_write",
    "load_settings",
    "redact",
    "register_secret",
]
