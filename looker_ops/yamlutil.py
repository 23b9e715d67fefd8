"""What a YAML parse error says, and where: one wording for every file looker-ops reads."""

from __future__ import annotations

import yaml

from looker_ops.errors import BadInput

__all__ = ["error_line", "error_problem", "not_valid_yaml"]


def error_line(exc: yaml.YAMLError) -> int | None:
    """The 0-based line a YAML error points at (its problem, else its context), or None."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return None if mark is None else int(mark.line)


def error_problem(exc: yaml.YAMLError) -> str:
    """What is wrong, without PyYAML's multi-line context ("could not find expected ':'")."""
    return getattr(exc, "problem", None) or str(exc)


def not_valid_yaml(file: object, exc: yaml.YAMLError, hint: str = "") -> BadInput:
    """``FILE:LINE: not valid YAML: PROBLEM`` (no ``:LINE`` when the error names none), then ``hint``."""
    line = error_line(exc)
    at = "" if line is None else f":{line + 1}"
    return BadInput(f"{file}{at}: not valid YAML: {error_problem(exc)}{hint}")
