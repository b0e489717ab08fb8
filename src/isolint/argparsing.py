"""argparse as ruff users expect it: no abbreviated options (``--sel`` is not ``--select``), and
an unknown option answered by the (sub)command it was given to, with a did-you-mean among that
command's options."""

from __future__ import annotations

import argparse
import difflib
from typing import Any, NoReturn, Sequence


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` with ``allow_abbrev=False`` whose subcommands report unknown
    options themselves (usage of the subcommand, not of the top-level command)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def parse_args(self, args: Sequence[str] | None = None, namespace: Any = None) -> argparse.Namespace:  # type: ignore[override]
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            self._command_parser(parsed).unknown(extras)
        return parsed

    def _command_parser(self, parsed: argparse.Namespace) -> "Parser":
        """The subcommand's parser that ``parsed`` went through (self when none)."""
        parser: Parser = self
        while True:
            sub = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
            name = getattr(parsed, sub.dest, None) if sub and sub.dest else None
            if sub is None or name not in sub.choices:
                return parser
            parser = sub.choices[name]

    def unknown(self, extras: Sequence[str]) -> NoReturn:
        """Exit 2 naming the unknown arguments, with the closest option of this command."""
        options = sorted(self._option_string_actions)
        hints = []
        for extra in extras:
            if extra.startswith("-"):
                close = difflib.get_close_matches(extra.split("=", 1)[0], options, n=1, cutoff=0.6)
                if close:
                    hints.append(f"did you mean {close[0]}?")
        message = f"unrecognized arguments: {' '.join(extras)}"
        self.error(message + ("; " + " ".join(hints) if hints else ""))

