"""Writing a file so that a reader sees its old content or its new content, never a torn one.

Standard library only: the CLI's output, the cache and ``--fix`` all write through here.
"""

from __future__ import annotations

import os

#: Ends the name of every temporary file isolint writes next to its target.
TMP_SUFFIX = ".isolint.tmp"


def write_atomic(path: str | os.PathLike[str], data: bytes, *, mode: int | None = None,
                 durable: bool = False) -> None:
    """Write ``data`` to a new file beside ``path`` and rename it over ``path``.

    ``mode`` sets the new file's permission bits (default: as the umask gives them);
    ``durable`` flushes the data to disk before the rename. On any failure the temporary file
    is removed and ``path`` is left as it was.
    """
    directory, name = os.path.split(os.fspath(path))
    tmp = os.path.join(directory, f".{name}.{os.getpid()}.{os.urandom(4).hex()}{TMP_SUFFIX}")
    try:
        with open(tmp, "xb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
