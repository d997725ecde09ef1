"""Times kernel starts for `npm run bench:start` (bench/start.ts), through jupyter_client, as
Jupyter starts a kernel: from start_kernel to the first kernel_info reply ("ready"), then one
first cell to its reply. CPU is the kernel's own (user + system, /proc/<pid>/stat, of the kernel
process and every process below it, so the snapshot's child counts), not the wall clock, which
other work on a shared machine stretches.

Reads a JSON request on stdin:
    {"kernels": [{"label": ..., "name": <kernelspec>, "cell": <code>, "env": {...}}, ...],
     "starts": 5, "cwd": <kernel working directory>, "timeout": 120}
and prints one JSON object: {"runs": [{"label", "start", "readySeconds", "readyCpu",
"cellSeconds", "firstResultCpu", "rssMB", "status", "output"}, ...]}, the kernels taking turns start by start.
"""
import json
import os
import subprocess
import sys
import time

from jupyter_client import KernelManager

TICKS = os.sysconf("SC_CLK_TCK")


def children():
    """Every process's parent, from /proc."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    stat = f.read()
                parents[int(entry)] = int(stat[stat.rindex(")") + 2:].split()[1])
            except (OSError, ValueError):
                pass
    return parents


def tree_cpu(pid):
    """CPU seconds (user + system, with reaped children's) of pid and all its descendants."""
    parents = children()
    todo, total = [pid], 0.0
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += sum(int(x) for x in fields[11:15]) / TICKS  # utime stime cutime cstime
        except OSError:
            pass
        todo.extend(c for c, parent in parents.items() if parent == p)
    return total


def tree_rss_mb(pid):
    """Resident memory (VmRSS) of pid and all its descendants, in MB."""
    parents = children()
    todo, total = [pid], 0
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            pass
        todo.extend(c for c, parent in parents.items() if parent == p)
    return total / 1024


def run_cell(client, code, timeout):
    msg_id = client.execute(code)
    output, status = "", "timeout"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        msg = client.get_iopub_msg(timeout=deadline - time.monotonic())
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            output += content["text"]
        elif kind == "execute_result":
            output += content["data"].get("text/plain", "") + "\n"
        elif kind == "error":
            output += f"{content['ename']}: {content['evalue']}\n"
        elif kind == "status" and content["execution_state"] == "idle":
            while True:  # the reply to this cell (not a late kernel_info reply)
                reply = client.get_shell_msg(timeout=timeout)
                if reply["parent_header"].get("msg_id") == msg_id:
                    status = reply["content"]["status"]
                    break
            break
    return status, output


def one_start(kernel, cwd, timeout):
    env = {**os.environ, **kernel.get("env", {})}
    km = KernelManager(kernel_name=kernel["name"])
    t0 = time.monotonic()
    km.start_kernel(cwd=cwd, env=env, stdout=subprocess.DEVNULL)  # our stdout carries the JSON
    client = km.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=timeout)
        ready = time.monotonic() - t0
        pid = km.provisioner.process.pid
        ready_cpu = tree_cpu(pid)
        t1 = time.monotonic()
        status, output = run_cell(client, kernel["cell"], timeout)
        cell = time.monotonic() - t1
        result_cpu = tree_cpu(pid)
        return {"readySeconds": ready, "readyCpu": ready_cpu, "cellSeconds": cell, "firstResultCpu": result_cpu, "rssMB": tree_rss_mb(pid),
                "status": status, "output": output[-400:]}
    finally:
        client.stop_channels()
        km.shutdown_kernel(now=not kernel.get("graceful"))


def main():
    request = json.load(sys.stdin)
    runs = []
    for start in range(request["starts"]):
        for kernel in request["kernels"]:
            run = one_start(kernel, request["cwd"], request.get("timeout", 120))
            runs.append({"label": kernel["label"], "start": start, **run})
            print(f"  {kernel['label']}: start {start + 1}, ready {run['readySeconds']:.2f} s "
                  f"(CPU {run['readyCpu']:.2f} s), first result CPU {run['firstResultCpu']:.2f} s, {run['status']}",
                  file=sys.stderr, flush=True)
    json.dump({"runs": runs}, sys.stdout)


if __name__ == "__main__":
    main()
