"""Who holds a claim, and when a holder on this host is known to be gone (its job then need not wait for the lease)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from aftercall.worker import gone_here, lease_owner

HOST = socket.gethostname()


def owner_of(pid: int) -> str:
    """The lease owner the process ``pid`` of this host writes."""
    return f"{lease_owner(HOST).rpartition(':')[0]}:{pid}"


def test_the_owner_is_the_host_and_the_process_cut_to_the_columns_length():
    assert lease_owner("worker-1") == f"worker-1:{os.getpid()}"
    owner = lease_owner("p" * 63)  # a Kubernetes pod's longest name
    assert len(owner) == 64
    assert owner.endswith(f":{os.getpid()}")


def test_a_process_of_this_host_that_has_exited_is_gone():
    exited = subprocess.Popen([sys.executable, "-c", "pass"])
    exited.wait()  # reaped: its id is free
    assert gone_here(owner_of(exited.pid), HOST)


def test_a_zombie_not_yet_reaped_is_gone():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)  # exited, left unreaped
        assert gone_here(owner_of(child.pid), HOST)
    finally:
        child.wait()


def test_a_running_process_this_one_another_host_and_a_strange_owner_are_not_gone():
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert not gone_here(owner_of(running.pid), HOST)
    finally:
        running.kill()
        running.wait()
    assert not gone_here(lease_owner(HOST), HOST)
    assert not gone_here("another-host:1", HOST)
    assert not gone_here("no pid here", HOST)
