"""A guarded front end to lkml's lexer: it always ends, and refuses what lkml would loop on.

lkml's ``Lexer.scan`` dispatches on the next character and relies on every branch consuming
something. A single ``;`` that does not start ``;;`` (``label: "x";``, ``};``) consumes nothing,
so lkml loops forever on it. :class:`GuardedLexer` runs its own dispatch loop over lkml's token
scanners (so tokens are exactly lkml's) and raises :class:`LexError` with the line instead:

- a lone ``;`` outside a quoted string, comment or SQL block;
- any step that does not move forward (a guard for cases not known today);
- blocks nested deeper than :data:`MAX_BLOCK_DEPTH` (valid LookML nests a handful of levels;
  lkml's recursive parser would exhaust Python's stack on a few hundred).
"""

from __future__ import annotations

import lkml.tokens as tokens
from lkml.keys import CHARACTER_TO_TOKEN
from lkml.lexer import Lexer

from looker_ops.lookml.fastparse import MAX_BLOCK_DEPTH


class LexError(Exception):
    """Text the lexer refuses; ``line`` is 1-based."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class GuardedLexer(Lexer):
    """lkml's lexer with a dispatch loop that always moves forward (see the module doc)."""

    def scan(self) -> tuple[tokens.Token, ...]:
        out = self.tokens
        out.append(tokens.StreamStartToken(self.line_number))
        depth = 0
        text = self.text
        while True:
            start = self.index
            ch = text[start]
            if ch == "\0":
                out.append(CHARACTER_TO_TOKEN[ch](self.line_number))
                break
            if ch in "\n\t ":
                out.append(self.scan_whitespace())
            elif ch == "#":
                self.advance()
                out.append(self.scan_comment())
            elif ch == ";":
                if text[start + 1 : start + 2] != ";":
                    raise LexError(
                        self.line_number,
                        "a lone ';' (LookML ends a SQL or HTML value with ';;' and nothing else "
                        "with ';': remove it)",
                    )
                self.advance(2)
                out.append(CHARACTER_TO_TOKEN[ch](self.line_number))
            elif ch == '"':
                self.advance()
                out.append(self.scan_quoted_literal())
            elif ch in CHARACTER_TO_TOKEN:
                self.advance()
                if ch == "{":
                    depth += 1
                    if depth > MAX_BLOCK_DEPTH:
                        raise LexError(
                            self.line_number,
                            f"blocks nested more than {MAX_BLOCK_DEPTH} deep: not LookML "
                            "(LookML objects nest a few levels)",
                        )
                elif ch == "}":
                    depth -= 1
                out.append(CHARACTER_TO_TOKEN[ch](self.line_number))
            elif self.check_for_expression_block(text[start : start + 25]):
                out.append(self.scan_literal())
                self.advance()  # the ':'
                out.append(tokens.ValueToken(self.line_number))
                out.append(self.scan_expression_block())
            else:
                out.append(self.scan_literal())
            if self.index <= start:
                raise LexError(self.line_number, f"unexpected character {ch!r}")
        return tuple(out)
