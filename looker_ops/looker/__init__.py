"""The Looker API layer: client, retry policy, errors, redaction (see docs/looker-api.md), and
one module per Looker resource (connection, project, models, dashboards, content, schedules),
each with desired / read / plan / apply over :mod:`looker_ops.looker.changes`. Adding a
resource: docs/extending.md."""

from looker_ops.looker.client import LONG_OPERATIONS, Identity, LookerClient
from looker_ops.looker.errors import ErrorDetail, LookerApiError
from looker_ops.looker.redact import REDACTOR, Redactor, redact, register_secret
from looker_ops.looker.retry import CallCounter, CallRecord, RetryPolicy, is_write
from looker_ops.looker.settings import ClientSettings, client_settings, load_settings

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
    "client_settings",
    "is_write",
    "load_settings",
    "redact",
    "register_secret",
]
