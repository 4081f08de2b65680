"""A node's --data-dir: one node per directory, the directory's identity is checked, the newest
table epoch the node installed is recorded, and a node restarted on its directory takes its id
from it and reports that epoch in its hello."""
import os
import subprocess
import time

import pytest

from cluster import LocalCluster
from servers import HOST, free_port, rondo_binary

EXIT_TIMEOUT_S = 20.0


@pytest.fixture
def cluster(tmp_path):
    local = LocalCluster(str(tmp_path))
    yield local
    local.stop()


def read_state(data_dir):
    with open(os.path.join(data_dir, "node.state")) as f:
        lines = f.read().splitlines()
    return dict(line.split(" ", 1) for line in lines[1:]), lines[0]


def wait_recorded_epoch(data_dir, epoch, timeout_s=10.0):
    deadline = time.monotonic() + timeout_s
    fields = None
    while time.monotonic() < deadline:
        fields, _ = read_state(data_dir)
        if fields.get("table-epoch") == str(epoch):
            return fields
        time.sleep(0.05)
    raise TimeoutError(f"epoch {epoch} not recorded in {data_dir} within {timeout_s}s: {fields}")


def run_refused_node(cluster, *args):
    """Starts a node expected to refuse its arguments; returns (exit status, stderr)."""
    argv = [
        rondo_binary(), "node", "--host", HOST, "--port", str(free_port()), "--peer-port", str(free_port()),
        "--coordinator", f"{HOST}:{cluster.coordinator_port}", "--vnodes", str(cluster.vnodes), *args,
    ]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=EXIT_TIMEOUT_S)
    return result.returncode, result.stderr


def test_data_dir_identity_lock_and_recorded_epoch(cluster, tmp_path):
    d1 = str(tmp_path / "n1-data")  # created by the node
    d2 = str(tmp_path / "n2-data")
    cluster.start_coordinator()
    for node_id, data_dir in (("n1", d1), ("n2", d2)):
        cluster.start_node(node_id, extra_args=["--data-dir", data_dir])
        cluster.wait_connected(node_id)
        cluster.ctl("join", node_id)
        cluster.wait_settled()
    status = cluster.wait_settled(active=["n1", "n2"])
    epoch = status["epoch"]

    fields, header = read_state(d1)
    assert header == "rondo-node-state 1"
    assert fields["node-id"] == "n1" and fields["cluster-name"] == "rondo"
    wait_recorded_epoch(d1, epoch)
    wait_recorded_epoch(d2, epoch)

    # A second process on a directory in use is refused, naming the holder.
    code, err = run_refused_node(cluster, "--node-id", "n9", "--data-dir", d1)
    assert code != 0
    assert f"locked by process {cluster.nodes['n1'].pid}" in err, err

    # Another node's directory is refused once it is free, too.
    cluster.nodes.pop("n1").stop()
    code, err = run_refused_node(cluster, "--node-id", "n2", "--data-dir", d1)
    assert code != 0
    assert "belongs to node n1 of cluster 'rondo', not to node n2" in err, err
    code, err = run_refused_node(cluster, "--node-id", "n1", "--cluster-name", "other", "--data-dir", d1)
    assert code != 0 and "belongs to node n1 of cluster 'rondo'" in err, err

    # Restarted without --node-id, the node is n1 again and reports the epoch it had installed.
    cluster.start_node("n1", extra_args=["--data-dir", d1], pass_node_id=False)
    cluster.wait_connected("n1")
    with open(os.path.join(str(tmp_path), "n1.log")) as f:
        log = f.read()
    assert f"previousTableEpoch={epoch}" in log, log[-2000:]
    settled = cluster.wait_settled(active=["n1", "n2"])
    wait_recorded_epoch(d1, settled["epoch"])
