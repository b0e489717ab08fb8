"""How isolint finds suppression comments, against ``tokenize`` (what it used before).

    python3 benchmarks/suppression_comments.py DIR [DIR ...]

For every Python file under the directories that parses, lists its comments with ``tokenize``
and with :func:`isolint.suppressions.comments` (one regular-expression scan that skips string
literals), checks that both give the same (line, column, text) list, and prints the time each
took. Now that ``# noqa`` counts, most test files of a large suite contain a candidate comment,
so this runs on most files of a cold scan.
"""

from __future__ import annotations

import ast
import glob
import io
import sys
import time
import tokenize

from isolint.suppressions import comments


def main(directories: list[str]) -> int:
    files = [f for d in directories for f in glob.glob(f"{d}/**/*.py", recursive=True)]
    checked = mismatched = 0
    slow = fast = 0.0
    for name in files:
        try:
            with open(name, encoding="utf-8") as handle:
                source = handle.read()
            ast.parse(source)
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            continue
        start = time.perf_counter()
        expected = [(t.start[0], t.start[1], t.string)
                    for t in tokenize.generate_tokens(io.StringIO(source).readline)
                    if t.type == tokenize.COMMENT]
        slow += time.perf_counter() - start
        start = time.perf_counter()
        got = list(comments(source))
        fast += time.perf_counter() - start
        checked += 1
        if got != expected:
            mismatched += 1
            print(f"mismatch: {name}", file=sys.stderr)
    print(f"{checked} files, {mismatched} mismatches; tokenize {slow:.2f} s, "
          f"isolint.suppressions.comments {fast:.2f} s ({slow / max(fast, 1e-9):.1f}x faster)")
    return 1 if mismatched else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
