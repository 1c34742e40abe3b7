"""Who holds a claim, and when a holder is known to be gone (its job then need not wait for the lease): only a
process of this host and this process space that no longer runs."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from aftercall.jobstore.owners import OWNER_CHARS, gone_here, lease_owner, process_space

HOST = socket.gethostname()


def owner_of(pid: int, host: str = HOST) -> str:
    """The lease owner the process ``pid`` of ``host`` in this process space writes."""
    return f"{lease_owner(host).rpartition(':')[0]}:{pid}"


def exited_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()  # reaped: its id is free
    return process.pid


def test_the_owner_is_the_host_the_process_space_and_the_process():
    assert lease_owner("worker-1") == f"worker-1:{process_space()}:{os.getpid()}"


def test_long_host_names_fit_and_stay_apart_where_pods_differ_at_their_end():
    pods = ["aftercall-worker-speech-7d9f8b6c5d-" + "x" * 22 + tail for tail in ("abcde", "fghij")]  # 63 each
    owners = [lease_owner(pod) for pod in pods]
    assert all(len(owner) <= OWNER_CHARS for owner in owners)
    assert owners[0] != owners[1]


def test_a_process_of_this_host_and_process_space_that_has_exited_is_gone():
    assert gone_here(owner_of(exited_pid()), HOST)
    long_name = "n" * 63
    assert gone_here(owner_of(exited_pid(), long_name), long_name)


def test_a_zombie_not_yet_reaped_is_gone():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)  # exited, left unreaped
        assert gone_here(owner_of(child.pid), HOST)
    finally:
        child.wait()


def test_a_running_process_is_not_gone_nor_is_this_one():
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert not gone_here(owner_of(running.pid), HOST)
    finally:
        running.kill()
        running.wait()
    assert not gone_here(lease_owner(HOST), HOST)


def test_an_exited_process_of_another_host_or_another_process_space_is_never_known_gone():
    pid = exited_pid()
    assert not gone_here(owner_of(pid, "another-host"), HOST)
    assert not gone_here(f"{HOST}:00000000:{pid}", HOST)  # another container of a pod, or a machine of the same name
    assert not gone_here(f"{HOST}:{pid}", HOST)  # an owner of the old form
    assert not gone_here(f"{HOST}:{process_space()}:99999999999999999999", HOST)
    assert not gone_here(f"{HOST}:{process_space()}:١٢", HOST)  # digits, not ASCII ones
