"""Drives one live tslab kernel for test/notebooks/kernel.test.ts: start it, run cells one by one,
report what each cell printed and displayed, and whether the kernel is still alive at the end.

Reads a JSON request on stdin:
    {"cwd": "<kernel working directory>", "cells": ["<code>", ...], "timeout": 300}
or  {"cwd": ..., "notebook": "<path.ipynb>"}     (its code cells, in order)
and prints one JSON object on stdout:
    {"cells": [{"status": "ok"|"error"|"abort"|"timeout", "outputs": [...], "seconds": 1.2}, ...],
     "alive": true, "log": "<the end of what the kernel process itself printed>"}
Each output is {"type": "stream", "name": "stdout"|"stderr", "text": ...},
{"type": "display_data"|"update_display_data"|"execute_result", "data": {mime: ...}, "display_id"?: ...} or
{"type": "error", "ename": ..., "evalue": ...}; consecutive stream outputs of one name are joined.

Run it with the Python that has jupyter_client and the environment of scripts/lib/project.ts
jupyterEnv(), so that the project's tslab kernelspec (jupyter/kernels/tslab) is found.
tslab drops requests that arrive within 200 ms of a failed cell (it answers them "abort"), so
after an error the driver waits half a second before sending the next cell, as a person would.
"""
import json
import queue
import subprocess
import sys
import tempfile
import time

from jupyter_client import KernelManager

AFTER_ERROR_SECONDS = 0.5


def code_cells(path):
    with open(path, encoding="utf-8") as f:
        nb = json.load(f)
    cells = []
    for cell in nb["cells"]:
        if cell.get("cell_type") != "code":
            continue
        source = cell["source"]
        source = "".join(source) if isinstance(source, list) else source
        if source.strip():
            cells.append(source)
    return cells


def add_output(outputs, msg):
    kind = msg["msg_type"]
    content = msg["content"]
    if kind == "stream":
        if outputs and outputs[-1]["type"] == "stream" and outputs[-1]["name"] == content["name"]:
            outputs[-1]["text"] += content["text"]
        else:
            outputs.append({"type": "stream", "name": content["name"], "text": content["text"]})
    elif kind in ("display_data", "update_display_data", "execute_result"):
        output = {"type": kind, "data": content.get("data", {})}
        display_id = (content.get("transient") or {}).get("display_id")
        if display_id:
            output["display_id"] = display_id
        outputs.append(output)
    elif kind == "error":
        outputs.append({"type": "error", "ename": content.get("ename", ""), "evalue": content.get("evalue", "")})


def run_cell(kc, code, timeout):
    """Sends one cell and collects its outputs until the kernel is idle and the reply has come."""
    started = time.monotonic()
    msg_id = kc.execute(code, store_history=True, allow_stdin=False)
    outputs = []
    idle = False
    status = None
    deadline = started + timeout
    while not (idle and status is not None):
        left = deadline - time.monotonic()
        if left <= 0:
            return {"status": "timeout", "outputs": outputs, "seconds": round(time.monotonic() - started, 3)}
        if not idle:
            try:
                msg = kc.get_iopub_msg(timeout=min(left, 1.0))
            except queue.Empty:
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
            else:
                add_output(outputs, msg)
        else:
            try:
                reply = kc.get_shell_msg(timeout=min(left, 1.0))
            except queue.Empty:
                continue
            if reply["parent_header"].get("msg_id") == msg_id:
                status = reply["content"]["status"]
    return {"status": status, "outputs": outputs, "seconds": round(time.monotonic() - started, 3)}


def main():
    request = json.load(sys.stdin)
    cells = request["cells"] if "cells" in request else code_cells(request["notebook"])
    timeout = float(request.get("timeout", 300))
    km = KernelManager(kernel_name=request.get("kernel", "tslab"))
    # The kernel must not share this process's stdout: node makes a pipe it inherits non-blocking,
    # and then Python's write of the JSON below can lose bytes. Its own output goes to a log.
    log = tempfile.TemporaryFile(mode="w+b")
    km.start_kernel(cwd=request["cwd"], stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    results = []
    try:
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=120)
        for code in cells:
            if not km.is_alive():
                results.append({"status": "dead", "outputs": [], "seconds": 0})
                continue
            result = run_cell(kc, code, timeout)
            results.append(result)
            if result["status"] != "ok":
                time.sleep(AFTER_ERROR_SECONDS)
        alive = km.is_alive()
        kc.stop_channels()
    finally:
        km.shutdown_kernel(now=True)
    log.seek(0)
    kernel_log = log.read().decode("utf-8", "replace")[-4000:]
    json.dump({"cells": results, "alive": alive, "log": kernel_log}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
