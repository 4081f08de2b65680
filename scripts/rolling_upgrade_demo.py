#!/usr/bin/env python3
"""The rolling-upgrade demo's driver (scripts/rolling-upgrade-demo builds the binaries and calls it).

Starts a coordinator and 5 nodes on the OLD build (127.0.0.1, ports probed free, state and logs in
a temporary directory), joins them, fills them with bulk data, starts a verifying `rondo bench`
(the NEW build's client) against all 5 nodes, measures a steady state, then upgrades: the
coordinator first (stopped, restarted on the new build from its state directory), then every node
with `rondo ctl upgrade start --binary NEW --strategy group --batch 1` (in-place restart), watched
through `upgrade status --json` until completed, then `upgrade finalize`, then a short steady
window after. It writes the timeline (JSON + SVG) and a summary JSON, prints the figures, and
exits 1 if a target is missed (after writing every output). Every process it starts is stopped by
PID at the end, also on Ctrl-C, SIGTERM or failure. Standard library only.
"""
import argparse
import bisect
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "Tests", "integration"))

from cluster import LocalCluster  # noqa: E402  (after the path tweak)
from host_stats import cpu_model, cpu_ticks, load_average, steal_percent  # noqa: E402  (this script's folder)

NODES = ["n1", "n2", "n3", "n4", "n5"]
WINDOW_S = 10
# Targets of issue 4 ("Proof").
THROUGHPUT_RATIO_MIN = 0.8
P99_RATIO_MAX = 2.0
# p99_ratio, the target, is the "p99 <= 2x steady state": the p99 of every operation of the
# upgrade over the p99 of the steady state before it. max_window_p99_ratio is a stricter diagnostic
# (the worst 10 s window's p99 over the same denominator, which one hypervisor stall decides here).
# A window whose CPU steal stayed below this share is "quiet": the hypervisor took (almost) nothing
# from the demo's processes; max_window_p99_ratio_quiet is the worst of those.
QUIET_STEAL_PERCENT = 2.0
# A second whose steal stayed under this is quiet: p99_ratio_quiet_seconds compares the upgrade's
# quiet seconds with the steady state's, the host's share left out of both sides.
QUIET_SECOND_STEAL_PERCENT = 1.0
STATUS_POLL_S = 1.0
UPGRADE_TIMEOUT_S = 1800
BENCH_READY_TIMEOUT_S = 300
BENCH_EXIT_TIMEOUT_S = 600


def log(message):
    print(f"rolling-upgrade-demo: {message}", file=sys.stderr, flush=True)


class Interrupted(Exception):
    pass


def on_signal(signum, _frame):
    raise Interrupted(f"signal {signum}")


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--old-bin", required=True)
    p.add_argument("--new-bin", required=True)
    p.add_argument("--old-version", required=True)
    p.add_argument("--old-commit", required=True)
    p.add_argument("--new-version", required=True)
    p.add_argument("--new-commit", required=True)
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--rate", type=float, default=2000.0, help="open-loop total ops/s (default 2000)")
    mode.add_argument("--closed-loop", action="store_true", help="closed loop: every worker sends as fast as it can")
    p.add_argument("--connections", type=int, default=20, help="verifying workers (default 20)")
    p.add_argument("--keys", type=int, default=20000, help="keys of the verifying load (default 20000)")
    p.add_argument("--value-size", type=int, default=200, help="bytes per verifying value (default 200)")
    p.add_argument("--get-ratio", type=float, default=0.8)
    p.add_argument("--bulk-mb", type=int, default=100, help="bulk data prefilled before the load, MiB (default 100)")
    p.add_argument("--steady", type=float, default=60.0,
                   help="seconds of steady state before the upgrade (default 60: near the upgrade's own length, so both face the host's noise alike)")
    p.add_argument("--after", type=float, default=10.0, help="seconds of load after finalize")
    p.add_argument("--timeout-ms", type=int, default=1000, help="per-attempt timeout of the verifying bench")
    p.add_argument("--replicas", type=int, default=2)
    p.add_argument("--vnodes", type=int, default=64)
    p.add_argument("--transfer-mbps", type=int, default=32,
                   help="cluster-wide transfer budget, MiB/s; each node's own cap is set to it too (default 32: on "
                        "2 cores the coordinator's 64 doubled the p99 of steal-free seconds, 8-32 raised it 1.0-1.5x; "
                        "docs/rolling-upgrade.md, session 6)")
    p.add_argument("--transfer-batch-kib", type=int, default=None,
                   help="each node's transfer batch size, KiB (default: the node's own, 32)")
    p.add_argument("--node-threads", type=int, default=None,
                   help="event loops per node (default: the node's own, one per core)")
    p.add_argument("--timeline-json", default=os.path.join(ROOT, "docs", "rolling-upgrade-timeline.json"))
    p.add_argument("--svg", default=os.path.join(ROOT, "docs", "rolling-upgrade.svg"))
    p.add_argument("--summary", default=os.path.join(ROOT, "out", "rolling-upgrade-summary.json"))
    p.add_argument("--keep-workdir", action="store_true", help="keep logs and state (the path is printed)")
    return p.parse_args()


class StealSampler(threading.Thread):
    """cpu_ticks() once a second for the whole demo, so that the steal of any window (and second)
    can be told afterwards: this VM's steal comes in spells of seconds that a whole-phase average
    hides."""

    def __init__(self):
        super().__init__(daemon=True)
        self.samples = []  # (unix time, ticks)
        self.times = []  # the samples' times, for bisect
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            ticks = cpu_ticks()
            if ticks is None:
                return
            now = time.time()
            self.samples.append((now, ticks))
            self.times.append(now)
            self.stopped.wait(1.0)

    def steal_between(self, first, last):
        """Steal % from the last sample at or before `first` to the first at or after `last`."""
        times = self.times
        begin = max(0, bisect.bisect_right(times, first) - 1)
        end = min(len(times) - 1, bisect.bisect_left(times, last))
        if end <= begin:
            return None
        return steal_percent(self.samples[begin][1], self.samples[end][1])


class Demo:
    def __init__(self, args, workdir):
        self.args = args
        self.workdir = workdir
        self.events = []  # (unix time, name, detail)
        self.bench_proc = None
        self.log_files = []
        self.stop_file = os.path.join(workdir, "bench.stop")
        self.bench_json = os.path.join(workdir, "bench.json")
        self.bench_trace = os.path.join(workdir, "bench-trace.csv")
        self.cluster = None
        self.status_samples = []  # (unix time, status)

    def event(self, name, detail=""):
        now = time.time()
        self.events.append({"time": now, "event": name, "detail": detail, "cpu_ticks": cpu_ticks()})
        log(f"{name} {detail}".rstrip())
        return now

    def use_binary(self, path):
        # LocalCluster and its ctl read RONDO_BIN at each call: the binary of the coordinator's
        # version runs every ctl command (0.1.0's ctl for 0.1.0's coordinator, and so on).
        os.environ["RONDO_BIN"] = path

    # -- setup -------------------------------------------------------------------------------

    def start_cluster(self):
        a = self.args
        self.use_binary(a.old_bin)
        budget = a.transfer_mbps << 20
        self.cluster = LocalCluster(
            self.workdir, replicas=a.replicas, vnodes=a.vnodes, down_after_ms=5000,
            node_args=["--memory-limit-mb", "512", "--transfer-bytes-per-second", str(budget)]
            + (["--threads", str(a.node_threads)] if a.node_threads else [])
            + (["--transfer-batch-bytes", str(a.transfer_batch_kib << 10)] if a.transfer_batch_kib else []),
            coordinator_args=["--transfer-bytes-per-second", str(budget)],
        )
        self.event("cluster-start", f"{a.old_version}: coordinator + {len(NODES)} nodes")
        self.cluster.bootstrap(NODES)
        self.event("cluster-ready")

    def servers(self):
        return ",".join(f"127.0.0.1:{self.cluster.client_port(n)}" for n in NODES)

    def bulk_prefill(self):
        a = self.args
        if a.bulk_mb <= 0:
            return
        value_size = 1024
        keys = a.bulk_mb * (1 << 20) // value_size
        self.event("bulk-prefill", f"{keys} keys x {value_size} B")
        subprocess.run(
            [a.new_bin, "bench", "--servers", self.servers(), "--prefill", "--keys", str(keys), "--key-prefix", "bulk:",
             "--value-size", str(value_size), "--connections", "10", "--pipeline", "8", "--duration", "0.1",
             "--timeout-ms", "5000"],
            check=True, stdout=subprocess.DEVNULL, timeout=900)
        self.event("bulk-prefill-done")

    def start_bench(self):
        a = self.args
        mode = [] if a.closed_loop else ["--rate", str(a.rate)]
        argv = [
            a.new_bin, "bench", "--verify", "--servers", self.servers(), "--connections", str(a.connections),
            "--keys", str(a.keys), "--key-prefix", "v:", "--value-size", str(a.value_size), "--get-ratio", str(a.get_ratio),
            "--prefill", "--duration", str(UPGRADE_TIMEOUT_S + a.steady + a.after + 600), "--stop-file", self.stop_file,
            "--timeout-ms", str(a.timeout_ms), "--json", self.bench_json, "--trace", self.bench_trace, *mode,
        ]
        self.bench_out = os.path.join(self.workdir, "bench.out")
        self.bench_err = os.path.join(self.workdir, "bench.err")
        out, err = self.open_log("bench.out"), self.open_log("bench.err")
        self.event("bench-start", " ".join(argv[1:]))
        self.bench_proc = subprocess.Popen(argv, stdout=out, stderr=err)
        deadline = time.monotonic() + BENCH_READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.bench_proc.poll() is not None:
                raise RuntimeError(f"the bench exited early ({self.bench_proc.returncode}): {self.tail(self.bench_err)}")
            with open(self.bench_err, errors="replace") as f:
                for line in f:
                    if "load started, measuring from unix time" in line:
                        self.load_start = float(line.rsplit(" ", 1)[1])
                        self.event("load-start")
                        return
            time.sleep(0.2)
        raise TimeoutError("the verifying bench did not start its load within %d s" % BENCH_READY_TIMEOUT_S)

    def open_log(self, name):
        """A log file in the workdir, closed by stop_all."""
        f = open(os.path.join(self.workdir, name), "wb")
        self.log_files.append(f)
        return f

    @staticmethod
    def tail(path, lines=5):
        try:
            with open(path, errors="replace") as f:
                return " | ".join(f.read().strip().splitlines()[-lines:])
        except OSError:
            return ""

    # -- the upgrade ---------------------------------------------------------------------------

    def upgrade_coordinator(self):
        """0.1.0's coordinator cannot drive nodes to features it does not know, and the upgrade is
        run by the coordinator: it goes first. Nodes keep serving from their last table while it
        restarts; it resumes from its state directory."""
        a = self.args
        self.event("coordinator-stop", a.old_version)
        self.cluster.coordinator.stop()
        os.replace(os.path.join(self.workdir, "coordinator.log"), os.path.join(self.workdir, f"coordinator-{a.old_version}.log"))
        self.use_binary(a.new_bin)
        self.cluster.start_coordinator()
        self.event("coordinator-start", a.new_version)
        self.cluster.wait_settled(active=NODES, timeout_s=120)
        self.event("coordinator-ready", "every node reconnected, cluster settled")

    def upgrade_nodes(self):
        a = self.args
        args = ["--binary", a.new_bin, "--strategy", "group", "--batch", "1", "--restart", "in-place"]
        plan = self.cluster.ctl("upgrade", "plan", *args, json_output=False)
        with open(os.path.join(self.workdir, "upgrade-plan.txt"), "w") as f:
            f.write(plan.stdout)
        self.event("upgrade-start")
        self.cluster.ctl("upgrade", "start", *args)
        # One watching ctl process, not one per poll: each `rondo ctl` start costs ~24 ms of CPU,
        # and five a second would load the upgrade's windows with the demo's own work, which the
        # steady state before it does not carry.
        deadline = time.monotonic() + UPGRADE_TIMEOUT_S
        last_key = None
        status = None
        with self.cluster.watch_upgrade(STATUS_POLL_S, stderr=self.open_log("upgrade-watch.err")) as watch:
            for status in watch:
                self.status_samples.append((time.time(), status))
                key = (status["outcome"], status["batch"], tuple(status["currentBatch"]), status["step"], status["paused"])
                if key != last_key:
                    last_key = key
                    log(f"upgrade: {status['nodesDone']}/{status['nodesTotal']} nodes, batch {status['batch']} "
                        f"{','.join(status['currentBatch'])} {status['step']}{' PAUSED: ' + str(status['pausedReason']) if status['paused'] else ''}")
                if status["paused"]:
                    raise RuntimeError(f"the upgrade paused: {status['pausedReason']}")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the upgrade did not complete within {UPGRADE_TIMEOUT_S} s")
            exit_code = watch.finish()
        if status is None or exit_code != 0:
            raise RuntimeError(f"upgrade status --watch exited {exit_code}: {self.tail(os.path.join(self.workdir, 'upgrade-watch.err'))}")
        if status["outcome"] != "completed":
            raise RuntimeError(f"the upgrade ended {status['outcome']}: {status}")
        self.event("upgrade-completed", f"{status['vnodesMoved']} vnode copies, {status['bytesMoved']} bytes")
        self.cluster.ctl("upgrade", "finalize", json_output=False)
        self.event("finalized", a.new_version)

    def finish_bench(self):
        with open(self.stop_file, "w"):
            pass
        self.event("bench-stop", "read-back of every written key")
        try:
            self.bench_proc.wait(timeout=BENCH_EXIT_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise TimeoutError(f"the bench did not finish its read-back within {BENCH_EXIT_TIMEOUT_S} s")
        self.event("bench-exit", f"status {self.bench_proc.returncode}")
        with open(self.bench_json) as f:
            return json.load(f)

    def versions_after(self):
        status = self.cluster.status()
        return {n["node"]: n.get("version") for n in status["nodes"]}

    def stop_all(self):
        if self.bench_proc is not None and self.bench_proc.poll() is None:
            self.bench_proc.send_signal(signal.SIGTERM)
            try:
                self.bench_proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.bench_proc.kill()
                self.bench_proc.wait(timeout=5)
        for f in self.log_files:
            f.close()
        if self.cluster is not None:
            self.cluster.stop()


# -- analysis ----------------------------------------------------------------------------------

def node_phases(samples):
    """Per node, when each step of its batch began and when the batch ended: the coordinator's own
    step timings (the `batches` of `upgrade status --json`, offsets from the upgrade's start on
    the coordinator's clock), placed on wall time by the status samples. A sample read at wall time
    W with `elapsedMilliseconds` E says the upgrade began at W - E/1000 or a little before (the
    reply took a moment to arrive); the earliest such estimate is the closest."""
    running = [(when, status) for when, status in samples if status["outcome"] == "running"]
    if not samples or not running:
        return []
    anchor = min(when - status["elapsedMilliseconds"] / 1000 for when, status in running)
    result = []
    for batch in samples[-1][1].get("batches", []):
        if batch["direction"] != "forward":
            continue
        steps = {step["step"]: anchor + step["startMilliseconds"] / 1000 for step in batch["steps"]}
        start = min(steps.values()) if steps else None
        done = anchor + batch["doneMilliseconds"] / 1000 if batch["doneMilliseconds"] is not None else None
        release, restart, ret, gate = (steps.get(k) for k in ("release", "restart", "return", "health gate"))
        for node in batch["nodes"]:
            result.append({
                "node": node, "start": start, "release": release, "restart": restart, "return": ret,
                "health_gate": gate, "done": done,
                "release_seconds": round(restart - release, 2) if release and restart else None,
                "restart_seconds": round(ret - restart, 2) if restart and ret else None,
                "return_seconds": round((gate or done) - ret, 2) if ret and (gate or done) else None,
                "health_gate_seconds": round(done - gate, 2) if gate and done else None,
                "total_seconds": round(done - start, 2) if start and done else None,
            })
    return result


def timeline_points(report):
    start = report["measuredStartUnixSeconds"]
    points = []
    for entry in report["timeline"]:
        points.append({
            "time": start + entry["elapsedSeconds"], "elapsed": entry["elapsedSeconds"],
            "ops": entry["opsPerSecond"], "p99_us": entry["latencyMicroseconds"]["p99"],
            "p50_us": entry["latencyMicroseconds"]["p50"], "max_us": entry["latencyMicroseconds"]["max"],
            "errors": entry["errors"], "timeouts": entry["timeouts"], "reconnects": entry["reconnects"],
            "retries": entry.get("retries", 0), "client_errors": entry.get("clientErrors", 0),
            "stale_reads": entry.get("staleReads", 0), "operations": entry["gets"] + entry["sets"],
        })
    return points


def windows(points, first, last):
    """Every WINDOW_S-second window (sliding by one second) of the entries ending in [first, last]."""
    inside = [p for p in points if first < p["time"] <= last + 0.5]
    if len(inside) <= WINDOW_S:
        return [inside] if inside else []
    return [inside[i:i + WINDOW_S] for i in range(len(inside) - WINDOW_S + 1)]


def read_trace(path):
    """(intended send unix time, latency µs) of every measured operation, from `rondo bench --trace`."""
    ops = []
    with open(path) as f:
        next(f)  # header
        for line in f:
            fields = line.split(",", 2)
            ops.append((float(fields[0]), int(fields[1])))
    ops.sort()
    return ops


def percentile(latencies, q):
    """The q-quantile (nearest rank) of a list of latencies; 0 for none."""
    if not latencies:
        return 0
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, max(0, int(q * len(ordered) + 0.999999) - 1))]


def latencies_between(ops, first, last):
    """Latencies of the operations meant to be sent in (first, last]; `ops` is sorted by send time."""
    begin = bisect.bisect_right(ops, first, key=lambda op: op[0])
    end = bisect.bisect_right(ops, last, key=lambda op: op[0])
    return [latency for _, latency in ops[begin:end]]


def quiet_seconds(points, first, last):
    """The per-second timeline points of (first, last] (each covers the second before its time)
    whose CPU steal stayed under QUIET_SECOND_STEAL_PERCENT."""
    return [p for p in points if first < p["time"] - 1 and p["time"] <= last
            and p.get("steal_percent") is not None and p["steal_percent"] < QUIET_SECOND_STEAL_PERCENT]


def quiet_latencies(ops, seconds):
    """Latencies of the operations meant to be sent in those seconds."""
    return [latency for point in seconds for latency in latencies_between(ops, point["time"] - 1, point["time"])]


def window_p99s(ops, first, last):
    """(start, p99 µs) of every WINDOW_S-second window sliding by one second over (first, last]: the
    p99 of all the operations meant to be sent in the window, not a mean of per-second p99s."""
    result = []
    start = first
    while True:
        end = min(start + WINDOW_S, last)
        result.append((start, percentile(latencies_between(ops, start, end), 0.99)))
        if end >= last:
            return result
        start += 1.0


def analyse(args, demo, report, trace_ops, phases, machine, versions_after, started, sampler):
    points = timeline_points(report)
    for point in points:
        point["steal_percent"] = sampler.steal_between(point["time"] - 1, point["time"])
    ev = {e["event"]: e["time"] for e in demo.events}
    ticks = {e["event"]: e.get("cpu_ticks") for e in demo.events}
    machine["cpu_steal_percent"] = {
        "steady": steal_percent(ticks.get("load-start"), ticks.get("coordinator-stop")),
        "upgrade": steal_percent(ticks.get("coordinator-stop"), ticks.get("finalized")),
    }
    upgrade_begin, upgrade_end = ev["coordinator-stop"], ev["finalized"]
    # Steady state: the load's own seconds before the upgrade, without its first 2 (connections and
    # caches warming up).
    steady = [p for p in points if demo.load_start + 2 < p["time"] <= upgrade_begin]
    steady_ops = sum(p["ops"] for p in steady) / len(steady) if steady else 0.0
    ratios = []
    for window in windows(points, upgrade_begin, upgrade_end):
        ops = sum(p["ops"] for p in window) / len(window)
        ratios.append((ops / steady_ops if steady_ops else 0.0, window[0]["time"] - demo.load_start))
    # Latency from the bench's trace of every operation: exact percentiles over any span.
    steady_p99 = percentile(latencies_between(trace_ops, demo.load_start + 2, upgrade_begin), 0.99)
    p99s = [(p99 / steady_p99 if steady_p99 else 0.0, start - demo.load_start, sampler.steal_between(start, start + WINDOW_S))
            for start, p99 in window_p99s(trace_ops, upgrade_begin, upgrade_end)]
    quiet = [w for w in p99s if w[2] is not None and w[2] < QUIET_STEAL_PERCENT]
    max_quiet = max(quiet) if quiet else None
    upgrade_p99 = percentile(latencies_between(trace_ops, upgrade_begin, upgrade_end), 0.99)
    steady_quiet_seconds = quiet_seconds(points, demo.load_start + 2, upgrade_begin)
    upgrade_quiet_seconds = quiet_seconds(points, upgrade_begin, upgrade_end)
    steady_quiet = quiet_latencies(trace_ops, steady_quiet_seconds)
    upgrade_quiet = quiet_latencies(trace_ops, upgrade_quiet_seconds)
    steady_quiet_p99, upgrade_quiet_p99 = percentile(steady_quiet, 0.99), percentile(upgrade_quiet, 0.99)
    # The same statistic over the steady state's own windows: how far the host alone moves a
    # window's p99 from the steady p99, with no upgrade running (fewer windows than the upgrade's).
    steady_windows = window_p99s(trace_ops, demo.load_start + 2, upgrade_begin)
    steady_worst = max((p99 for _, p99 in steady_windows), default=0)
    during = [p for p in points if upgrade_begin < p["time"] <= upgrade_end + 0.5]
    after = [p for p in points if p["time"] > upgrade_end + 0.5]
    summary = report["summary"]
    verification = summary.get("verification", {})
    read_back = report.get("readBack") or {}
    min_ratio = min(ratios) if ratios else (0.0, None)
    max_p99 = max(p99s) if p99s else (0.0, None, None)
    result = {
        "lost_writes": read_back.get("lostWrites"),
        "client_errors": verification.get("clientErrors"),
        "stale_reads": verification.get("staleReads"),
        "corrupt_values": verification.get("corruptValues", 0) + read_back.get("corruptValues", 0),
        "keys_unverified": read_back.get("keysUnverified"),
        "keys_written": read_back.get("keysWritten"),
        "keys_checked": read_back.get("keysChecked"),
        "retries": verification.get("retries"),
        "resets": summary["errors"]["connectionLost"],
        "timeouts": summary["timeouts"],
        "reconnects": summary["reconnects"],
        "error_replies": {k: v for k, v in summary["errors"].items() if k != "connectionLost"},
        "min_window_throughput_ratio": round(min_ratio[0], 4),
        "min_window_starts_at_second": round(min_ratio[1], 1) if min_ratio[1] is not None else None,
        "p99_ratio": round(upgrade_p99 / steady_p99, 4) if steady_p99 else None,
        "p99_definition": ("p99 of operation latency (intended send to final reply, retry included) from the bench's "
                           "--trace; p99_ratio = the p99 of every operation meant to be sent during the upgrade / the "
                           "p99 of the steady state before it (its first 2 s left out)"),
        "steady_ops_per_second": round(steady_ops, 1),
        "steady_p99_us": steady_p99,
        "upgrade_p99_us": upgrade_p99,
        "p99_ratio_quiet_seconds": round(upgrade_quiet_p99 / steady_quiet_p99, 4) if steady_quiet_p99 and upgrade_quiet else None,
        "p99_ratio_quiet_seconds_definition": (f"a diagnostic: the p99 over the upgrade's seconds whose CPU steal stayed under "
                                               f"{QUIET_SECOND_STEAL_PERCENT}% / the same over the steady state's (what the upgrade "
                                               f"itself does, the hypervisor's share left out of both sides)"),
        "quiet_seconds": {"steady": len(steady_quiet_seconds), "upgrade": len(upgrade_quiet_seconds)},
        "max_window_p99_ratio": round(max_p99[0], 4),
        "max_window_p99_definition": ("a diagnostic, stricter than the target: the worst p99 of a 10 s window (sliding by "
                                      "1 s) of the upgrade / the steady p99"),
        "max_window_starts_at_second": round(max_p99[1], 1) if max_p99[1] is not None else None,
        "max_window_steal_percent": max_p99[2],
        "max_window_p99_ratio_quiet": round(max_quiet[0], 4) if max_quiet else None,
        "max_window_p99_ratio_quiet_definition": (f"the worst p99 window among those whose CPU steal stayed below "
                                                  f"{QUIET_STEAL_PERCENT}%"),
        "quiet_windows": len(quiet),
        "windows": len(p99s),
        "steady_worst_window_p99_ratio": round(steady_worst / steady_p99, 4) if steady_p99 else None,
        "steady_windows": len(steady_windows),
        "upgrade_ops_per_second": round(sum(p["ops"] for p in during) / len(during), 1) if during else None,
        "upgrade_max_second_p99_us": max((p["p99_us"] for p in during), default=None),
        "after_ops_per_second": round(sum(p["ops"] for p in after) / len(after), 1) if after else None,
        "after_p99_us": percentile(latencies_between(trace_ops, upgrade_end + 0.5, float("inf")), 0.99) if after else None,
        "total_seconds": round(upgrade_end - upgrade_begin, 1),
        "total_seconds_definition": "coordinator stopped (upgrade begins) to finalize done",
        "coordinator_restart_seconds": round(ev["coordinator-ready"] - ev["coordinator-stop"], 2),
        "node_upgrade_seconds": round(ev["upgrade-completed"] - ev["upgrade-start"], 1),
        "demo_seconds": round(time.time() - started, 1),
        "nodes": [{k: v for k, v in n.items() if not isinstance(v, float) or k.endswith("seconds")} for n in phases],
        "from": {"version": args.old_version, "commit": args.old_commit},
        "to": {"version": args.new_version, "commit": args.new_commit},
        "versions_after": versions_after,
        "machine": machine,
        "load": {
            "mode": "closed loop" if args.closed_loop else f"open loop at {args.rate:g} ops/s",
            "connections": args.connections, "keys": args.keys, "value_size": args.value_size,
            "get_ratio": args.get_ratio, "bulk_mb": args.bulk_mb, "timeout_ms": args.timeout_ms,
            "replicas": args.replicas, "vnodes": args.vnodes, "transfer_mib_per_second": args.transfer_mbps,
            "node_threads": args.node_threads, "transfer_batch_kib": args.transfer_batch_kib,
            "bench_ops": summary["operations"], "bench_seconds": summary["durationSeconds"],
        },
        "targets": {
            "lost_writes": 0, "client_errors": 0, "stale_reads": 0,
            "min_window_throughput_ratio": THROUGHPUT_RATIO_MIN, "p99_ratio": P99_RATIO_MAX,
        },
    }
    missed = []
    for key in ("lost_writes", "client_errors", "stale_reads", "corrupt_values", "keys_unverified"):
        if result[key] is None or result[key] > 0:
            missed.append(f"{key} {result[key]} (target 0)")
    if result["min_window_throughput_ratio"] < THROUGHPUT_RATIO_MIN:
        missed.append(f"min_window_throughput_ratio {result['min_window_throughput_ratio']} (target >= {THROUGHPUT_RATIO_MIN})")
    if result["p99_ratio"] is None or result["p99_ratio"] > P99_RATIO_MAX:
        missed.append(f"p99_ratio {result['p99_ratio']} (target <= {P99_RATIO_MAX})")
    result["targets_missed"] = missed
    result["passed"] = not missed
    # The p99 ratio divides by the steady state's p99: a steady state the host disturbed (steal, or
    # its own windows far from its p99) inflates that denominator, and a "met" then proves nothing
    # (session 6: every pass had one). Said next to the verdict; the verdict itself is unchanged.
    steady_steal = machine["cpu_steal_percent"]["steady"]
    disturbed = []
    if steady_steal is not None and steady_steal >= QUIET_STEAL_PERCENT:
        disturbed.append(f"CPU steal {steady_steal}% (quiet: < {QUIET_STEAL_PERCENT}%)")
    if result["steady_worst_window_p99_ratio"] is not None and result["steady_worst_window_p99_ratio"] > P99_RATIO_MAX:
        disturbed.append(f"its worst window {result['steady_worst_window_p99_ratio']}x its p99")
    result["steady_state_disturbed"] = disturbed
    # The other side of the ratio: steal during the upgrade inflates its p99 with the hypervisor's
    # share, and on this kind of host it is not the upgrade's doing (session 7: steal 10.9 % in a
    # steady state, 1.1 % in the upgrade after it). Said too; the verdict stays as computed.
    upgrade_steal = machine["cpu_steal_percent"]["upgrade"]
    result["upgrade_disturbed"] = ([f"CPU steal {upgrade_steal}% (quiet: < {QUIET_STEAL_PERCENT}%)"]
                                   if upgrade_steal is not None and upgrade_steal >= QUIET_STEAL_PERCENT else [])
    timeline = {
        "load_start": demo.load_start, "events": demo.events, "nodes": phases, "points": points,
        "steady": {"ops_per_second": steady_ops, "p99_us": steady_p99},
    }
    return result, timeline


# -- the chart -----------------------------------------------------------------------------------

PHASE_COLOURS = {"release": "#f4a261", "restart": "#e76f51", "return": "#2a9d8f"}


def svg_chart(timeline, summary):
    width, height = 1000, 560
    left, right = 70, 20
    panels = [("ops/s", "ops", 60, 230), ("p99 (ms)", "p99_ms", 300, 470)]
    points = timeline["points"]
    t0 = timeline["load_start"]
    xs = [p["time"] - t0 for p in points]
    x_max = max(xs) if xs else 1.0

    def x(t):
        return left + (width - left - right) * max(0.0, t - t0) / x_max

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
           'font-family="sans-serif" font-size="11">',
           '<rect width="100%" height="100%" fill="white"/>',
           f'<text x="{left}" y="20" font-size="14" font-weight="bold">Rolling upgrade {esc(summary["from"]["version"])} → '
           f'{esc(summary["to"]["version"])}, 5 nodes, {esc(summary["load"]["mode"])}</text>',
           f'<text x="{left}" y="38">lost writes {summary["lost_writes"]}, client errors {summary["client_errors"]}, '
           f'stale reads {summary["stale_reads"]}, retries {summary["retries"]}; min 10 s throughput ratio '
           f'{summary["min_window_throughput_ratio"]}, p99 ratio {summary["p99_ratio"]}; upgrade {summary["total_seconds"]} s</text>']
    events = {e["event"]: e["time"] for e in timeline["events"]}
    for label, key, top, bottom in panels:
        values = [p["ops"] if key == "ops" else p["p99_us"] / 1000 for p in points]
        v_max = nice_max(max(values) if values else 1.0)
        # Phase shading: the coordinator's restart, then each node's release / restart / return.
        if "coordinator-stop" in events and "coordinator-ready" in events:
            out.append(shade(x(events["coordinator-stop"]), x(events["coordinator-ready"]), top, bottom, "#bbbbbb"))
        for node in timeline["nodes"]:
            spans = [("release", node["release"], node["restart"] or node["return"]), ("restart", node["restart"], node["return"]),
                     ("return", node["return"], node["health_gate"] or node["done"])]
            for phase, begin, end in spans:
                if begin and end:
                    out.append(shade(x(begin), x(end), top, bottom, PHASE_COLOURS[phase]))
            if key == "ops" and node["release"]:
                out.append(f'<text x="{x(node["release"]):.1f}" y="{top - 4}">{esc(node["node"])}</text>')
        out.append(f'<line x1="{left}" y1="{bottom}" x2="{width - right}" y2="{bottom}" stroke="black"/>')
        out.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="black"/>')
        for i in range(5):
            v = v_max * i / 4
            y = bottom - (bottom - top) * i / 4
            out.append(f'<line x1="{left - 4}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#eeeeee"/>')
            out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{v:g}</text>')
        out.append(f'<text x="12" y="{(top + bottom) / 2:.0f}" transform="rotate(-90 12 {(top + bottom) / 2:.0f})" '
                   f'text-anchor="middle">{label}</text>')
        path = " ".join(f"{x(p['time']):.1f},{bottom - (bottom - top) * v / v_max:.1f}" for p, v in zip(points, values))
        out.append(f'<polyline fill="none" stroke="#264653" stroke-width="1.5" points="{path}"/>')
    tick = 30 if x_max > 150 else 10
    for s in range(0, int(x_max) + 1, tick):
        xx = left + (width - left - right) * s / x_max
        out.append(f'<text x="{xx:.1f}" y="{panels[-1][3] + 16}" text-anchor="middle">{s}</text>')
    out.append(f'<text x="{(left + width) / 2:.0f}" y="{panels[-1][3] + 32}" text-anchor="middle">seconds since the load started</text>')
    legend = [("coordinator restart", "#bbbbbb")] + [(f"node {k}", c) for k, c in PHASE_COLOURS.items()]
    for i, (name, colour) in enumerate(legend):
        lx = left + 170 * i
        out.append(f'<rect x="{lx}" y="{height - 16}" width="12" height="10" fill="{colour}" fill-opacity="0.45"/>')
        out.append(f'<text x="{lx + 16}" y="{height - 7}">{name}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def shade(x1, x2, top, bottom, colour):
    return (f'<rect x="{x1:.1f}" y="{top}" width="{max(1.0, x2 - x1):.1f}" height="{bottom - top}" '
            f'fill="{colour}" fill-opacity="0.45"/>')


def nice_max(value):
    if value <= 0:
        return 1.0
    magnitude = 10 ** len(str(int(value))) / 10
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return value


def esc(text):
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def print_report(summary, timeline):
    print("second    ops/s   p99 ms  retries  client-err  stale  steal%")
    t0 = timeline["load_start"]
    for p in timeline["points"]:
        print(f"{p['time'] - t0:6.0f} {p['ops']:8.0f} {p['p99_us'] / 1000:8.2f} {p['retries']:8d} {p['client_errors']:11d} {p['stale_reads']:6d} {fmt(p.get('steal_percent')):>7}")
    print()
    print("node  release s  restart s  return s  health gate s  total s")
    for n in summary["nodes"]:
        print(f"{n['node']:4}  {fmt2(n['release_seconds']):>9}  {fmt2(n['restart_seconds']):>9}  {fmt2(n['return_seconds']):>8}  "
              f"{fmt2(n['health_gate_seconds']):>13}  {fmt2(n['total_seconds']):>7}")
    print()
    for key in ("lost_writes", "client_errors", "stale_reads", "corrupt_values", "keys_checked", "retries", "resets",
                "timeouts", "steady_ops_per_second", "steady_p99_us", "upgrade_p99_us", "p99_ratio", "p99_ratio_quiet_seconds", "quiet_seconds",
                "min_window_throughput_ratio", "max_window_p99_ratio", "max_window_steal_percent", "max_window_p99_ratio_quiet",
                "quiet_windows", "windows", "steady_worst_window_p99_ratio", "steady_windows",
                "coordinator_restart_seconds", "node_upgrade_seconds", "total_seconds"):
        print(f"{key:30} {summary[key]}")
    print(f"{'load':30} {summary['load']['mode']}")
    print(f"{'machine':30} {summary['machine']['nproc']} × {summary['machine']['cpu']}, load average {summary['machine']['load_average_end']}, "
          f"CPU steal % steady/upgrade {summary['machine']['cpu_steal_percent']['steady']}/{summary['machine']['cpu_steal_percent']['upgrade']}")
    if summary["targets_missed"]:
        print("TARGETS MISSED: " + "; ".join(summary["targets_missed"]))
    else:
        print("every target met")
    if summary["steady_state_disturbed"]:
        print("NOTE: the steady state was disturbed (" + "; ".join(summary["steady_state_disturbed"])
              + "): its p99, the p99 ratio's denominator, is inflated — the p99 ratio is no evidence either way")
    if summary["upgrade_disturbed"]:
        print("NOTE: the host took CPU during the upgrade (" + "; ".join(summary["upgrade_disturbed"])
              + "): the upgrade's p99 carries the hypervisor's share as well as the upgrade's")


def fmt(value):
    return "-" if value is None else f"{value:.1f}"


def fmt2(value):
    return "-" if value is None else f"{value:.2f}"


def main():
    args = parse_args()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    started = time.time()
    workdir = tempfile.mkdtemp(prefix="rondo-upgrade-demo-")
    demo = Demo(args, workdir)
    machine = {"nproc": os.cpu_count(), "cpu": cpu_model(), "load_average_start": load_average()}
    sampler = StealSampler()
    sampler.start()
    ok = False
    try:
        demo.start_cluster()
        demo.bulk_prefill()
        demo.start_bench()
        time.sleep(args.steady)
        demo.upgrade_coordinator()
        demo.upgrade_nodes()
        time.sleep(args.after)
        report = demo.finish_bench()
        # Read now: the workdir holding it is removed below unless --keep-workdir.
        trace = read_trace(demo.bench_trace)
        versions_after = demo.versions_after()
        ok = True
    except (Interrupted, Exception) as error:
        log(f"FAILED: {error!r}; logs in {workdir}")
        raise
    finally:
        machine["load_average_end"] = load_average()
        sampler.stopped.set()
        sampler.join(timeout=5)
        demo.stop_all()
        if ok and not args.keep_workdir:
            shutil.rmtree(workdir, ignore_errors=True)
        elif args.keep_workdir:
            log(f"logs and state kept in {workdir}")
    phases = node_phases(demo.status_samples)
    summary, timeline = analyse(args, demo, report, trace, phases, machine, versions_after, started, sampler)
    for path in (args.timeline_json, args.svg, args.summary):
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(args.timeline_json, "w") as f:
        json.dump(timeline, f, indent=1)
    with open(args.svg, "w") as f:
        f.write(svg_chart(timeline, summary))
    with open(args.summary, "w") as f:
        json.dump(summary, f, indent=2)
    print_report(summary, timeline)
    print(f"timeline: {args.timeline_json}\nchart:    {args.svg}")
    print(args.summary)
    return 0 if summary["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
