"""What the readers of schedules and alerts share (both are deliveries of a dashboard, listed
in ``schedules.yaml``): the reader that names the schedule or alert in every message and the
``defaults:`` a value came from, the ``filters:`` entries, the ``recipients:`` list, the unique
names, and the action-hub integration id and form (``parameters`` and ``secret_parameters``)."""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping

import yaml

from looker_ops.config.reader import Reader, Secret, Stop, kind

__all__ = [
    "INTEGRATION_RE",
    "DeliveryReader",
    "filter_entries",
    "integration_form",
    "integration_parameters",
    "plain_name",
    "recipients",
    "unique_name",
]

INTEGRATION_RE = re.compile(r"^[A-Za-z0-9_-]+::[A-Za-z0-9_.-]+$")
"""An action-hub integration id: ``<hub id>::<integration name>``, e.g. ``1::slack_app``."""
_PARAM_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


class DeliveryReader(Reader):
    """The reader of the schedules or the alerts of a file: messages name the item being read
    (``schedule 'x': `` / ``alert 'x': ``), and a key whose value comes from ``defaults:`` is
    named there. ``require_secrets=False`` accepts unset variables in secret values."""

    def __init__(self, file: str, env: Mapping[str, str], noun: str, *, require_secrets: bool = True) -> None:
        super().__init__(file, env)
        self.noun = noun  # "schedule" or "alert"
        self.require_secrets = require_secrets
        self.item = ""  # the item being read, named in every message
        self.from_defaults: set[str] = set()  # keys the current item takes from `defaults:`

    def label(self, key: str) -> str:
        who = f"{self.noun} {self.item!r}: " if self.item else ""
        if re.split(r"[.\[]", key, maxsplit=1)[0] in self.from_defaults:
            key = "defaults." + key  # the value to fix is in the defaults block
        return who + (f"{key}: " if key else "")

    def needs_env(self, key: str, secret: bool) -> bool:
        return self.require_secrets or not secret

    def start(self, node: yaml.Node, fallback: str) -> None:
        """Name the item in every message from here on, even the first: its ``name`` when the
        mapping has a plain one, else ``fallback`` (``schedules[3]``)."""
        self.item = plain_name(node) or fallback

    def finish(self) -> None:
        self.item = ""
        self.from_defaults = set()


def plain_name(node: yaml.Node) -> str:
    """The ``name`` of a schedule or alert mapping as written (a plain, non-empty scalar), else
    ``""``: what it is known by, even when the rest of it does not read."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == "name" and isinstance(v, yaml.ScalarNode) and str(v.value).strip():
                return str(v.value).strip()
    return ""


def unique_name(r: DeliveryReader, node: yaml.Node, seen: MutableMapping[str, int]) -> bool:
    """Whether the item ``node``'s name (:func:`plain_name`) is new in ``seen`` (name -> line),
    recording it; else an error naming the line it was first given on. Checked for every item,
    also one with other problems, so a name given twice is reported with them."""
    name = plain_name(node)
    if not name:
        return True  # no name: reported by the item's own reader
    if name in seen:
        r.item = name
        r.error(node, "name", f"given twice (also at line {seen[name]}): names must be unique")
        r.item = ""
        return False
    seen[name] = node.start_mark.line + 1
    return True


def filter_entries(r: Reader, fnode: yaml.Node | None) -> list[tuple[yaml.Node, yaml.Node, str, str]]:
    """(key node, value node, name, value) of each ``filters:`` entry whose value reads; a list
    of values is one comma-separated value, as Looker writes it."""
    if fnode is None:
        return []
    if not isinstance(fnode, yaml.MappingNode):
        r.error(fnode, "filters", f"expected a mapping of filter name to value, got {kind(fnode)}")
        return []
    entries: list[tuple[yaml.Node, yaml.Node, str, str]] = []
    for knode, vnode in fnode.value:
        key = str(knode.value)
        try:
            if isinstance(vnode, yaml.SequenceNode):
                value = ",".join(t for _, t in r.texts(vnode, f"filters.{key}"))
            else:
                value = r.text(vnode, f"filters.{key}")
        except Stop:
            continue
        entries.append((knode, vnode, key, value))
    return entries


def recipients(r: Reader, rnode: yaml.Node | None) -> list[tuple[str, int, str]]:
    """(address, line, key) of each e-mail address of ``recipients:`` (one, or a list)."""
    found: list[tuple[str, int, str]] = []
    if rnode is None:
        return found
    try:
        for i, (item, addr) in enumerate(r.texts(rnode, "recipients")):
            k = f"recipients[{i}]" if isinstance(rnode, yaml.SequenceNode) else "recipients"
            found.append((addr.strip(), item.start_mark.line + 1, k))
    except Stop:
        pass
    return found


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


def integration_form(
    r: Reader, d: Mapping[str, tuple[yaml.Node, yaml.Node]], key: str, value: str, hint: str = ""
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, Secret], ...]] | None:
    """The form (parameters, secret parameters, each sorted by name) of an integration
    destination whose id is ``value``; None after a problem: an id that is not ``hub::name``
    (``hint`` ends that message), or a bad parameter."""
    if not INTEGRATION_RE.match(value):
        r.error(
            d["integration"][1],
            f"{key}.integration",
            f"{value!r}: expected an action-hub integration id such as 1::slack_app{hint}",
        )
        return None
    found = integration_parameters(r, d, key)
    if found is None:
        return None
    params, secrets = found
    return tuple(sorted(params)), tuple(sorted(secrets, key=lambda kv: kv[0]))
