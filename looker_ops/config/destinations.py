"""What schedules' and alerts' destinations share: the action-hub integration id and the
integration's form (``parameters`` and ``secret_parameters``), read the same way for both."""

from __future__ import annotations

import re
from collections.abc import Mapping

import yaml

from looker_ops.config.reader import Reader, Secret, Stop, kind

__all__ = ["INTEGRATION_RE", "integration_parameters"]

INTEGRATION_RE = re.compile(r"^[A-Za-z0-9_-]+::[A-Za-z0-9_.-]+$")
"""An action-hub integration id: ``<hub id>::<integration name>``, e.g. ``1::slack_app``."""
_PARAM_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def integration_parameters(
    r: Reader, d: Mapping[str, tuple[yaml.Node, yaml.Node]], key: str
) -> tuple[list[tuple[str, str]], list[tuple[str, Secret]]] | None:
    """An integration's ``parameters`` and ``secret_parameters``, or None after a problem (the
    one reader of them, for schedules' and alerts' destinations alike)."""
    params: list[tuple[str, str]] = []
    secrets: list[tuple[str, Secret]] = []
    ok = True
    for extra in ("parameters", "secret_parameters"):
        if extra not in d:
            continue
        pnode = d[extra][1]
        if not isinstance(pnode, yaml.MappingNode):
            r.error(pnode, f"{key}.{extra}", f"expected a mapping of name to value, got {kind(pnode)}")
            ok = False
            continue
        for knode, vnode in pnode.value:
            pname = str(knode.value)
            pkey = f"{key}.{extra}.{pname}"
            if not _PARAM_NAME_RE.match(pname):
                r.error(knode, pkey, "not a valid parameter name")
                ok = False
                continue
            try:
                if extra == "secret_parameters":
                    secrets.append((pname, r.secret(vnode, pkey)))
                else:
                    params.append((pname, r.text(vnode, pkey)))
            except Stop:
                ok = False
    for n in sorted({n for n, _ in params} & {n for n, _ in secrets}):
        r.error(d["secret_parameters"][0], f"{key}.secret_parameters.{n}", "also given in parameters")
        ok = False
    return (params, secrets) if ok else None
