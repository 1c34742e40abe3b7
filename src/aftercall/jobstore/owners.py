"""Who holds a job's lease, and when a holder is known to be gone (docs/deployment.md, "The roles").

An owner is ``host:space:pid``: the host name (long ones shortened, keeping what tells them apart), a token of the
process space (this boot of this machine, and its process namespace: containers of one pod, or machines that share a
name, differ there), and the process id. A holder is known to be gone only when it is of this host and this process
space and its process no longer runs (or is a zombie): its job then need not wait for its lease to run out."""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

OWNER_CHARS = 64  # the job store's column
_HOST_CHARS = 40  # a host part never longer: with ':', 8 of space, ':' and a 7-digit pid, 57 in all
_HASHED_TAIL = 8


def lease_owner(host: str) -> str:
    """This process's lease owner on ``host``."""
    return f"{_host_part(host)}:{process_space()}:{os.getpid()}"


def gone_here(holder: str, host: str) -> bool:
    """Whether ``holder`` was a process of this host and process space that no longer runs."""
    parts = holder.split(":")
    if len(parts) != 3:
        return False
    holder_host, space, pid = parts
    if holder_host != _host_part(host) or space != process_space() or not pid.isascii() or not pid.isdigit():
        return False
    number = int(pid)
    if number == os.getpid() or number > 2**22:  # Linux's largest pid
        return False
    try:
        os.kill(number, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # another user's process: it runs
        return False
    return _zombie(number)


@functools.cache
def process_space() -> str:
    """8 hex digits naming this boot of this machine and this process namespace (Linux; elsewhere "-", and then no
    holder is ever known to be gone)."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        namespace = os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        return "-"
    return hashlib.sha256(f"{boot}/{namespace}".encode()).hexdigest()[:8]


def _host_part(host: str) -> str:
    """``host``, or when too long its start and a hash of the whole (pods' names differ at their end)."""
    if len(host) <= _HOST_CHARS:
        return host.replace(":", "_")
    tail = hashlib.sha256(host.encode()).hexdigest()[:_HASHED_TAIL]
    return f"{host[: _HOST_CHARS - _HASHED_TAIL - 1]}~{tail}".replace(":", "_")


def _zombie(pid: int) -> bool:
    """A process that has exited and not yet been reaped by its parent (Linux; elsewhere never known)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] == ["Z"]
