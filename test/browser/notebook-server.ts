// `npm start`'s real Notebook server for the live browser tests (live.test.ts, widgets-live.test.ts):
// started on a free port with a token and a home folder of its own, stopped with its kernels.
import { ChildProcess, spawn } from "child_process";
import { randomBytes } from "crypto";
import { mkdtempSync, rmSync } from "fs";
import { AddressInfo, createServer } from "net";
import { tmpdir } from "os";
import { join } from "path";
import { ROOT } from "../../scripts/lib/project";

export interface NotebookServer {
  base: string; // http://127.0.0.1:PORT
  token: string;
  /** The server's HOME: empty, and it must stay so. */
  home: string;
  /** Everything the server printed so far. */
  log(): string;
  /** Shuts the kernels down through the API, then stops the server (SIGTERM, then SIGKILL after 10 s). */
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** Starts scripts/start.ts (on `port`, else a free one) and waits (up to 120 s) until it answers. */
export async function startNotebookServer(port?: number): Promise<NotebookServer> {
  port ??= await freePort();
  const base = `http://127.0.0.1:${port}`;
  const token = randomBytes(16).toString("hex");
  const home = mkdtempSync(join(tmpdir(), "scratchnet-home-"));
  let log = "";
  // Its own process group, so that the server and its kernels stop together.
  const server: ChildProcess = spawn(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "start.ts"), "--port", String(port), "--no-browser"], {
    cwd: ROOT,
    env: { ...process.env, SCRATCHNET_TOKEN: token, DISPLAY: "", HOME: home },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  server.stdout?.on("data", (d: Buffer) => (log += d.toString()));
  server.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  const stop = async () => {
    if (server.pid && server.exitCode === null) {
      try {
        const sessions = (await (await fetch(`${base}/api/sessions?token=${token}`)).json()) as { id: string }[];
        for (const s of sessions) await fetch(`${base}/api/sessions/${s.id}?token=${token}`, { method: "DELETE" });
      } catch {
        // the server is already gone
      }
      const exited = new Promise((r) => server.once("exit", r));
      process.kill(-server.pid, "SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (server.exitCode === null) process.kill(-server.pid, "SIGKILL");
    }
    rmSync(home, { recursive: true, force: true });
  };
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (server.exitCode !== null) {
      await stop();
      throw new Error(`npm start exited (${server.exitCode}):\n${log}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the notebook server did not answer within 120 s:\n${log}`);
    }
    try {
      if ((await fetch(`${base}/api/status?token=${token}`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { base, token, home, log: () => log, stop };
}
