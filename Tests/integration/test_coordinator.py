"""`rondo coordinator` and `rondo ctl` as processes: status as JSON, refusals, unreachable
coordinators, the state file across a restart, and a corrupt state file."""
import json
import signal
import subprocess

from servers import free_port, rondo_binary, run_ctl, start_coordinator


def test_ctl_status_json_from_a_new_coordinator(tmp_path):
    state_dir = tmp_path / "state"
    coordinator = start_coordinator(state_dir, "--replicas", "2", "--vnodes", "64", "--cluster-name", "itest",
                                    log_path=tmp_path / "coordinator.log")
    try:
        result = run_ctl(coordinator.port, "status", "--json", "--cluster-name", "itest")
        assert result.returncode == 0, result.stderr
        status = json.loads(result.stdout)
        assert status["cluster"] == "itest"
        assert status["epoch"] == 0
        assert status["nodes"] == []
        assert status["underReplicatedVnodes"] == 0

        human = run_ctl(coordinator.port, "status", "--cluster-name", "itest")
        assert human.returncode == 0
        assert "cluster itest, epoch 0" in human.stdout

        # The documented form: the connection options before the subcommand.
        leading = subprocess.run(
            [rondo_binary(), "ctl", "--coordinator", f"127.0.0.1:{coordinator.port}", "--json",
             "--cluster-name=itest", "status"], capture_output=True, text=True, timeout=30)
        assert leading.returncode == 0, leading.stderr
        assert json.loads(leading.stdout)["cluster"] == "itest"
    finally:
        assert coordinator.stop() == 0


def test_ctl_refusal_exits_1_with_the_reason_on_stderr(tmp_path):
    coordinator = start_coordinator(tmp_path / "state", log_path=tmp_path / "coordinator.log")
    try:
        result = run_ctl(coordinator.port, "join", "ghost")
        assert result.returncode == 1
        assert "unknown node ghost" in result.stderr
        limits = run_ctl(coordinator.port, "transfer-limits", "--concurrency", "3", "--bytes-per-second", "1000000")
        assert limits.returncode == 0, limits.stderr
        assert "3 per node" in limits.stdout
    finally:
        coordinator.stop()


def test_ctl_against_a_closed_port_exits_2_and_says_so():
    port = free_port()
    result = run_ctl(port, "status", "--json")
    assert result.returncode == 2
    assert f"cannot reach coordinator at 127.0.0.1:{port}: connection refused" in result.stderr
    assert result.stdout == ""


def test_ctl_usage_error_exits_2():
    result = run_ctl(free_port(), "join")
    assert result.returncode == 2
    assert "Missing expected argument" in result.stderr


def test_state_survives_a_restart_and_a_corrupt_file_stops_the_coordinator(tmp_path):
    state_dir = tmp_path / "state"
    first = start_coordinator(state_dir, "--transfer-concurrency", "5", log_path=tmp_path / "first.log")
    assert first.stop(signal.SIGINT) == 0
    state_file = state_dir / "coordinator.state"
    assert state_file.exists(), "the transfer limits given on the command line are persisted"

    second = start_coordinator(state_dir, "--down-after-ms", "200", log_path=tmp_path / "second.log")
    try:
        result = run_ctl(second.port, "status")
        assert result.returncode == 0, result.stderr
        assert "5 per node" in result.stdout
    finally:
        assert second.stop() == 0

    state_file.write_bytes(b"RCST\x01 truncated")
    broken = subprocess.run(
        [rondo_binary(), "coordinator", "--port", str(free_port()), "--state-dir", str(state_dir)],
        capture_output=True, text=True, timeout=20)
    assert broken.returncode != 0
    assert "is corrupt" in broken.stderr
