"""What the host gave a benchmark: its CPU model, the CPU steal between two readings of
/proc/stat, the load average, and a process's CPU time. On this project's shared virtual machines
a figure means little without them: the hypervisor takes CPU from the guest in spells (steal), and
other work competes for the same cores (load). Standard library only; used by
scripts/rolling_upgrade_demo.py, bench-cluster, bench-node, bench-node-cpu and entry-syscalls.
"""
import os
import platform


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def cpu_ticks(line=None):
    """The machine's aggregate CPU ticks (/proc/stat "cpu" line: user nice system idle iowait irq
    softirq steal), or None where there is no /proc. `line` is such a line read earlier (a shell
    script's `head -1 /proc/stat` around a run); without it, /proc/stat is read now."""
    try:
        if line is None:
            with open("/proc/stat") as f:
                line = f.readline()
        return [int(x) for x in line.split()[1:9]]
    except (OSError, ValueError, IndexError):
        return None


def steal_percent(before, after):
    """Share of CPU time the hypervisor gave to others between two cpu_ticks() readings: on a
    virtual machine, time the measured processes wanted and did not get, whatever they do."""
    if not before or not after:
        return None
    delta = [b - a for a, b in zip(before, after)]
    total = sum(delta)
    return round(100.0 * delta[7] / total, 1) if total > 0 else None


def load_average():
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def process_cpu_seconds(pid):
    """(user, system) CPU seconds a process and its threads have used so far (/proc/<pid>/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # After the command name: state is field 3, utime 14 and stime 15 (1-based) of the full line.
    ticks = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / ticks, int(fields[12]) / ticks
