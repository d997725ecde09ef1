// `npm start`'s real Jupyter server for the live browser tests: JupyterLab 4 (the default),
// Notebook 7 (`--notebook`) or the classic Notebook 6.4 (Debian's, the fallback without PyPI),
// started on a free port with a token and a home folder of its own, stopped with its kernels.
import { ChildProcess, spawn } from "child_process";
import { randomBytes } from "crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { AddressInfo, createServer } from "net";
import { tmpdir } from "os";
import { dirname, join } from "path";
import { classicPython, ROOT } from "../../scripts/lib/project";

export interface NotebookServer {
  base: string; // http://127.0.0.1:PORT
  token: string;
  /** The server's HOME: empty, and it must stay so. */
  home: string;
  /** Its Jupyter state folder (SCRATCHNET_JUPYTER_STATE): runtime/ holds the token. */
  state: string;
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

/** The interfaces `npm start` opens. */
export type Ui = "lab" | "notebook" | "classic";

/** Debian's Python when it has the classic Notebook 6.4 (jupyter-notebook), else undefined. */
export { classicPython };

/** Starts scripts/start.ts (on `port`, else a free one) and waits (up to 120 s) until it answers. */
export async function startNotebookServer(ui: Ui = "lab", port?: number): Promise<NotebookServer> {
  port ??= await freePort();
  const base = `http://127.0.0.1:${port}`;
  const token = randomBytes(16).toString("hex");
  const home = mkdtempSync(join(tmpdir(), "scratchnet-home-"));
  // Jupyter's config, data and runtime of its own (never the user's .jupyter/), with JupyterLab's
  // autosave off (the notebook file must not change) and no question about fetching news.
  const state = mkdtempSync(join(tmpdir(), "scratchnet-jupyter-"));
  const settings = join(state, "config", "lab", "user-settings", "@jupyterlab");
  const setting = (plugin: string, value: object) => {
    mkdirSync(join(settings, dirname(plugin)), { recursive: true });
    writeFileSync(join(settings, `${plugin}.jupyterlab-settings`), JSON.stringify(value));
  };
  setting("docmanager-extension/plugin", { autosave: false });
  setting("apputils-extension/notification", { fetchNews: "false" });
  let log = "";
  // Its own process group, so that the server and its kernels stop together.
  const classic = ui === "classic" ? classicPython() : undefined;
  if (ui === "classic" && !classic) throw new Error("the classic Notebook 6.4 (Debian's jupyter-notebook) is not installed");
  const args = ["--import", "tsx", join(ROOT, "scripts", "start.ts"), "--port", String(port), "--no-browser", ...(ui === "notebook" ? ["--notebook"] : [])];
  const server: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, SCRATCHNET_TOKEN: token, DISPLAY: "", HOME: home, SCRATCHNET_JUPYTER_STATE: state, ...(classic ? { SCRATCHNET_PYTHON: classic } : {}) },
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
    rmSync(state, { recursive: true, force: true });
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
  return { base, token, home, state, log: () => log, stop };
}
