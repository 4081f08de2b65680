"""A real rolling upgrade of a 3-node cluster, one node at a time, with in-place restarts.

Each node is released, told to restart, drains, re-executes the "new" binary keeping its listening
socket, comes back with the same id and ports, and takes its vnodes back. The new binary is this
build behind a wrapper that sets the test-only RONDO_TEST_VERSION_OVERRIDE: the coordinator only
counts a node as upgraded when it comes back on another version than it left with.

Checked: every node re-executed (its process runs the new command line and logged the inherited
socket), no connection to any client port was refused during the upgrade, placement is the same
before and after, no acknowledged write was lost, and `upgrade status --json` says completed.
"""
import os
import re
import socket
import stat
import threading
import time

import pytest

from cluster import LocalCluster
from servers import HOST, rondo_binary
from test_cluster import WriteLoad

UPGRADE_TIMEOUT_S = 480.0
NEW_VERSION = "0.1.1"  # any version but the build's own; same release line, within the skew


@pytest.fixture
def cluster(tmp_path):
    # A loaded test machine can stall a debug-build process for seconds: a generous failure
    # detector keeps a slow heartbeat from being taken for a dead node in the middle of the upgrade.
    local = LocalCluster(str(tmp_path), down_after_ms=10_000)
    yield local
    local.stop()


class ConnectProber:
    """Connects to every port every 20 ms and counts refusals (and connects that time out)."""

    def __init__(self, ports, interval_s=0.02):
        self.ports = list(ports)
        self.interval_s = interval_s
        self.attempts = 0
        self.refused = []
        self.timeouts = 0
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self.stop_event.is_set():
            for port in self.ports:
                self.attempts += 1
                try:
                    with socket.create_connection((HOST, port), timeout=2.0):
                        pass
                except ConnectionRefusedError:
                    self.refused.append((time.monotonic(), port))
                except OSError:
                    self.timeouts += 1
            self.stop_event.wait(self.interval_s)

    def start(self):
        self.thread.start()

    def stop(self):
        self.stop_event.set()
        self.thread.join(timeout=10)
        assert not self.thread.is_alive(), "the prober did not stop"


def new_version_binary(workdir):
    """This build, advertising NEW_VERSION: a script that execs it (the listening socket passes
    through the shell's exec untouched)."""
    path = os.path.join(workdir, "rondo-next")
    with open(path, "w") as script:
        script.write(f'#!/bin/sh\nRONDO_TEST_VERSION_OVERRIDE={NEW_VERSION} exec "{os.path.abspath(rondo_binary())}" "$@"\n')
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def placement(cluster):
    status = cluster.status()
    per_node = {n["node"]: (n["state"], n["primaries"], n["replicas"]) for n in status["nodes"]}
    # The table's epoch moves on with every switch; the placement is everything after it.
    ring = re.sub(r"^epoch \d+", "epoch N", cluster.ctl("ring")["text"])
    return ring, per_node


def upgrade_status(cluster):
    return cluster.ctl("upgrade", "status")


def watch_upgrade(cluster, timeout_s=UPGRADE_TIMEOUT_S):
    """`rondo ctl upgrade status --watch 0.5 --json` until it exits (the upgrade stopped running)
    or the upgrade pauses: every status it printed, and its exit code (None when left early)."""
    deadline = time.monotonic() + timeout_s
    statuses = []
    with cluster.watch_upgrade(0.5) as watch:
        for status in watch:
            statuses.append(status)
            if status["paused"] or time.monotonic() > deadline:
                return statuses, None
        return statuses, watch.finish(timeout_s=max(1.0, deadline - time.monotonic()))


def test_rolling_upgrade_in_place_keeps_ports_open_and_loses_nothing(cluster):
    nodes = ["n1", "n2", "n3"]
    cluster.bootstrap(nodes)
    ring_before, nodes_before = placement(cluster)
    pids = {node: cluster.nodes[node].pid for node in nodes}
    binary = new_version_binary(cluster.workdir)

    prober = ConnectProber([cluster.client_port(node) for node in nodes])
    load = WriteLoad(cluster, nodes, writers=2)
    prober.start()
    load.start()
    time.sleep(2)
    try:
        started = cluster.ctl("upgrade", "start", "--binary", binary, "--strategy", "group", "--batch", "1")
        assert started is not None
        statuses, exit_code = watch_upgrade(cluster)
        status = statuses[-1] if statuses else None
        assert exit_code == 0, (exit_code, status)
        assert len(statuses) > 3 and all(s["outcome"] == "running" for s in statuses[:-1]), "one line per answer while it runs"
        assert status is not None and status["outcome"] == "completed", (
            f"outcome {status and status['outcome']}, step {status and status['step']}, "
            f"paused: {status and status['pausedReason']}; {status}")
        assert status["nodesDone"] == status["nodesTotal"] == 3, status
        time.sleep(1)
    finally:
        load.stop()
        prober.stop()

    assert prober.refused == [], f"{len(prober.refused)} refused connections of {prober.attempts}: {prober.refused[:5]}"
    assert prober.attempts > 100, prober.attempts
    assert load.acks > 0

    status = cluster.wait_settled(active=nodes)
    for node in nodes:
        entry = next(n for n in status["nodes"] if n["node"] == node)
        assert entry["version"] == NEW_VERSION, entry
    ring_after, nodes_after = placement(cluster)
    assert nodes_after == nodes_before
    assert ring_after == ring_before

    for node in nodes:
        # exec keeps the PID: the same process now runs the new command line, serving the
        # socket it inherited on the same port.
        pid = pids[node]
        assert cluster.nodes[node].proc.poll() is None, f"{node} exited"
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv = f.read().split(b"\0")
        assert b"--inherit-listen-fd" in argv, (node, argv)
        with open(f"/proc/{pid}/environ", "rb") as f:
            assert f"RONDO_TEST_VERSION_OVERRIDE={NEW_VERSION}".encode() in f.read().split(b"\0"), node
        with open(os.path.join(cluster.workdir, f"{node}.log"), "rb") as f:
            log = f.read().decode(errors="replace")
        assert "re-executing" in log and "inherited=true" in log, f"{node} log does not show the handover"
        # The new process serves the inherited socket only once it has a routing table, so clients
        # queued in the backlog are not answered `no routing table yet` (ServeAfterFirstTable).
        assert "routing table received after the in-place restart; serving the inherited socket" in log, node
        lost = load.verify(node)
        assert lost == [], f"{len(lost)} acknowledged writes lost through {node}: {lost[:5]}"


def test_a_missing_binary_leaves_the_node_serving_and_pauses_the_upgrade(cluster):
    nodes = ["n1", "n2", "n3"]
    cluster.bootstrap(nodes)
    missing = os.path.join(cluster.workdir, "no-such-rondo")
    cluster.ctl("upgrade", "start", "--binary", missing, "--strategy", "group", "--batch", "1", "--restart-timeout", "3")
    deadline = time.monotonic() + 120
    status = None
    while time.monotonic() < deadline:
        status = upgrade_status(cluster)
        if status["paused"]:
            break
        time.sleep(0.5)
    assert status is not None and status["paused"], status
    assert status["step"] == "restart", status
    # n1 refused to drain for a binary it cannot execute: same process, still serving.
    assert cluster.nodes["n1"].proc.poll() is None
    with socket.create_connection((HOST, cluster.client_port("n1")), timeout=2.0) as conn:
        conn.sendall(b"version\r\n")
        assert conn.recv(100).startswith(b"VERSION ")
    with open(os.path.join(cluster.workdir, "n1.log"), "rb") as f:
        log = f.read().decode(errors="replace")
    assert "cannot restart in place; still serving" in log, log
    assert "draining clients" not in log and "listen_fd=" not in log, log
