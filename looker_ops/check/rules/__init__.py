"""The rules of ``looker-ops check``: one module per family.

A rule is a :class:`Rule` (code, severity, title, doc with a bad and a good example) registered
by its family module (the registry and the base classes are in
:mod:`looker_ops.check.rules.base`); a family exposes ``check(ctx) -> None`` that reports findings through
:meth:`CheckContext.report`. The loader's own problems (syntax, includes, constants...) are
documented here as rules too (family ``loading``) so every code has one place.
"""

from __future__ import annotations

from looker_ops.check.rules.base import (
    ATHENA_FAMILIES,
    RULES,
    CheckContext,
    CheckOptions,
    Family,
    Rule,
    rule,
)


def families() -> list[tuple[str, Family]]:
    """Every rule family in the order they run."""
    from looker_ops.check.rules import (
        athena_sql,
        dialect_sql,
        fanout,
        on_data,
        parameters,
        partitions,
        persistence,
        primary_keys,
        references,
    )

    return [
        ("parameters", parameters.check),
        ("references", references.check),
        ("dialect", dialect_sql.check),
        ("persistence", persistence.check),
        ("fanout", fanout.check),
        ("primary_keys", primary_keys.check),
        ("athena_sql", athena_sql.check),
        ("partitions", partitions.check),
        ("engine", on_data.check),
    ]


def all_rules() -> dict[str, Rule]:
    families()  # importing the modules registers their rules
    from looker_ops.check.rules import loading  # noqa: F401

    return dict(sorted(RULES.items()))


FAMILY_TITLES = {
    "loading": "Loading (syntax, includes, constants, extends, dashboards, baseline)",
    "persistence": "Athena 1: no persistent derived tables",
    "fanout": "Athena 2: no reliance on symmetric aggregates",
    "primary_keys": "Athena 3: primary keys only where valid",
    "athena_sql": "Athena 4: Athena SQL",
    "partitions": "Athena 5: partition pruning",
    "references": "References",
    "dialect": "SQL in the connection's dialect",
    "parameters": "Parameters and values (Looker's LookML reference)",
    "engine": "SQL on the embedded engine (--sql)",
}


def render_rules_markdown() -> str:
    """The rule reference of docs/check.md, generated from the rules themselves."""
    from looker_ops.check.rules import (
        athena_sql,
        dialect_sql,
        fanout,
        loading,
        on_data,
        parameters,
        partitions,
        persistence,
        primary_keys,
        references,
    )

    modules = {
        "loading": loading,
        "parameters": parameters,
        "references": references,
        "dialect": dialect_sql,
        "persistence": persistence,
        "fanout": fanout,
        "primary_keys": primary_keys,
        "athena_sql": athena_sql,
        "partitions": partitions,
        "engine": on_data,
    }
    rules = all_rules()
    out: list[str] = []
    for fam, title in FAMILY_TITLES.items():
        members = [r for r in rules.values() if r.family == fam]
        if not members:
            continue
        out.append(f"## {title}\n")
        module = modules.get(fam)
        mod_doc = ((module.__doc__ if module is not None else None) or "").strip()
        if mod_doc:
            out.append(mod_doc + "\n")
        for r in members:
            doc = r.doc.strip()
            out.append(f"### {r.code}\n")
            out.append(f"**{r.title}** ({r.severity.value})\n")
            if doc:
                out.append(doc + "\n")
            out.append("Bad:\n\n```\n" + r.bad.rstrip() + "\n```\n")
            out.append("Good:\n\n```\n" + r.good.rstrip() + "\n```\n")
    return "\n".join(out)


__all__ = [
    "ATHENA_FAMILIES",
    "FAMILY_TITLES",
    "RULES",
    "CheckContext",
    "CheckOptions",
    "Family",
    "Rule",
    "all_rules",
    "families",
    "render_rules_markdown",
    "rule",
]
