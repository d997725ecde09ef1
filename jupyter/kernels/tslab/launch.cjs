/**
 * Starts tslab's kernel, and ends it when the Jupyter process that started it is gone.
 *   node launch.cjs kernel --config-path FILE     (kernel.json)
 *   node launch.cjs --build-snapshot              (builds the start-up snapshot now; prints its path)
 *
 * jupyter_client starts each kernel in a session of its own, so a Jupyter (or an export's
 * nbconvert) that is killed outright takes nothing down with it, and tslab does not watch its
 * parent: the kernel, a node process, would run on for ever. So the kernel checks whether its
 * parent is still the one that started it (kernel-main.cjs); if not, it exits. ipykernel does the
 * same for Python kernels (ParentPollerUnix).
 *
 * A start costs less from the snapshot of start-snapshot.cjs (the compiler loaded, the lib files
 * parsed): when it exists for this Node, tslab and TypeScript (snapshot-cache.cjs), the kernel runs
 * in a child process started from it, `node --snapshot-blob`, and this process only passes signals
 * on (the child has a process group of its own, so each signal arrives once, whether Jupyter sends
 * it to this process or to its group) and exits as the child does. When it does not exist yet, the
 * kernel starts here as before, and the snapshot is built in the background for the next start.
 * SCRATCHNET_KERNEL_SNAPSHOT=0 always starts here, without one.
 */
const fs = require("fs");
const { spawn } = require("child_process");

const args = process.argv.slice(2);

if (args[0] === "--build-snapshot") {
  const unlock = args.indexOf("--unlock"); // a background build removes its lock when done
  try {
    process.stdout.write(require("./snapshot-cache.cjs").buildSnapshot() + "\n");
  } catch (err) {
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 1;
  } finally {
    if (unlock > 0) fs.rmSync(args[unlock + 1], { force: true });
  }
} else if (process.env.SCRATCHNET_KERNEL_SNAPSHOT === "0") {
  require("./kernel-main.cjs").startKernel(1000);
} else {
  const cache = require("./snapshot-cache.cjs");
  const blob = cache.snapshotPath();
  if (fs.existsSync(blob)) {
    startFromSnapshot(blob);
  } else {
    cache.buildInBackground();
    require("./kernel-main.cjs").startKernel(1000);
  }
}

/** A child that fails this soon, unasked, may not have loaded the snapshot at all (see below). */
const EARLY_EXIT_MS = 10000;

/**
 * Runs the kernel in a child started from the snapshot; this process relays signals and its exit.
 * If the child fails within its first seconds without being signalled by this process (Node
 * refuses or aborts on a snapshot made under other V8 flags, or a damaged file), the snapshot is deleted, to be built again next time, and the
 * kernel starts here instead, as without one: Jupyter's connection file is still good.
 */
function startFromSnapshot(blob) {
  const startedAt = Date.now();
  let signalled = false;
  const child = spawn(process.execPath, ["--snapshot-blob", blob, __filename, ...args], { stdio: "inherit", detached: true });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"]) {
    process.on(signal, () => {
      signalled = true;
      child.kill(signal);
    });
  }
  child.on("exit", (code, signal) => {
    if ((code !== 0 || signal) && !signalled && Date.now() - startedAt < EARLY_EXIT_MS) {
      process.stderr.write(`launch.cjs: the kernel did not start from its snapshot (${signal ?? `exit ${code}`}); starting it without\n`);
      fs.rmSync(blob, { force: true });
      for (const s of ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"]) process.removeAllListeners(s);
      clearInterval(poll);
      require("./kernel-main.cjs").startKernel(1000);
      return;
    }
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    }
    process.exit(code ?? 1);
  });
  child.on("error", (err) => {
    process.stderr.write(`launch.cjs: could not start the kernel from its snapshot (${err.message})\n`);
    process.exit(1);
  });
  // Jupyter gone (this process handed to another parent): take the kernel down, then go.
  const parent = process.ppid;
  const poll = setInterval(() => {
    if (process.ppid === parent) return;
    // Asked by us, not a failed start: the exit handler must not fall back to a kernel here.
    signalled = true;
    child.kill("SIGKILL");
  }, 1000);
  poll.unref();
}
