"""Problems found while loading the project (the loader reports them; documented here)."""

from __future__ import annotations

from looker_ops.check.rules.base import rule
from looker_ops.findings import Severity

F = "loading"

rule(
    "LKM001",
    Severity.ERROR,
    "LookML syntax error",
    F,
    "A file lkml cannot parse. It is reported once, with the line, and the other files are still "
    "checked (references to what the file defines are left unchecked: LKM009). A key given twice "
    "in a block is reported at its second line. When a `sql:` line ends with a single `;` (LookML "
    "ends sql with `;;`) before the place the parser stopped, the finding points at that line and "
    "says so; a sql that runs on past a single `;` over a whole block (`dimension: x {`) is "
    "reported the same way, as the block is lost.",
    "view: a {\n  dimension: x {\n    sql: ${TABLE}.x\n  }\n}   # the sql never ends with ;;",
    "view: a {\n  dimension: x {\n    sql: ${TABLE}.x ;;\n  }\n}",
)
rule(
    "LKM002",
    Severity.ERROR,
    "include matches no file",
    F,
    "An `include:` whose glob matches no file in the project (Looker refuses such a model).",
    'include: "/view/*.view.lkml"   # the folder is views/',
    'include: "/views/*.view.lkml"',
)
rule(
    "LKM003",
    Severity.ERROR,
    "undefined constant",
    F,
    "`@{NAME}` used but manifest.lkml declares no `constant: NAME`.",
    "sql_table_name: @{SCHEMA}.logs ;;   # no constant SCHEMA",
    'constant: SCHEMA { value: "cloudtrail" }   # in manifest.lkml',
)
rule(
    "LKM004",
    Severity.ERROR,
    "refinement of an undefined object",
    F,
    "`view: +name` or `explore: +name` refines something no included file defines.",
    "view: +cloudtrail_log { ... }   # the view is cloudtrail_logs",
    "view: +cloudtrail_logs { ... }",
)
rule(
    "LKM005",
    Severity.ERROR,
    "bad extends",
    F,
    "`extends:` names an undefined view/explore, or the extends chain loops back. An object with "
    "`extension: required` that extends one defined nowhere (a block's config project extends "
    "the core project's objects, which only the project importing it has), or in a file no "
    "model includes, is an info: Looker resolves it only where it is extended or included.",
    "view: a { extends: [b] }\nview: b { extends: [a] }",
    "view: a { extends: [b] }\nview: b { extension: required }",
)
rule(
    "LKM006",
    Severity.WARNING,
    "no model",
    F,
    "The project has .lkml files but no .model.lkml: no explore exists to check.",
    "views/a.view.lkml only",
    'a.model.lkml with connection: "athena" and include: "/views/*.view.lkml"',
)
rule(
    "LKM007",
    Severity.INFO,
    "dependency not here",
    F,
    "The project imports another (`local_dependency`, `remote_dependency` in manifest.lkml, or an "
    '`include: "//name/..."`) whose files are not here. One finding per dependency, saying how many '
    "references it left unchecked: a view, explore, refinement or `extends` naming something defined "
    "nowhere in the project may come from it, so it is not an error. "
    "`--dependency NAME=PATH` (or `check.dependencies` in looker-ops.yaml) points at a local checkout of "
    "it, which is then resolved as Looker resolves it.",
    'include: "//block_config/views/*.view.lkml"   # block_config not given',
    "looker-ops check --dependency block_config=../block-config",
)
rule(
    "LKM008",
    Severity.WARNING,
    "file is not UTF-8",
    F,
    "A .lkml or .dashboard.lookml file holding bytes that are not UTF-8 (e.g. a label saved as "
    "Latin-1). Looker reads LookML as UTF-8, so such bytes show as U+FFFD; the finding names the "
    "first byte's offset and line. The rest of the file is still checked.",
    'label: "Caf\\xe9"   # the byte 0xe9 alone (Latin-1), not UTF-8',
    'label: "Café"   # saved as UTF-8',
)
rule(
    "LKM009",
    Severity.INFO,
    "references into a file that does not parse",
    F,
    "A file that does not parse (LKM001) defines nothing for the checker, so every view, explore, "
    "field or test using what it defines would be reported missing. Instead the names its text "
    "defines (`view: name {`, `explore: +name {` blocks) are read from the file, references that "
    "may resolve to them are left unchecked, and this one finding per such file says how many. "
    "A model file that does not parse leaves every reference through its model unchecked (its "
    "includes are unknown). A reference to a name defined nowhere (not even in the broken file) "
    "is still an error. "
    "Parse errors are listed first in every output format.",
    "view: logs {\n  dimension: id { type: string type: number sql: ${TABLE}.id ;; }\n}   # type twice",
    "view: logs {\n  dimension: id { type: string sql: ${TABLE}.id ;; }\n}",
)
rule(
    "DSH001",
    Severity.ERROR,
    "dashboard file is not valid YAML",
    F,
    "A .dashboard.lookml file that YAML cannot read (or that is empty).",
    "- dashboard: a\n  elements:\n  - name: x\n   type: text   # bad indentation",
    "- dashboard: a\n  elements:\n  - name: x\n    type: text",
)
DSH002 = rule(
    "DSH002",
    Severity.ERROR,
    "unknown or malformed dashboard key",
    F,
    "A dashboard or filter key LookML dashboards do not have, or a value of the wrong shape "
    "(`fields` not a list, `listen` not a mapping, an element with no name). Element keys other "
    "than the structural ones (name, type, model, explore, fields, filters, sorts, pivots, limit, "
    "listen, row, col, width, height, title_text, body_text, note_text...) are visualization "
    "settings and are free, except a near miss of a structural key (difflib ratio >= 0.8, or an "
    'edit distance of 1, 2 for keys over 4 letters): `lisen:` is reported with "did you mean listen?". '
    "An element `type` that is not a built-in visualization is an info: it may be a custom "
    "visualization's id (Admin > Visualizations, or a manifest `visualization`).",
    "- dashboard: a\n  colour: red\n  elements:\n  - name: t\n    fields: a.x\n    lisen: {Date: a.date}",
    "- dashboard: a\n  elements:\n  - name: t\n    fields: [a.x]\n    listen: {Date: a.date}",
)
rule(
    "BSL001",
    Severity.WARNING,
    "stale baseline entry",
    F,
    "A baseline entry that no longer matches any finding: remove it (rerun --write-baseline) so the baseline shrinks.",
    '{"code": "ATH201", "file": "x.explore.lkml", ...}   # the join was fixed',
    "the entry removed from the baseline",
)
rule(
    "BSL002",
    Severity.WARNING,
    "inline ignore naming an unknown code",
    F,
    "A `# looker-ops: ignore CODE reason` comment whose CODE is no rule's (a typo such as SQL06 "
    "for SQL006): it exempts nothing, so the finding it meant to silence stays. Name the rule's "
    "code (or ALL).",
    "# looker-ops: ignore SQL06 legacy field",
    "# looker-ops: ignore SQL006 legacy field",
)
