"""Text from files and commits made safe for where isolint prints it.

File names, source text and commit subjects are chosen by whoever wrote the code under scan,
so each output escapes them for its own syntax: a line of terminal or CI-log output
(:func:`line`), a shell command (:func:`shell`), Markdown (:func:`md_code`, :func:`md_text`).
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def line(text: str) -> str:
    """``text`` safe inside one line of human output: when it holds a CR or LF, those and
    ``%`` are escaped as GitHub's workflow commands expect (``%25``, ``%0D``, ``%0A``), so that
    no file name or message can start a new line, and with it a ``::workflow-command::``.
    Text without line breaks is left as it is (``100%`` stays readable)."""
    if "\r" not in text and "\n" not in text:
        return text
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def line_path(path: str) -> str:
    """A path at the start of a line of human output: as :func:`line`, and ``./`` before a
    relative path starting with ``:``, so that the line cannot read as a workflow command."""
    path = line(path)
    return "./" + path if path.startswith(":") else path


def shell(text: str) -> str:
    """``text`` as one word of a POSIX shell (bash) command line: ``shlex.quote``, or an ANSI-C
    ``$'...'`` string when it holds control characters (a newline would end the command)."""
    if not _CONTROL.search(text):
        import shlex

        return shlex.quote(text)
    escaped = (text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")
               .replace("\r", "\\r").replace("\t", "\\t"))
    return "$'" + _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", escaped) + "'"


def _visible_newlines(text: str) -> str:
    return text.replace("\r\n", "\\r\\n").replace("\r", "\\r").replace("\n", "\\n")


def md_code(text: str, cell: bool = False) -> str:
    """``text`` as a Markdown code span: fenced with one backtick more than its longest run of
    backticks (padded with a space where it starts or ends with one), newlines shown as
    ``\\n``; ``cell``: inside a table cell, where ``|`` must be escaped even in a code span."""
    text = _visible_newlines(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith(("`", " ")) or text.endswith(("`", " ")) else ""
    span = f"{fence}{pad}{text}{pad}{fence}"
    return span.replace("|", "\\|") if cell else span


#: Escaped with a backslash: what could end a table cell, a code span or make a link or an
#: image (``](``); emphasis characters only change the rendering and are left readable.
_MD_SPECIAL = re.compile(r"([\\`|]|\](?=\())")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}


def md_text(text: str) -> str:
    """Plain ``text`` in Markdown: HTML special characters as entities; backslashes, backticks,
    ``|`` and the ``]`` of a ``](`` escaped with a backslash; newlines shown as ``\\n``. Safe in
    a paragraph or a table cell: no HTML, no link or image, no cell or code span broken."""
    text = _MD_SPECIAL.sub(r"\\\1", _visible_newlines(text))
    return re.sub(r'[&<>"]', lambda m: _HTML[m.group()], text)


def md_html(text: str) -> str:
    """Prose in Markdown outside tables (a file name in a sentence): only what could become
    HTML or break the line is escaped (``&``, ``<``, ``>``, newlines), so paths stay readable."""
    return re.sub(r"[&<>]", lambda m: _HTML[m.group()], _visible_newlines(text))


def md_message(text: str) -> str:
    """A finding's message (prose with code in backticks) in Markdown, safe in a table cell:
    the backtick pairs become code spans, everything between them is :func:`md_text`, an
    unpaired backtick is literal. Source text in a message cannot close its span early and
    put HTML or a table separator into the rendered page."""
    parts = _visible_newlines(text).split("`")
    if len(parts) % 2 == 0:  # an odd number of backticks: the last one is text
        parts[-2:] = [parts[-2] + "`" + parts[-1]]
    out = []
    for i, part in enumerate(parts):
        out.append(md_code(part, cell=True) if i % 2 else md_text(part))
    return "".join(out)
