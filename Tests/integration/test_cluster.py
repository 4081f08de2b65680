"""Multi-process cluster tests: a coordinator and 3-4 nodes on 127.0.0.1, driven through `rondo ctl`
and real memcached clients (pymemcache).

What they check is what the cluster promises: one key space through any node, no acknowledged write
lost when a node is killed or when nodes join, are released and leave under load, redundancy
restored, placement balanced after.
"""
import random
import threading
import time

import pytest
from pymemcache.client.base import Client

from cluster import LocalCluster
from servers import HOST


def client(port, timeout=3.0):
    return Client((HOST, port), connect_timeout=timeout, timeout=timeout, no_delay=True)


@pytest.fixture
def cluster(tmp_path):
    local = LocalCluster(str(tmp_path))
    yield local
    local.stop()


class WriteLoad:
    """Writers that each own a disjoint set of keys and write them in order, so "the last
    acknowledged value" of a key is well defined. An attempt that fails (error, timeout, reset) may
    or may not have been applied: both its value and the last acknowledged one are then allowed."""

    def __init__(self, cluster, entry_nodes, writers=4, keys_per_writer=200):
        self.cluster = cluster
        self.entry_nodes = list(entry_nodes)
        self.writers = writers
        self.keys_per_writer = keys_per_writer
        self.acknowledged = {}  # key -> value
        self.uncertain = {}  # key -> set of values of failed attempts since the last ack
        self.acks = 0
        self.failures = 0
        self.lock = threading.Lock()
        self.stop_event = threading.Event()
        self.threads = []

    def set_entry_nodes(self, nodes):
        with self.lock:
            self.entry_nodes = list(nodes)

    def _run(self, writer):
        rng = random.Random(writer)
        clients = {}
        sequence = 0
        while not self.stop_event.is_set():
            with self.lock:
                entry = rng.choice(self.entry_nodes)
            port = self.cluster.client_port(entry)
            key = f"w{writer}-k{rng.randrange(self.keys_per_writer)}"
            sequence += 1
            value = f"{writer}-{sequence}-{'x' * rng.randrange(10, 200)}"
            try:
                c = clients.get(port) or clients.setdefault(port, client(port))
                ok = c.set(key, value, noreply=False)
                if not ok:
                    raise RuntimeError("NOT_STORED")
            except Exception:
                clients.pop(port, None)
                with self.lock:
                    self.failures += 1
                    self.uncertain.setdefault(key, set()).add(value)
                time.sleep(0.01)
                continue
            with self.lock:
                self.acks += 1
                self.acknowledged[key] = value
                self.uncertain.pop(key, None)
        for c in clients.values():
            try:
                c.close()
            except Exception:
                pass

    def start(self):
        for writer in range(self.writers):
            thread = threading.Thread(target=self._run, args=(writer,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def stop(self):
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout=30)
            assert not thread.is_alive(), "a writer did not stop"

    def verify(self, read_node):
        """Every acknowledged write is there (or a later, unacknowledged attempt of the same key)."""
        c = client(self.cluster.client_port(read_node), timeout=5.0)
        lost = []
        keys = sorted(self.acknowledged)
        for start in range(0, len(keys), 50):
            batch = keys[start:start + 50]
            found = c.get_many(batch)
            for key in batch:
                got = found.get(key)
                got = got.decode() if got is not None else None
                allowed = {self.acknowledged[key]} | self.uncertain.get(key, set())
                if got not in allowed:
                    lost.append((key, self.acknowledged[key], got))
        c.close()
        return lost


def test_one_key_space_through_every_node(cluster):
    nodes = ["n1", "n2", "n3"]
    cluster.bootstrap(nodes)
    written = {}
    for i in range(300):
        entry = nodes[i % 3]
        c = client(cluster.client_port(entry))
        key, value = f"key-{i}", f"value-{i}-{entry}"
        assert c.set(key, value, noreply=False) is True
        written[key] = value
        c.close()
    for node in nodes:
        c = client(cluster.client_port(node))
        for key, value in written.items():
            assert c.get(key) == value.encode(), f"{key} through {node}"
        # A multi-key get spans every owner and comes back merged in request order.
        keys = list(written)[:40]
        assert {k: v.decode() for k, v in c.get_many(keys).items()} == {k: written[k] for k in keys}
        c.close()
    # Read-modify-write commands run on the primary, whatever the entry node.
    c1, c2 = client(cluster.client_port("n1")), client(cluster.client_port("n2"))
    assert c1.set("counter", "10", noreply=False)
    assert c2.incr("counter", 5) == 15
    assert c1.decr("counter", 3) == 12
    value, cas = c2.gets("counter")
    assert value == b"12"
    assert c1.cas("counter", "99", cas, noreply=False) is True
    assert c2.cas("counter", "100", cas, noreply=False) is False
    assert c2.delete("counter", noreply=False) is True
    assert c1.get("counter") is None
    c1.close()
    c2.close()
    status = cluster.status()
    primaries = [n["primaries"] for n in status["nodes"] if n["state"] == "active"]
    assert max(primaries) - min(primaries) <= 1, status


def test_kill_9_during_writes_loses_no_acknowledged_write(cluster):
    nodes = ["n1", "n2", "n3"]
    cluster.bootstrap(nodes)
    load = WriteLoad(cluster, ["n1", "n2"])
    load.start()
    time.sleep(3)
    acks_before = load.acks
    cluster.kill_node("n3")
    time.sleep(5)
    load.stop()
    assert acks_before > 0 and load.acks > acks_before, (acks_before, load.acks)
    cluster.wait_for(
        "n3 declared down",
        lambda s: any(n["node"] == "n3" and n["state"] == "down" for n in s["nodes"]),
    )
    status = cluster.wait_settled(active=["n1", "n2"])
    assert status["underReplicatedVnodes"] == 0
    for node in ["n1", "n2"]:
        lost = load.verify(node)
        assert lost == [], f"{len(lost)} acknowledged writes lost through {node}: {lost[:5]}"


def test_join_release_and_leave_under_load(cluster):
    nodes = ["n1", "n2", "n3"]
    cluster.bootstrap(nodes)
    load = WriteLoad(cluster, ["n2", "n3"])
    load.start()
    time.sleep(2)
    cluster.start_node("n4")
    cluster.wait_connected("n4")
    cluster.ctl("join", "n4")
    cluster.wait_settled(active=["n1", "n2", "n3", "n4"])
    cluster.ctl("release", "n1")
    cluster.wait_for(
        "n1 released", lambda s: any(n["node"] == "n1" and n["state"] == "released" for n in s["nodes"])
    )
    cluster.ctl("leave", "n1")
    status = cluster.wait_settled(active=["n2", "n3", "n4"])
    time.sleep(1)
    load.stop()
    assert load.acks > 0
    primaries = [n["primaries"] for n in status["nodes"] if n["state"] == "active"]
    replicas = [n["replicas"] for n in status["nodes"] if n["state"] == "active"]
    assert max(primaries) - min(primaries) <= 1, status
    assert max(replicas) - min(replicas) <= 1, status
    for node in ["n2", "n3", "n4"]:
        lost = load.verify(node)
        assert lost == [], f"{len(lost)} acknowledged writes lost through {node}: {lost[:5]}"


def test_ctl_reports_a_refusal_and_an_unreachable_coordinator(cluster):
    cluster.bootstrap(["n1"])
    refused = cluster.ctl("leave", "nobody", check=False, json_output=False)
    assert refused.returncode == 1, refused
    assert "nobody" in refused.stderr
    cluster.coordinator.stop()
    cluster.coordinator = None
    unreachable = cluster.ctl("status", check=False, json_output=False)
    assert unreachable.returncode == 2
    assert "cannot reach" in unreachable.stderr
