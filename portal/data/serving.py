"""The lock that says the portal is running, so `familieportal restore` can refuse to pull the database away.

Every process that serves or writes on its own (the development server, each
gunicorn worker, `familieportal deliver` and `retention`) holds a shared lock
on a file next to the database for as long as it lives. Restore takes the
lock exclusively, without waiting: while any of them runs it cannot, and says
so. An flock belongs to the open file, so the kernel lets go of it when the
process ends in any way (kill -9 and a power cut too): a crashed portal never
leaves a stale lock behind.
"""
import contextlib
import fcntl
import os
from pathlib import Path

from .db import private_file

_held = {}  # (pid, database) -> the open lock file this process keeps


class PortalRunning(RuntimeError):
    """A process of the portal holds the database."""


def lock_path(database):
    return Path(f"{database}-running")


def _open(database):
    return os.open(private_file(lock_path(database)), os.O_RDWR)


def hold(database, log=None):
    """Hold the shared lock until this process ends; wait while a restore runs. Safe to call twice."""
    key = (os.getpid(), os.path.abspath(database))
    if key in _held:
        return
    descriptor = _open(database)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        if log:
            log(f"Waiting for a restore of {database} to finish.")
        fcntl.flock(descriptor, fcntl.LOCK_SH)
    _held[key] = descriptor


@contextlib.contextmanager
def alone(database):
    """Hold the database alone for the block, or raise PortalRunning at once."""
    descriptor = _open(database)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PortalRunning(
                f"The portal is running on {database}: a process holds {lock_path(database)}. Stop the portal"
                " (gunicorn or `familieportal serve`) and `familieportal deliver` if you run it, then try again."
            ) from None
        yield
    finally:
        os.close(descriptor)
