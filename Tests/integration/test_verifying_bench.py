"""`rondo bench --verify` against a real `rondo node`: it passes a healthy run, and it catches a
server that loses acknowledged writes (a `flush_all` behind its back), so the checker the rolling
upgrade demo relies on is shown able to fail."""
import json
import os
import socket
import subprocess
import time

from servers import HOST, rondo_binary

BENCH_TIMEOUT_S = 120


def bench_argv(server, json_path, *extra):
    return [
        rondo_binary(), "bench", "--verify", "--servers", f"{HOST}:{server.port}", "--connections", "4",
        "--keys", "400", "--key-prefix", "verify:", "--value-size", "64", "--get-ratio", "0.5", "--prefill",
        "--json", str(json_path), *extra,
    ]


def test_verifying_bench_passes_a_healthy_run(rondo, tmp_path):
    json_path, trace_path = tmp_path / "bench.json", tmp_path / "trace.csv"
    result = subprocess.run(
        bench_argv(rondo, json_path, "--duration", "2", "--rate", "400", "--trace", str(trace_path)),
        capture_output=True, text=True, timeout=BENCH_TIMEOUT_S)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(json_path.read_text())
    verification, read_back = report["summary"]["verification"], report["readBack"]
    assert report["setup"]["verify"] is True
    assert verification == {"retries": 0, "clientErrors": 0, "staleReads": 0, "corruptValues": 0}, verification
    assert read_back["keysWritten"] == 400, read_back  # the prefill wrote every key
    assert read_back["keysChecked"] == 400 and read_back["lostWrites"] == 0, read_back
    assert report["summary"]["sets"] > 0 and report["summary"]["gets"] > 0
    assert report["measuredStartUnixSeconds"] <= time.time()
    assert "lost writes 0" in result.stdout and "stale reads 0" in result.stdout
    # --trace: one line per operation of the load (those finished between the timeline's last
    # second and the stop too, so a few more than the summary), in send order, inside the
    # measured run, each answered by the only server.
    lines = trace_path.read_text().splitlines()
    assert lines[0] == "unix_seconds,latency_us,op,outcome,attempts,server,worker"
    rows = [line.split(",") for line in lines[1:]]
    # The stragglers are those finished in the moment between the last interval and the stop,
    # which grows on a loaded machine: the bound is one second of this run's rate (it was 20, and
    # this test failed once under load without its message being kept; this is the assertion
    # here that depends on timing).
    assert report["summary"]["operations"] <= len(rows) <= report["summary"]["operations"] + 400, \
        (len(rows), report["summary"]["operations"])
    sent = [float(r[0]) for r in rows]
    assert sent == sorted(sent)
    assert report["measuredStartUnixSeconds"] - 1 <= sent[0] and sent[-1] <= time.time()
    assert {r[2] for r in rows} == {"get", "set"} and {r[3] for r in rows} == {"ok"}
    assert {r[5] for r in rows} == {"0"} and {r[4] for r in rows} == {"1"}
    assert {int(r[6]) for r in rows} == {0, 1, 2, 3}


def test_verifying_bench_reports_writes_the_server_lost(rondo, tmp_path):
    json_path = tmp_path / "bench.json"
    stop_file = tmp_path / "stop"
    err_path = tmp_path / "bench.err"
    with open(err_path, "wb") as err:
        # Mostly reads, so most keys keep the write the flush loses until the read-back.
        bench = subprocess.Popen(
            bench_argv(rondo, json_path, "--duration", "60", "--rate", "200", "--get-ratio", "0.95",
                       "--stop-file", str(stop_file)),
            stdout=subprocess.PIPE, stderr=err, text=True)
        try:
            deadline = time.monotonic() + BENCH_TIMEOUT_S
            while "load started" not in err_path.read_text(errors="replace"):
                assert bench.poll() is None, err_path.read_text()
                assert time.monotonic() < deadline, "the load did not start"
                time.sleep(0.05)
            time.sleep(1)
            with socket.create_connection((HOST, rondo.port), timeout=5) as s:
                s.sendall(b"flush_all\r\n")
                assert s.recv(64) == b"OK\r\n"
            time.sleep(1)
            stop_file.write_text("")
            stdout, _ = bench.communicate(timeout=BENCH_TIMEOUT_S)
        finally:
            if bench.poll() is None:
                bench.kill()
                bench.wait(timeout=10)
    assert bench.returncode != 0, stdout
    report = json.loads(json_path.read_text())
    verification, read_back = report["summary"]["verification"], report["readBack"]
    # Reads after the flush miss keys whose write was acknowledged: stale. Keys not written again
    # since come back missing at the end: lost.
    assert verification["staleReads"] > 0, verification
    assert read_back["lostWrites"] > 100, read_back
    assert read_back["keysChecked"] == read_back["keysWritten"] == 400, read_back
    assert verification["clientErrors"] == 0 and verification["corruptValues"] == 0, verification
    assert "verification failed" in err_path.read_text()


def test_a_timed_out_attempt_is_retried_once_on_the_next_server_not_counted_as_a_client_error(rondo, tmp_path):
    """The first server accepts connections and never answers: every attempt sent there times out,
    its retry on the rondo node succeeds. No client error, no mismatched reply, nothing lost."""
    import socket as socketlib
    import threading

    black_hole = socketlib.socket()
    black_hole.bind((HOST, 0))
    black_hole.listen(64)
    accepted = []
    stop = threading.Event()

    def accept_forever():
        black_hole.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(black_hole.accept()[0])
            except OSError:
                pass

    thread = threading.Thread(target=accept_forever, daemon=True)
    thread.start()
    json_path = tmp_path / "bench.json"
    try:
        result = subprocess.run(
            [rondo_binary(), "bench", "--verify", "--servers", f"{HOST}:{black_hole.getsockname()[1]},{HOST}:{rondo.port}",
             "--connections", "2", "--keys", "200", "--key-prefix", "hole:", "--get-ratio", "0.5", "--rate", "200",
             "--duration", "4", "--timeout-ms", "500", "--json", str(json_path)],
            capture_output=True, text=True, timeout=BENCH_TIMEOUT_S)
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in accepted:
            connection.close()
        black_hole.close()
    report = json.loads(json_path.read_text())
    verification, read_back = report["summary"]["verification"], report["readBack"]
    assert report["summary"]["timeouts"] > 0, report["summary"]
    assert verification["retries"] >= report["summary"]["timeouts"], verification
    assert verification["clientErrors"] == 0 and verification["corruptValues"] == 0, (verification, result.stderr)
    assert report["summary"]["errors"]["protocolViolation"] == 0, report["summary"]["errors"]
    assert read_back["lostWrites"] == 0 and read_back["keysUnverified"] == 0, read_back
    assert result.returncode == 0, result.stdout + result.stderr
