"""The JSON a command prints for machines (README "Command options" and "Exit codes"): the
``--json [PATH]`` option, its writer, :class:`JsonResult`, and the one error envelope every
command with a JSON output gives when it fails.

How a failure reaches the JSON, for every command alike: the options that put a command in a
JSON mode note where its JSON goes (``--json PATH``, ``--json -``, ``--format json`` with or
without ``-o/--output``; :func:`json_option`, :data:`FORMAT`, :data:`OUTPUT`), in the click
context's ``meta`` that all of a command line's contexts share. When a LookerOpsError (exit 1,
2 or 3) ends the command, the CLI (looker_ops/cli.py) calls :func:`write_failure`, which writes
the envelope (:func:`failure_doc`) to each of those places that the command has not already
written its JSON to; the human message stays on stderr. A :class:`JsonResult` adds what the
command had done so far to the envelope.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import click

from looker_ops.commands import ARGS
from looker_ops.errors import BadInput, LookerOpsError, error_json, problems_of

_META = "looker_ops.json_out"
STDOUT = "-"


@dataclass
class JsonTargets:
    """Where the running command's JSON goes, as its options said: ``json_path`` (``--json``),
    ``fmt`` (``--format``) and ``output`` (``-o/--output``); ``written``: the places it already
    holds the command's JSON (a failure then adds nothing there); ``partial``: what a
    :class:`JsonResult` had filled in when the command failed."""

    json_path: str | None = None
    fmt: str | None = None
    output: str | None = None
    written: set[str] = field(default_factory=set)
    partial: dict[str, Any] | None = None
    command: str = ""

    def places(self) -> list[str]:
        """Where the JSON goes and is not written yet: ``-`` (stdout) or a file path."""
        out = []
        if self.fmt == "json":
            out.append(self.output or STDOUT)
        if self.json_path:
            out.append(self.json_path)
        return [p for p in dict.fromkeys(out) if p not in self.written]


def targets(ctx: click.Context | None = None) -> JsonTargets:
    """The running command line's :class:`JsonTargets` (a fresh one outside a command)."""
    ctx = ctx or click.get_current_context(silent=True)
    if ctx is None:
        return JsonTargets()
    found = ctx.meta.get(_META)
    if not isinstance(found, JsonTargets):
        found = ctx.meta[_META] = JsonTargets()
    if not found.command:
        found.command = command_name(ctx)
    return found


def command_name(ctx: click.Context) -> str:
    """The command as typed after ``looker-ops`` (``schedules validate``)."""
    names = []
    while ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(reversed(names)) or (ctx.info_name or "")


@dataclass(frozen=True)
class _Note:
    """An option callback that notes the option's value as ``attr`` of :class:`JsonTargets` (a
    given value; an option left out notes nothing, so ``--out`` does not undo ``--output``)."""

    attr: str

    def __call__(self, ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is not None:
            self.note(ctx, value)
        return value

    def note(self, ctx: click.Context, value: Any) -> None:
        t = targets(ctx)
        t.command = command_name(ctx)
        setattr(t, self.attr, str(value))


JSON = _Note("json_path")
"""The callback of every ``--json [PATH]`` (:func:`json_option`)."""
FORMAT = _Note("fmt")
"""The callback of a ``--format`` option that has ``json`` among its choices."""
OUTPUT = _Note("output")
"""The callback of the ``-o/--output`` option of a command with ``--format json``."""


def json_option(what: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--json [PATH]``, the one spelling on every command: ``what`` as JSON to the file PATH;
    ``-``, or no PATH, puts it on stdout alone (any text goes to stderr or is left out). The
    value reaches the command as ``json_path`` (a str, or None)."""
    return click.option(
        "--json",
        "json_path",
        default=None,
        is_flag=False,
        flag_value=STDOUT,
        metavar="[PATH]",
        callback=JSON,
        help=f"Write {what} as JSON to PATH ('-' or no PATH: stdout, the JSON alone).",
    )


def json_written(place: str) -> None:
    """The command has written its JSON to ``place`` (``-`` or a path): a failure after this
    adds no envelope there."""
    targets().written.add(place)


def write_json(target: str, data: Any) -> None:
    """``--json TARGET``: the data as JSON in the file TARGET, or on stdout for ``-``. A report
    (a dict) without ``ok`` is a command's success: ``ok`` true and ``exit_code`` 0 come first,
    as in every command's JSON (README "Exit codes")."""
    if isinstance(data, dict) and "ok" not in data:
        data = {"ok": True, "exit_code": 0, **data}
    text = json.dumps(data, indent=2, default=str)
    if target == STDOUT:
        click.echo(text)
    else:
        from looker_ops.commands.outpaths import writing

        with writing("--json", target):
            Path(target).write_text(text + "\n", encoding="utf-8")
    json_written(target)


def failure_doc(exc: LookerOpsError, command: str, partial: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON of a failed command: ``ok`` false, ``command``, ``status`` ``failed``, its
    ``exit_code``, ``error`` (``kind``, ``message``, and the ``file``, ``line`` and ``key`` of its
    first problem), ``problems`` (each with ``file``, ``line``, ``item``, ``key``, ``message``),
    then what ``partial`` holds besides; secrets masked."""
    message = masked(exc.message)
    doc: dict[str, Any] = {"ok": False, "command": command, **(partial or {})}
    doc.update(
        ok=False,
        status="failed",
        exit_code=exc.exit_code,
        error=error_json(message, exc.exit_code),
        problems=problems_of(message),
    )
    return doc


def masked(message: str) -> str:
    """``message`` with every secret masked (:func:`looker_ops.looker.redact.mask_message`): the
    one masking of every error message, on stderr as in the JSON."""
    from looker_ops.looker.redact import mask_message

    return mask_message(message)


def write_failure(exc: LookerOpsError, t: JsonTargets | None = None) -> None:
    """Write :func:`failure_doc` to every place the command's JSON goes (``t``, else the running
    command line's) and does not hold yet (the message itself is the caller's to print on
    stderr). A place that cannot be written is said on stderr (unless the error is about that
    place already); the error and the exit code still say what happened."""
    t = t or targets()
    places = t.places()
    if not places:
        return
    doc = failure_doc(exc, t.command, t.partial)
    for place in places:
        try:
            write_json(place, doc)
        except BadInput as failed:
            if place not in exc.message:  # else the error itself is that the place cannot be written
                reason = failed.message.rpartition(": cannot write: ")[2]
                click.echo(
                    f"error: the JSON of this failure could not be written to {place}: {reason}", err=True
                )
            continue
        t.written.add(place)


class JsonResult:
    """The ``--json [PATH]`` result of a command that prints text: ``doc`` (a dict the command
    fills in) starts as ``{"ok": true, "command", "status": "ok", "exit_code": 0, "error": None,
    "problems": []}`` and is written when the ``with`` block ends. When it ends with a
    LookerOpsError, the failure's envelope (:func:`failure_doc`) with ``doc``'s own keys is
    written (:func:`write_failure`), and the error goes on to the CLI (its line on stderr, its
    exit code). :meth:`echo` prints a text line: on stdout, or on stderr with ``--json -``
    (stdout then holds the JSON alone)."""

    def __init__(self, json_path: str | None, command: str, **fields: Any) -> None:
        self.json_path = json_path
        self.doc: dict[str, Any] = {
            "ok": True,
            "command": command,
            "status": "ok",
            "exit_code": 0,
            "error": None,
            "problems": [],
            **fields,
        }

    def echo(self, line: str = "", *, err: bool = False) -> None:
        """A line of the text output (stderr with ``--json -``, or when ``err``)."""
        click.echo(line, err=err or self.json_path == STDOUT)

    def __enter__(self) -> JsonResult:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if isinstance(exc, LookerOpsError):
            t = targets()
            t.partial = self.doc
            if self.json_path and not t.json_path:  # a command not run through json_option
                t.json_path = self.json_path
            write_failure(exc, t)
        elif exc is None and self.json_path:
            write_json(self.json_path, self.doc)
        # any other exception is a bug or click's own exit: the CLI reports it


def write_usage_failure(exc: click.UsageError) -> None:
    """A usage error click found in a command's arguments (a value not among an option's choices,
    a missing argument): the envelope where the command's JSON goes, read from the arguments
    themselves (the option that failed may have come before ``--json`` or ``--format``, whose
    values click had then not read yet). Nothing when the arguments do not parse at all (an
    unknown option), or the command has no JSON mode; click prints its message on stderr."""
    ctx = exc.ctx
    if ctx is None or isinstance(ctx.command, click.Group):
        return
    args = list(ctx.meta.get(ARGS) or [])
    for name in command_name(ctx).split():  # the arguments after the command's own name
        if name not in args:
            return
        args = args[args.index(name) + 1 :]
    try:
        opts, _, _ = ctx.command.make_parser(ctx).parse_args(args)
    except click.UsageError:
        return
    for param in ctx.command.params:
        if isinstance(param.callback, _Note) and param.name in opts:
            value = opts[param.name]
            param.callback.note(ctx, value if isinstance(value, str) else STDOUT)  # bare --json
    write_failure(BadInput(exc.format_message()))
