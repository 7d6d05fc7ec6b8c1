#!/usr/bin/env python3
"""Runs a benchmark command and records where the machine's CPU went while it ran.

    cpu_split.py LOG LABEL COMMAND...

COMMAND's output passes through unchanged. One line is appended to LOG:
LABEL, the CPU seconds of COMMAND and its children (the client: pgbench, or newsroom-bench with
its PostgresNIO connections), and the CPU seconds the whole machine was busy meanwhile (the client,
the PostgreSQL backends it talks to, and the kernel work of both). With several writers on a small
machine every core is busy, so throughput is the machine's CPU divided by what one transaction
takes; dividing both figures by the transactions shows which side takes it.
"""
import os
import resource
import subprocess
import sys
import time


def busy_seconds():
    """CPU time the machine has spent busy since boot, all cores (not idle, not waiting on I/O)."""
    with open("/proc/stat") as stat:
        fields = stat.readline().split()[1:]
    user, nice, system, idle, iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: cpu_split.py LOG LABEL COMMAND...")
    log, label, command = sys.argv[1], sys.argv[2], sys.argv[3:]
    busy_before, wall_before = busy_seconds(), time.monotonic()
    finished = subprocess.run(command)
    busy, wall = busy_seconds() - busy_before, time.monotonic() - wall_before
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(log, "a") as out:
        out.write(f"{label} {usage.ru_utime + usage.ru_stime:.3f} {busy:.3f} {wall:.3f}\n")
    sys.exit(finished.returncode)


if __name__ == "__main__":
    main()
