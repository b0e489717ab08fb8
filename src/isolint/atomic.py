"""Writing files safely: atomically where a reader must see the old or the new content, in
place where the file's identity (owner, hard links) must survive, as a stream where the target
is a pipe or a device, and never through a symbolic link to somewhere unexpected.

Standard library only: the CLI's output, the cache and ``--fix`` all write through here.
"""

from __future__ import annotations

import os
import stat
import sys

#: Ends the name of every temporary file isolint writes next to its target.
TMP_SUFFIX = ".isolint.tmp"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class UnsafeWrite(OSError):
    """isolint refused to write a file; the message says why (not an ``errno`` failure)."""


class ConcurrentEdit(OSError):
    """The file changed on disk while isolint was rewriting it; the other edit was kept."""


def _tmp_name(path: str) -> str:
    directory, name = os.path.split(os.fspath(path))
    return os.path.join(directory, f".{name}.{os.getpid()}.{os.urandom(4).hex()}{TMP_SUFFIX}")


def write_atomic(path: str | os.PathLike[str], data: bytes, *, mode: int | None = None,
                 durable: bool = False) -> None:
    """Write ``data`` to a new file beside ``path`` and rename it over ``path``.

    ``mode`` sets the new file's permission bits (default: as the umask gives them);
    ``durable`` flushes the data to disk before the rename. On any failure the temporary file
    is removed and ``path`` is left as it was.
    """
    tmp = _tmp_name(os.fspath(path))
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
        _unlink(tmp)
        raise


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def inside(path: str, root: str) -> bool:
    """Whether the real path ``path`` is ``root`` or below it (both already resolved)."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


# ------------------------------------------------------------------------------ output files
def write_output(path: str, data: bytes, root: str | None = None) -> None:
    """Write a report, baseline or chart the way what is at ``path`` needs.

    Nothing there or a regular file: written atomically (a regular file keeps its mode). A
    FIFO or a character device (``/dev/stdout``, ``/dev/null``): written as a stream, never
    renamed over. A symbolic link: written through to its target when that lies inside
    ``root`` (default: the current directory), else refused with :class:`UnsafeWrite`.
    Anything else (a directory, a socket, a block device) is refused.
    """
    target = path
    status = _lstat(path)
    if status is not None and stat.S_ISLNK(status.st_mode):
        target = os.path.realpath(path)
        base = os.path.realpath(root or os.getcwd())
        if not inside(target, base):
            raise UnsafeWrite(f"it is a symbolic link to {target}, outside {base} (remove the "
                              "link, or name its target)")
        status = _lstat(target)
    if status is None:
        write_atomic(target, data)
    elif stat.S_ISREG(status.st_mode):
        write_atomic(target, data, mode=stat.S_IMODE(status.st_mode))
    elif stat.S_ISFIFO(status.st_mode) or stat.S_ISCHR(status.st_mode):
        _stream(target, data)
    else:
        raise UnsafeWrite("it is not a regular file, a FIFO or a character device")


def _lstat(path: str) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def _stream(path: str, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | _CLOEXEC)
    try:
        if not stat.S_ISFIFO(os.fstat(fd).st_mode) and not stat.S_ISCHR(os.fstat(fd).st_mode):
            raise UnsafeWrite("it changed while being opened")
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def write_stdout(data: bytes) -> None:
    """``-`` as an output file: the bytes on standard output."""
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


# ------------------------------------------------------------------------------ reading
class NotRegular(OSError):
    """A path that is no regular file (a FIFO, a socket, a device): isolint does not read it."""


class TooLarge(OSError):
    """A file larger than the reader's limit; ``size`` is its size."""

    def __init__(self, size: int) -> None:
        super().__init__(f"file too large ({size} bytes)")
        self.size = size


def read_regular(path: str | os.PathLike[str], limit: int | None = None) -> bytes:
    """The content of the regular file ``path`` (symbolic links followed). It is opened without
    blocking, so a FIFO put where a file was expected cannot hang the read: anything but a
    regular file raises :class:`NotRegular` (``IsADirectoryError`` for a directory), a file
    larger than ``limit`` bytes :class:`TooLarge`."""
    fd = os.open(path, os.O_RDONLY | _NONBLOCK | _CLOEXEC)
    try:
        status = os.fstat(fd)
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError(21, "is a directory")
        if not stat.S_ISREG(status.st_mode):
            raise NotRegular(f"not a regular file ({_kind(status.st_mode)})")
        if limit is not None and status.st_size > limit:
            raise TooLarge(status.st_size)
        data = read_all(fd)
        if limit is not None and len(data) > limit:
            raise TooLarge(len(data))
        return data
    finally:
        os.close(fd)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


# ------------------------------------------------------------------------------ rewriting
def open_regular(path: str) -> int:
    """A read-only descriptor of the regular file ``path``, opened without blocking (a FIFO
    would block ``open``) and without following a final symbolic link; :class:`UnsafeWrite`
    for anything else."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC)
    except OSError as exc:
        if os.path.islink(path):
            raise UnsafeWrite("it is a symbolic link") from None
        raise exc
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise UnsafeWrite("it is not a regular file")
    return fd


def read_all(fd: int) -> bytes:
    """Everything in the file open as ``fd``, from its start."""
    chunks, offset = [], 0
    while True:
        chunk = os.pread(fd, 1 << 20, offset)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        offset += len(chunk)


def _identity(status: os.stat_result) -> tuple[int, ...]:
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)


def rewrite(path: str, old: bytes, new: bytes) -> None:
    """Replace the content of the regular file ``path`` from ``old`` to ``new``.

    The file keeps its mode, owner, group and hard links: it is replaced by an atomic rename of
    a new file given the same mode and owner, or rewritten in place when it has more than one
    link or its owner cannot be given to the new file. Refused (:class:`UnsafeWrite`) for a
    file that is not regular or that the user could not write with ``open(path, "w")``.
    The content is compared with ``old`` when opened, again right before the rename and once
    more after it: an edit made by someone else in the meantime raises :class:`ConcurrentEdit`,
    and that edit is what the file holds afterwards.
    """
    fd = open_regular(path)
    try:
        before = os.fstat(fd)
        if not os.access(path, os.W_OK):
            raise UnsafeWrite("you have no permission to write it")
        if read_all(fd) != old:
            raise ConcurrentEdit("the file changed on disk while it was being fixed")
        if before.st_nlink > 1 or not _can_own(before):
            _rewrite_in_place(path, fd, before, old, new)
        else:
            _rewrite_by_rename(path, fd, before, old, new)
    finally:
        os.close(fd)


def _can_own(status: os.stat_result) -> bool:
    """Whether a file this process creates can be given ``status``'s owner and group."""
    if os.geteuid() == 0:
        return True
    return status.st_uid == os.geteuid() and status.st_gid in (os.getegid(), *os.getgroups())


def _unchanged(path: str, fd: int, before: os.stat_result, old: bytes) -> bool:
    try:
        now = os.lstat(path)
    except OSError:
        return False
    return (_identity(now) == _identity(before) == _identity(os.fstat(fd))
            and read_all(fd) == old)


def _rewrite_by_rename(path: str, fd: int, before: os.stat_result, old: bytes, new: bytes) -> None:
    tmp = _tmp_name(path)
    try:
        out = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o600)
        try:
            view = memoryview(new)
            while view:
                view = view[os.write(out, view):]
            if (before.st_uid, before.st_gid) != (os.geteuid(), os.getegid()):
                os.fchown(out, before.st_uid, before.st_gid)
            os.fchmod(out, stat.S_IMODE(before.st_mode))
            os.fsync(out)
        finally:
            os.close(out)
        if not _unchanged(path, fd, before, old):
            raise ConcurrentEdit("the file changed on disk while it was being fixed")
        os.replace(tmp, path)
    except BaseException:
        _unlink(tmp)
        raise
    # An edit written into the old file between the last check and the rename would be lost
    # with it: put it back.
    if _identity(os.fstat(fd)) != _identity(before) or read_all(fd) != old:
        edited = read_all(fd)
        write_atomic(path, edited, mode=stat.S_IMODE(before.st_mode), durable=True)
        raise ConcurrentEdit("the file changed on disk while it was being fixed; "
                             "that edit was kept")


def _rewrite_in_place(path: str, fd: int, before: os.stat_result, old: bytes, new: bytes) -> None:
    out = os.open(path, os.O_WRONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC)
    try:
        if _identity(os.fstat(out))[:2] != _identity(before)[:2] or not _unchanged(
                path, fd, before, old):
            raise ConcurrentEdit("the file changed on disk while it was being fixed")
        view, offset = memoryview(new), 0
        while offset < len(new):
            offset += os.pwrite(out, view[offset:], offset)
        os.ftruncate(out, len(new))
        os.fsync(out)
    finally:
        os.close(out)
