"""Finding the service's own processes from /proc, to kill one as a crash would."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, List


def pid_where(matches: Callable[[List[bytes], List[bytes]], bool], what: str) -> int:
    """The process whose command line and environment (lists of NUL-separated parts) ``matches``."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if matches(argv, environ):
            return int(entry.name)
    raise AssertionError(f"no process: {what}")


def action_server_pid(action_port: int) -> int:
    return pid_where(
        lambda argv, environ: argv[1:4] == [b"-m", b"bot", b"actions"] and f"ACTION_PORT={action_port}".encode() in environ,
        f"action server on port {action_port}",
    )


def rasa_pid(port: int) -> int:
    return pid_where(
        lambda argv, _: b"rasa" in argv and b"--port" in argv and argv[argv.index(b"--port") + 1] == str(port).encode(),
        f"Rasa on port {port}",
    )
