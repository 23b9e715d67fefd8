"""A text tile's Markdown body as escaped HTML (the subset Looker's text tiles render)."""

from __future__ import annotations

import html
import re

_MD_HEADING = re.compile(r"(#{1,6})\s+(.*?)(?:\s+#+)?\s*")
_MD_ITEM = re.compile(r"\s{0,6}([-*+]|\d{1,9}[.)])\s+(.*)")
_MD_FENCE = re.compile(r"\s{0,3}(```|~~~)")
_MD_CODE = re.compile(r"(`+)(.+?)\1")
_MD_LINK = re.compile(r"(!?)\[([^\]\n]*)\]\(\s*((?:[^()\s]|\([^()\s]*\))*)(?:\s+&quot;.*?&quot;)?\s*\)")
_MD_EMPHASIS = (
    (re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), "strong"),
    (re.compile(r"(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)"), "strong"),
    (re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"), "em"),
    (re.compile(r"(?<!\w)_(?=[^\s_])(.+?)(?<=[^\s_])_(?!\w)"), "em"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), "del"),
)
_MD_SLOT = re.compile("\x00(\\d+)\x00")


def _md_inline(text: str) -> str:
    """One line of Markdown as HTML: escaped first, then `code`, [links](url), **bold**,
    *italic*, ~~struck~~. A link shows its text and its address as plain text: nothing is
    clickable and nothing (an image either) is loaded."""
    out = html.escape(text.replace("\x00", ""), quote=True)
    slots: list[str] = []

    def keep(fragment: str) -> str:
        slots.append(fragment)
        return f"\x00{len(slots) - 1}\x00"

    def emphasis(fragment: str) -> str:
        for pattern, tag in _MD_EMPHASIS:
            fragment = pattern.sub(rf"<{tag}>\1</{tag}>", fragment)
        return fragment

    def link(m: re.Match[str]) -> str:
        image, label, url = m[1], m[2].strip(), m[3]
        shown = emphasis(label) if label else ""
        if image:
            shown = f"[image{': ' + shown if shown else ''}]"
        if not url or url == label:
            return keep(shown or f'<span class="url">{url}</span>')
        return keep(
            f'{shown} <span class="url">({url})</span>' if shown else f'<span class="url">{url}</span>'
        )

    out = _MD_CODE.sub(lambda m: keep(f"<code>{m[2].strip()}</code>"), out)
    out = _MD_LINK.sub(link, out)
    out = emphasis(out)
    for _ in range(3):  # a link's text may hold a code span
        out = _MD_SLOT.sub(lambda m: slots[int(m[1])], out)
    return out


def markdown_html(text: str) -> str:
    """A text tile's Markdown as HTML, the common subset Looker renders: paragraphs, ``-`` /
    ``*`` / ``1.`` lists, ``#`` headings (h3 and below: the tile title is h2), fenced code,
    **bold**, *italic*, `code` and links shown as text with their address (never a link, never
    loaded). Every character of the source is HTML-escaped before any tag is added, so the
    body cannot inject markup, scripts or styles."""
    blocks: list[str] = []
    para: list[str] = []
    items: list[str] = []
    ordered = False
    fence: list[str] | None = None

    def flush() -> None:
        nonlocal items
        if para:
            blocks.append("<p>" + "\n".join(_md_inline(ln) for ln in para) + "</p>")
            para.clear()
        if items:
            tag = "ol" if ordered else "ul"
            blocks.append(f"<{tag}>" + "".join(f"<li>{_md_inline(it)}</li>" for it in items) + f"</{tag}>")
            items = []

    for raw in text.splitlines():
        line = raw.rstrip()
        if fence is not None:
            if _MD_FENCE.match(line):
                blocks.append("<pre><code>" + html.escape("\n".join(fence)) + "</code></pre>")
                fence = None
            else:
                fence.append(raw)
            continue
        if _MD_FENCE.match(line):
            flush()
            fence = []
            continue
        if not line.strip():
            flush()
            continue
        heading = _MD_HEADING.fullmatch(line.strip()) if not line.startswith("    ") else None
        if heading:
            flush()
            level = min(len(heading[1]) + 2, 6)
            blocks.append(f"<h{level}>{_md_inline(heading[2])}</h{level}>")
            continue
        item = _MD_ITEM.fullmatch(line)
        if item and not (para and item[1][0].isdigit()):
            kind = item[1][0].isdigit()
            if para or (items and kind != ordered):
                flush()
            ordered = kind
            items.append(item[2])
            continue
        if items:  # a continuation line of the last item
            items[-1] += " " + line.strip()
            continue
        para.append(line.strip())
    if fence is not None:
        blocks.append("<pre><code>" + html.escape("\n".join(fence)) + "</code></pre>")
    flush()
    return "".join(blocks)
