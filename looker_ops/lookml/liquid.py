"""Liquid in LookML SQL, rendered the way Looker renders it for one query.

:class:`LiquidContext` holds what Liquid reads (filters, parameters, user attributes, the
fields in the query); :class:`LiquidRenderer` renders ``{% condition %}``, ``{% date_start %}``,
``{% date_end %}``, ``{% parameter %}``, ``{{ x._parameter_value }}``, ``{{ _user_attributes['x'] }}``,
``{{ _filters['v.f'] }}`` and ``{% if/elsif/else/endif %}`` / ``{% unless %}`` on
``_in_query``, ``_is_filtered``, ``_is_selected`` and comparisons. It is the base of the SQL
compiler (:class:`looker_ops.lookml.sql.SqlCompiler`), which supplies reference substitution.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from looker_ops.lookml.conditions import NUMBER_RE, FilterCompiler, LookerFilterCompiler, quote_sql
from looker_ops.lookml.model import Explore, Field, Project, View

NULL = "NULL"
_LIQUID_RE = re.compile(r"\{%-?\s*(.*?)\s*-?%\}|\{\{-?\s*(.*?)\s*-?\}\}", re.S)


# Liquid block tags other than if/unless/condition/comment, and the tag that ends each.
_BLOCK_ENDS = {
    "incrementcondition": "endincrementcondition",
    "capture": "endcapture",
    "for": "endfor",
    "tablerow": "endtablerow",
    "case": "endcase",
    "raw": "endraw",
}
# Tags that render nothing SQL depends on here (Liquid's own and Looker's).
_SIMPLE_TAGS = frozenset(
    ["break", "continue", "cycle", "increment", "decrement", "echo", "include", "render", "liquid", "layout"]
)


@dataclass(frozen=True)
class SqlProblem:
    """Something the SQL compiler could not resolve (a finding's raw material)."""

    kind: str  # unresolved | cycle | liquid | unsupported
    message: str
    view: str | None
    field: str | None
    missing: str | None = None  # the view or alias name not found (or found only in part)


@dataclass
class LiquidContext:
    """Values that Liquid in SQL reads. Empty means "no filter, no parameter, no user"."""

    filters: dict[str, str] = field(default_factory=dict)  # "view.field" -> filter expression
    parameters: dict[str, str] = field(default_factory=dict)  # "view.param" or "param" -> value
    user_attributes: dict[str, str] = field(default_factory=dict)
    in_query: set[str] = field(default_factory=set)  # "view.field" of the fields in the query
    filter_compiler: FilterCompiler = field(default_factory=LookerFilterCompiler)
    model: str | None = None
    explore: str | None = None


# (id of the field, alias, what, id of the view, model) -> (SQL, problems met, aliases used (never
# changed once stored), and the view and the field themselves, which keeps their ids from being reused)
FieldMemo = dict[
    tuple[int, str, str, int, str | None], tuple[str, tuple[SqlProblem, ...], set[str], object, object]
]


class LiquidRenderer:
    """The state of one compilation (project, explore, Liquid context, problems) and Liquid."""

    def __init__(
        self,
        project: Project,
        explore: Explore | None = None,
        liquid_ctx: LiquidContext | None = None,
        model: str | None = None,
        memo: FieldMemo | None = None,
    ):
        """``memo``: field SQL shared by compilers of one project with no explore and no Liquid
        context (see :class:`looker_ops.lookml.field_sql.FieldCompiler`); ignored otherwise."""
        self.project = project
        self.explore = explore
        # Views are looked up as this model sees them (the explore's model by default).
        self.model = explore.model if explore is not None else model
        self._ctx = liquid_ctx  # made on first use (most field compilations never read it)
        self.aliases: dict[str, str] = explore.aliases() if explore is not None else {}
        self.problems: list[SqlProblem] = []
        self.used_aliases: set[str] = set()
        self._stack: list[tuple[str, str, str]] = []
        self.assigned: dict[str, object] = {}  # Liquid variables set by assign / capture
        # What a memoised result may not depend on: incremented when a compilation reads or
        # writes Liquid variables or meets its own stack (a cycle), whose results depend on
        # more than the field compiled.
        self._taint = 0
        self._memo = memo if explore is None and liquid_ctx is None else None
        self._met: list[SqlProblem] = []  # every problem met, even twice (a memoised frame's are replayed)

    @property
    def ctx(self) -> LiquidContext:
        """What Liquid reads (an empty context unless one was given)."""
        if self._ctx is None:
            self._ctx = LiquidContext()
        return self._ctx

    # -- lookups
    def _problem(
        self, kind: str, msg: str, view: str | None, fld: str | None, missing: str | None = None
    ) -> None:
        """Record a problem once; ``missing``: the view (or alias) name that was not found."""
        self._add_problem(SqlProblem(kind, msg, view, fld, missing))

    def _add_problem(self, p: SqlProblem) -> None:
        """Record ``p`` once (and in the log a memoised frame replays)."""
        self._met.append(p)
        if p not in self.problems:
            self.problems.append(p)

    def resolve_alias(self, name: str) -> tuple[str, str] | None:
        """(view name, alias) for an alias or view name used in ``${name.x}``."""
        if name in self.aliases:
            return self.aliases[name], name
        if self.view(name) is not None:
            # A view joined under another alias is reached through its first alias.
            for a, v in self.aliases.items():
                if v == name:
                    return name, a
            return name, name
        if self.explore is None:
            # A view's own SQL may name a join alias of an explore that uses it
            # (``join: x { from: y }`` then ``${x.field}``): resolve it to the joined view.
            vname = self.project.join_aliases(self.model).get(name)
            if vname is not None and self.view(vname) is not None:
                return vname, name
        return None

    def view(self, name: str) -> View | None:
        """The view ``name`` as this compilation's model sees it."""
        return self.project.view_for(self.model, name)

    # -- parameters
    def _parameter_value(self, view: View | None, name: str) -> str | None:
        """The SQL value of a parameter (quoted for string parameters), or None."""
        vname, pname = name.split(".", 1) if "." in name else (view.name if view else "", name)
        res = self.resolve_alias(vname) if vname else None
        target = self.view(res[0]) if res else None
        pf = target.fields.get(pname) if target else None
        value = self.ctx.parameters.get(f"{vname}.{pname}", self.ctx.parameters.get(pname))
        if value is None and pf is not None:
            dv = pf.props.get("default_value")
            if dv is not None:
                value = str(dv)
            else:
                for av in pf.props.get("allowed_values", []) or []:
                    if isinstance(av, dict) and "value" in av:
                        value = str(av["value"])
                        break
        if value is None:
            return None
        ptype = pf.type if pf is not None else "string"
        if ptype == "unquoted" or ptype in ("number", "yesno"):
            return value
        if ptype.startswith("date"):
            return f"TIMESTAMP {quote_sql(value.replace('/', '-'))}"
        return quote_sql(value)

    # -- Liquid
    def _filter_field(self, view: View | None, name: str) -> tuple[Field | None, str]:
        if "." in name:
            vn, fn = name.split(".", 1)
            res = self.resolve_alias(vn)
            target = self.view(res[0]) if res else None
            return (target.fields.get(fn) if target else None), f"{res[1] if res else vn}.{fn}"
        f = view.fields.get(name) if view else None
        return f, f"{view.name if view else ''}.{name}"

    def _filter_value(self, view: View | None, name: str) -> tuple[Field | None, str | None]:
        f, key = self._filter_field(view, name)
        val = self.ctx.filters.get(key)
        if val is None and view is not None and "." not in name:
            val = self.ctx.filters.get(name)
        if val is None and f is not None:
            val = self.ctx.filters.get(f.ref)
        return f, val

    def liquid(self, text: str, view: View | None, alias: str | None) -> str:
        if "{%" not in text and "{{" not in text:
            return text
        tokens: list[tuple[str, str]] = []
        pos = 0
        for m in _LIQUID_RE.finditer(text):
            if m.start() > pos:
                tokens.append(("text", text[pos : m.start()]))
            if m.group(1) is not None:
                tokens.append(("tag", m.group(1).strip()))
            else:
                tokens.append(("out", (m.group(2) or "").strip()))
            pos = m.end()
        if pos < len(text):
            tokens.append(("text", text[pos:]))
        out, _ = self._render_tokens(tokens, 0, view, alias, stop=())
        return out

    def _render_tokens(
        self,
        tokens: list[tuple[str, str]],
        i: int,
        view: View | None,
        alias: str | None,
        stop: tuple[str, ...],
    ) -> tuple[str, int]:
        out: list[str] = []
        while i < len(tokens):
            kind, val = tokens[i]
            if kind == "text":
                out.append(val)
                i += 1
                continue
            if kind == "out":
                out.append(self._liquid_output(val, view))
                i += 1
                continue
            word = val.split(None, 1)[0] if val else ""
            arg = val[len(word) :].strip()
            if word in stop:
                return "".join(out), i
            if word == "condition":
                body, j = self._render_tokens(tokens, i + 1, view, alias, ("endcondition",))
                f, fv = self._filter_value(view, arg)
                out.append(self.ctx.filter_compiler.condition(f, body.strip(), fv) if fv else "1=1")
                i = j + 1
            elif word in ("date_start", "date_end"):
                _, fv = self._filter_value(view, arg)
                if fv:
                    start, end = self.ctx.filter_compiler.date_bounds(fv)
                    b = start if word == "date_start" else end
                    out.append(b if b is not None else NULL)
                else:
                    out.append(NULL)
                i += 1
            elif word == "parameter":
                out.append(self._parameter_value(view, arg) or NULL)
                i += 1
            elif word in ("if", "unless"):
                chosen, j = self._render_if(tokens, i, word, arg, view, alias)
                out.append(chosen)
                i = j + 1
            elif word == "comment":
                _, j = self._render_tokens(tokens, i + 1, view, alias, ("endcomment",))
                i = j + 1
            elif word in _BLOCK_ENDS:
                rendered, i = self._render_block(tokens, i, word, arg, view, alias)
                out.append(rendered)
            elif word == "assign":
                name, _, expr = arg.partition("=")
                self._taint += 1
                self.assigned[name.strip()] = self._liquid_value(expr.strip(), view)
                i += 1
            elif word in _SIMPLE_TAGS:
                i += 1
            else:
                self._problem(
                    "liquid", f"unsupported Liquid tag {{% {word} %}}", view.name if view else None, None
                )
                i += 1
        if stop:
            self._problem("liquid", f"missing {{% {stop[0]} %}}", view.name if view else None, None)
        return "".join(out), i

    def _render_block(
        self,
        tokens: list[tuple[str, str]],
        i: int,
        word: str,
        arg: str,
        view: View | None,
        alias: str | None,
    ) -> tuple[str, int]:
        """A block tag other than if/unless/condition: (its SQL, the index after its end tag).

        ``incrementcondition`` (incremental PDTs) is a condition true for a full build;
        ``capture`` assigns its body; ``for`` / ``tablerow`` render their body once; ``case``
        renders the first ``when`` equal to its value, else its ``else``; ``raw`` its text as is.
        """
        end = _BLOCK_ENDS[word]
        if word == "raw":
            j = i + 1
            parts: list[str] = []
            while j < len(tokens) and tokens[j] != ("tag", end):
                k, v = tokens[j]
                parts.append(
                    v
                    if k == "text"
                    else ("{%" if k == "tag" else "{{") + f" {v} " + ("%}" if k == "tag" else "}}")
                )
                j += 1
            return "".join(parts), j + 1
        if word == "case":
            return self._render_case(tokens, i, arg, view, alias)
        body, j = self._render_tokens(tokens, i + 1, view, alias, (end,))
        if word == "capture":
            self._taint += 1
            self.assigned[arg.strip()] = body
            return "", j + 1
        if word == "incrementcondition":
            return "1=1", j + 1
        return body, j + 1

    def _render_case(
        self, tokens: list[tuple[str, str]], i: int, arg: str, view: View | None, alias: str | None
    ) -> tuple[str, int]:
        """``{% case x %}{% when 'a', 'b' %}...{% else %}...{% endcase %}``."""
        value = str(self._liquid_value(arg, view))
        j = i + 1
        _, j = self._render_tokens(tokens, j, view, alias, ("when", "else", "endcase"))
        chosen: str | None = None
        while j < len(tokens):
            tw = tokens[j][1].split(None, 1)
            if tw[0] == "endcase":
                break
            body, k = self._render_tokens(tokens, j + 1, view, alias, ("when", "else", "endcase"))
            if chosen is None:
                if tw[0] == "else":
                    chosen = body
                else:
                    opts = [
                        str(self._liquid_value(o.strip(), view))
                        for o in re.split(r",|\bor\b", tw[1] if len(tw) > 1 else "")
                    ]
                    if value in opts:
                        chosen = body
            j = k
        return chosen or "", j + 1

    def _render_if(
        self,
        tokens: list[tuple[str, str]],
        i: int,
        word: str,
        arg: str,
        view: View | None,
        alias: str | None,
    ) -> tuple[str, int]:
        """The chosen branch of the ``{% if %}`` / ``{% unless %}`` at ``i`` and the index of its end tag."""
        branches: list[tuple[str | None, str]] = []
        cond: str | None = arg
        j = i + 1
        while True:
            body, j = self._render_tokens(tokens, j, view, alias, ("elsif", "else", "endif", "endunless"))
            branches.append((cond, body))
            if j >= len(tokens):
                self._problem("liquid", f"{{% {word} %}} is never closed", view.name if view else None, None)
                break
            tw = tokens[j][1].split(None, 1)
            if tw[0] in ("endif", "endunless"):
                break
            cond = tw[1] if tw[0] == "elsif" and len(tw) > 1 else None
            j += 1
        chosen = ""
        for c, body in branches:
            if c is None:
                chosen = body
                break
            ok = self._liquid_bool(c, view)
            if word == "unless" and c is arg:
                ok = not ok
            if ok:
                chosen = body
                break
        return chosen, j

    def _liquid_value(self, expr: str, view: View | None) -> object:
        e = expr.split("|", 1)[0].strip()
        if (e.startswith("'") and e.endswith("'")) or (e.startswith('"') and e.endswith('"')):
            return e[1:-1]
        if re.fullmatch(NUMBER_RE, e):
            return float(e)
        if e in ("true", "false"):
            return e == "true"
        self._taint += 1  # the value depends on what was assigned before (if anything)
        if e in self.assigned:
            return self.assigned[e]
        m = re.fullmatch(r"_user_attributes\[['\"](.+?)['\"]\]", e)
        if m:
            return self.ctx.user_attributes.get(m.group(1), "")
        m = re.fullmatch(r"_filters\[['\"](.+?)['\"]\]", e)
        if m:
            return self.ctx.filters.get(m.group(1), "")
        if e in ("_model._name",):
            return self.ctx.model or (self.explore.model if self.explore else "")
        if e in ("_explore._name",):
            return self.ctx.explore or (self.explore.name if self.explore else "")
        if e in ("_view._name",):
            return view.name if view else ""
        m = re.fullmatch(
            r"([\w.]+?)\.(_in_query|_is_filtered|_is_selected|_parameter_value|_value|_name|_sql)", e
        )
        if m:
            name, prop = m.group(1), m.group(2)
            f, key = self._filter_field(view, name)
            if prop in ("_in_query", "_is_selected"):
                return key in self.ctx.in_query or (f is not None and f.ref in self.ctx.in_query)
            if prop == "_is_filtered":
                return self._filter_value(view, name)[1] is not None
            if prop == "_parameter_value":
                return self._parameter_value(view, name) or ""
            if prop == "_name":
                return key
            if prop == "_sql" and f is not None:
                return self.substitute("${" + name + "._sql}", view, view.name if view else None)
            return ""
        return ""

    def _liquid_output(self, expr: str, view: View | None) -> str:
        v = self._liquid_value(expr, view)
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, float):
            return str(int(v)) if v.is_integer() else str(v)
        return str(v)

    def _liquid_bool(self, cond: str, view: View | None) -> bool:
        for disj in re.split(r"\s+or\s+", cond):
            if all(self._liquid_atom(a, view) for a in re.split(r"\s+and\s+", disj)):
                return True
        return False

    def _liquid_atom(self, atom: str, view: View | None) -> bool:
        m = re.fullmatch(r"(.+?)\s*(==|!=|<>|>=|<=|>|<|contains)\s*(.+)", atom.strip())
        if not m:
            v = self._liquid_value(atom, view)
            return bool(v) and v != ""
        a, op, b = self._liquid_value(m.group(1), view), m.group(2), self._liquid_value(m.group(3), view)
        if op == "contains":
            return str(b) in str(a)
        if op == "==":
            return str(a) == str(b)
        if op in ("!=", "<>"):
            return str(a) != str(b)
        try:
            fa, fb = float(str(a)), float(str(b))
        except ValueError:
            return False
        return {">": fa > fb, "<": fa < fb, ">=": fa >= fb, "<=": fa <= fb}[op]

    def substitute(self, text: str, view: View | None, alias: str | None, owner: str | None = None) -> str:
        """``${...}`` references replaced by SQL (the compiler's job)."""
        raise NotImplementedError
