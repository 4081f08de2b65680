"""A local Rondo cluster for the multi-process tests: one `rondo coordinator` and N `rondo node`s on
127.0.0.1, every port probed free, every process stopped by its PID, every wait bounded.

`rondo ctl` is the only way the tests talk to the coordinator, so the tests exercise the command
line operators use.
"""
import json
import os
import signal
import subprocess
import time

from servers import HOST, ServerProcess, free_port, rondo_binary

SETTLE_TIMEOUT_S = 90.0


class LocalCluster:
    def __init__(self, workdir, replicas=2, vnodes=64, down_after_ms=2000, node_args=(), coordinator_args=()):
        self.workdir = workdir
        self.coordinator_args = list(coordinator_args)
        self.replicas = replicas
        self.vnodes = vnodes
        self.down_after_ms = down_after_ms
        self.node_args = list(node_args)
        self.coordinator_port = free_port()
        self.state_dir = os.path.join(workdir, "coordinator-state")
        os.makedirs(self.state_dir, exist_ok=True)
        self.coordinator = None
        self.nodes = {}  # node id -> ServerProcess
        self.peer_ports = {}
        self.client_ports = {}

    # -- processes ---------------------------------------------------------------------------

    def start_coordinator(self):
        argv = [
            rondo_binary(), "coordinator", "--host", HOST, "--port", str(self.coordinator_port),
            "--state-dir", self.state_dir, "--replicas", str(self.replicas), "--vnodes", str(self.vnodes),
            "--down-after-ms", str(self.down_after_ms), "--log-level", "info", *self.coordinator_args,
        ]
        self.coordinator = ServerProcess(argv, self.coordinator_port, os.path.join(self.workdir, "coordinator.log"))
        return self.coordinator

    def start_node(self, node_id, client_port=None, peer_port=None, extra_args=(), pass_node_id=True):
        """`pass_node_id=False` leaves `--node-id` out (a node whose `--data-dir` names it)."""
        client_port = client_port or self.client_ports.get(node_id) or free_port()
        peer_port = peer_port or self.peer_ports.get(node_id) or free_port()
        self.client_ports[node_id] = client_port
        self.peer_ports[node_id] = peer_port
        argv = [
            rondo_binary(), "node", "--host", HOST, "--port", str(client_port), "--peer-port", str(peer_port),
            *(["--node-id", node_id] if pass_node_id else []),
            "--coordinator", f"{HOST}:{self.coordinator_port}", "--vnodes", str(self.vnodes),
            "--log-level", "info", *self.node_args, *extra_args,
        ]
        log = os.path.join(self.workdir, f"{node_id}.log")
        # Append: a restarted node keeps the log of its previous life.
        proc = ServerProcess(argv, client_port, log)
        self.nodes[node_id] = proc
        return proc

    def kill_node(self, node_id):
        """`kill -9`: the process gets no chance to drain or say goodbye."""
        proc = self.nodes.pop(node_id)
        proc.stop(sig=signal.SIGKILL)

    def stop(self):
        for node_id in list(self.nodes):
            self.nodes.pop(node_id).stop()
        if self.coordinator is not None:
            self.coordinator.stop()
            self.coordinator = None

    # -- ctl ---------------------------------------------------------------------------------

    def ctl(self, *args, check=True, json_output=True, timeout_s=20):
        # The documented form: connection options before the subcommand (they may follow it too).
        argv = [rondo_binary(), "ctl", "--coordinator", f"{HOST}:{self.coordinator_port}"]
        if json_output:
            argv.append("--json")
        argv += list(args)
        result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout_s)
        if check and result.returncode != 0:
            raise RuntimeError(f"rondo ctl {' '.join(args)} exited {result.returncode}: {result.stderr.strip()}")
        if json_output and result.returncode == 0:
            return json.loads(result.stdout)
        return result

    def status(self):
        return self.ctl("status")

    def watch_upgrade(self, interval_s, stderr=subprocess.DEVNULL):
        """`rondo ctl --json upgrade status --watch interval_s` as an `UpgradeWatch`."""
        return UpgradeWatch(self.coordinator_port, interval_s, stderr)

    def wait_for(self, description, predicate, timeout_s=SETTLE_TIMEOUT_S, interval_s=0.2):
        deadline = time.monotonic() + timeout_s
        last = None
        while time.monotonic() < deadline:
            try:
                last = self.status()
                if predicate(last):
                    return last
            except (RuntimeError, json.JSONDecodeError, subprocess.TimeoutExpired) as error:
                last = repr(error)
            time.sleep(interval_s)
        raise TimeoutError(f"{description} did not happen within {timeout_s}s; last status: {last}")

    def wait_connected(self, node_id):
        return self.wait_for(
            f"{node_id} connected",
            lambda s: any(n["node"] == node_id and n["connected"] for n in s["nodes"]),
        )

    def wait_settled(self, active=None, timeout_s=SETTLE_TIMEOUT_S):
        """No membership change pending, no vnode under-replicated, and (when given) exactly these
        nodes active and connected."""

        def settled(s):
            if s["targetEpoch"] is not None or s["transfersWaiting"] or s["transfersInFlight"]:
                return False
            if s["dropsPending"] or s["underReplicatedVnodes"]:
                return False
            if active is not None:
                actives = {n["node"] for n in s["nodes"] if n["state"] == "active" and n["connected"]}
                if actives != set(active):
                    return False
            return True

        return self.wait_for("the cluster settling", settled, timeout_s=timeout_s)

    def bootstrap(self, node_ids):
        self.start_coordinator()
        for node_id in node_ids:
            self.start_node(node_id)
            self.wait_connected(node_id)
            self.ctl("join", node_id)
            self.wait_settled()
        return self.wait_settled(active=node_ids)

    def client_port(self, node_id):
        return self.client_ports[node_id]


class UpgradeWatch:
    """One `rondo ctl upgrade status --watch` process: iterate for each status it prints (a line
    every interval, or it exits within its own --timeout without the coordinator, so reading is
    bounded), then `finish()` for its exit code. Used as a context manager, the process is killed
    by PID if the caller leaves early (a paused upgrade, a deadline, an exception)."""

    def __init__(self, coordinator_port, interval_s, stderr):
        argv = [rondo_binary(), "ctl", "--coordinator", f"{HOST}:{coordinator_port}", "--json",
                "upgrade", "status", "--watch", str(interval_s)]
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=stderr, text=True)

    def __iter__(self):
        for line in self.proc.stdout:
            yield json.loads(line)

    def finish(self, timeout_s=30):
        return self.proc.wait(timeout=timeout_s)

    def __enter__(self):
        return self

    def __exit__(self, *_):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc.stdout.close()
