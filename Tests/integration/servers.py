"""Start and stop real server processes on 127.0.0.1 for the integration tests.

Every process is started on a port probed free, waited for with a deadline, and stopped by its PID.
"""
import os
import shutil
import signal
import socket
import subprocess
import time

HOST = "127.0.0.1"


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_listening(port, proc, deadline_s=20.0):
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early with {proc.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listening on {HOST}:{port} after {deadline_s}s")


class ServerProcess:
    def __init__(self, argv, port, log_path=None):
        self.port = port
        self.argv = argv
        self.log = open(log_path, "wb") if log_path else subprocess.DEVNULL
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=self.log)
        try:
            wait_listening(port, self.proc)
        except Exception:
            self.stop()
            raise

    @property
    def pid(self):
        return self.proc.pid

    def stop(self, sig=signal.SIGTERM, timeout_s=15.0):
        """Stops the process by PID; returns its exit code."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, sig)
            try:
                self.proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        if self.log is not subprocess.DEVNULL:
            self.log.close()
            self.log = subprocess.DEVNULL
        return self.proc.returncode


def rondo_binary():
    path = os.environ.get("RONDO_BIN")
    if not path:
        raise RuntimeError("RONDO_BIN is not set (scripts/test sets it to the built rondo binary)")
    return path


def start_rondo(*extra, log_path=None):
    port = free_port()
    argv = [rondo_binary(), "node", "--host", HOST, "--port", str(port), "--log-level", "warning", *extra]
    return ServerProcess(argv, port, log_path)


def start_memcached(*extra):
    binary = shutil.which("memcached")
    if binary is None:
        raise RuntimeError("memcached is not installed (scripts/install-deps --test installs it)")
    port = free_port()
    argv = [binary, "-l", HOST, "-p", str(port), "-U", "0", "-t", "2", *extra]
    if os.geteuid() == 0:
        argv += ["-u", "root"]
    return ServerProcess(argv, port)


def start_coordinator(state_dir, *extra, log_path=None):
    port = free_port()
    argv = [
        rondo_binary(), "coordinator", "--host", HOST, "--port", str(port), "--state-dir", str(state_dir),
        "--log-level", "info", *extra,
    ]
    return ServerProcess(argv, port, log_path)


def run_ctl(port, *args, timeout_s=20):
    """Runs `rondo ctl --coordinator HOST:PORT ARGS...`; returns the CompletedProcess."""
    argv = [rondo_binary(), "ctl", *args[:1], "--coordinator", f"{HOST}:{port}", *args[1:]]
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout_s)
