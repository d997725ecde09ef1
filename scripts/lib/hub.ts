/**
 * JupyterHub for a class on one machine: what `npm run hub` (scripts/hub.ts), the load test
 * (scripts/hub-load.ts) and the hub tests share. The Debian package jupyterhub 3.0 (run by
 * /usr/bin/python3), configurable-http-proxy from npm started on its own, the configuration in
 * jupyter/hub/jupyterhub_config.py, and the hub's state in one folder (.hub/ by default).
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import { randomBytes } from "crypto";
import { chmodSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, writeFileSync } from "fs";
import { createServer } from "net";
import { delimiter, dirname, join } from "path";
import { ROOT, SetupError, log } from "./project";

export const HUB_CONFIG = join(ROOT, "jupyter", "hub", "jupyterhub_config.py");
export const HUB_PYTHON = "/usr/bin/python3";
export const SINGLEUSER = "/usr/bin/jupyterhub-singleuser";
export const PROXY_BIN = join(ROOT, "node_modules", "configurable-http-proxy", "bin", "configurable-http-proxy");
/** Debian packages the hub needs (jupyterhub pulls in the Notebook 6 server it spawns). */
export const APT_HUB = ["jupyterhub", "jupyter-notebook"];
/** System users of the hub are this prefix + the hub name (alice -> snstu-alice). */
export const DEFAULT_PREFIX = "snstu-";

/** The state folder: $SCRATCHNET_HUB_STATE (the tests use their own) or .hub/ in the project. */
export function hubStateDir(): string {
  return process.env.SCRATCHNET_HUB_STATE || join(ROOT, ".hub");
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** The three ports: the class's (the proxy), the proxy's API, the hub's own. */
export function hubPorts(port: number): { port: number; proxyApi: number; hub: number } {
  return { port, proxyApi: port + 1, hub: port + 2 };
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => dir && existsSync(join(dir, command)));
}

function hubInstalled(): boolean {
  if (!existsSync(HUB_PYTHON) || !existsSync(SINGLEUSER)) return false;
  return spawnSync(HUB_PYTHON, ["-c", "import jupyterhub, notebook"], { stdio: "ignore", timeout: 60_000 }).status === 0;
}

/** JupyterHub (Debian) and the proxy (npm): found, or installed with apt the way `npm start` installs Jupyter. */
export function ensureHub(install = true): void {
  if (!existsSync(PROXY_BIN)) {
    throw new SetupError("configurable-http-proxy is missing from node_modules: run `npm ci` (or `npm install`) first");
  }
  if (hubInstalled()) return;
  const command = `sudo apt-get update && sudo apt-get install -y --no-install-recommends ${APT_HUB.join(" ")}`;
  if (install && process.env.SCRATCHNET_NO_INSTALL !== "1" && onPath("apt-get")) {
    const sudo = isRoot() ? [] : ["sudo", "-n"];
    const allowed = !sudo.length || (onPath("sudo") && spawnSync("sudo", ["-n", "true"], { stdio: "ignore" }).status === 0);
    if (allowed) {
      log(`JupyterHub is missing; installing ${APT_HUB.join(" ")} with apt-get`);
      const run = (args: string[]) => {
        const [cmd, ...rest] = [...sudo, ...args];
        return spawnSync(cmd, rest, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } }).status === 0;
      };
      if (run(["apt-get", "update"]) && run(["apt-get", "install", "-y", "--no-install-recommends", ...APT_HUB]) && hubInstalled()) return;
    }
  }
  throw new SetupError(
    `JupyterHub is missing (${HUB_PYTHON} with the jupyterhub and notebook modules, and ${SINGLEUSER}). ` +
      `This hub uses Debian's packages:\n  ${command}\nthen run the command again.`,
  );
}

/** A secret kept in the state folder (mode 600), made once: the same across restarts. */
export function stateSecret(state: string, file: string, bytes = 24): string {
  const path = join(state, file);
  if (existsSync(path)) return readFileSync(path, "utf8").trim();
  const value = randomBytes(bytes).toString("base64url");
  writeFileSync(path, value + "\n", { mode: 0o600 });
  return value;
}

export function ensureStateDir(state: string): void {
  mkdirSync(state, { recursive: true, mode: 0o700 });
  chmodSync(state, 0o700);
}

export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
  // a zombie is not alive
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

function readPid(path: string): number {
  try {
    return Number(readFileSync(path, "utf8").trim());
  } catch {
    return 0;
  }
}

/** The pid of the hub recorded in the state folder, when that process is alive. */
export function runningHubPid(state: string): number {
  const pid = readPid(join(state, "jupyterhub.pid"));
  return pidAlive(pid) ? pid : 0;
}

export interface ProxyInfo {
  pid: number;
  ip: string;
  port: number;
  apiPort: number;
  hubPort: number;
}

export function runningProxy(state: string): ProxyInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(join(state, "proxy.json"), "utf8")) as ProxyInfo;
    return pidAlive(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

/** True when nothing listens on 127.0.0.1 (or `host`) port `port`. */
export function portFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 250 ms until it returns true; throws `message` after `ms`. */
export async function waitFor(check: () => Promise<boolean> | boolean, ms: number, message: string): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(message);
    await sleep(250);
  }
}

/**
 * Starts configurable-http-proxy on its own (not as the hub's child), so that a hub restart does
 * not touch the routes to the students' servers. It keeps running when this process exits.
 */
export async function startProxy(state: string, ip: string, port: number, token: string): Promise<ProxyInfo> {
  const ports = hubPorts(port);
  const out = openSync(join(state, "proxy.log"), "a", 0o600);
  const child = spawn(
    process.execPath,
    [
      PROXY_BIN,
      "--ip", ip,
      "--port", String(ports.port),
      "--api-ip", "127.0.0.1",
      "--api-port", String(ports.proxyApi),
      "--default-target", `http://127.0.0.1:${ports.hub}`,
      "--error-target", `http://127.0.0.1:${ports.hub}/hub/error`,
      "--log-level", "warn",
    ],
    { detached: true, stdio: ["ignore", out, out], env: { ...process.env, CONFIGPROXY_AUTH_TOKEN: token } },
  );
  child.unref();
  const info: ProxyInfo = { pid: child.pid!, ip, port: ports.port, apiPort: ports.proxyApi, hubPort: ports.hub };
  writeFileSync(join(state, "proxy.json"), JSON.stringify(info) + "\n", { mode: 0o600 });
  await waitFor(
    async () => {
      if (!pidAlive(info.pid)) throw new Error("exited");
      const res = await fetch(`http://127.0.0.1:${ports.proxyApi}/api/routes`, { headers: { Authorization: `token ${token}` } });
      return res.ok;
    },
    30_000,
    `configurable-http-proxy did not start on ${ip}:${port}; see ${join(state, "proxy.log")}`,
  ).catch((e) => {
    if (!pidAlive(info.pid)) throw new SetupError(`configurable-http-proxy exited at start; its log:\n${tail(join(state, "proxy.log"))}`);
    throw e;
  });
  return info;
}

export function tail(path: string, chars = 2000): string {
  try {
    return readFileSync(path, "utf8").slice(-chars);
  } catch {
    return "(no log)";
  }
}

export interface HubSettings {
  state: string;
  ip: string;
  port: number;
  password: string;
  adminPassword: string;
  admin: string;
  adminToken?: string;
  /** the folder of notebooks students get */
  notebooks: string;
  maxServers: number;
  maxSpawns: number;
  cullMinutes: number;
  prefix: string;
  homes: string;
  proxyToken: string;
  isolated: boolean;
  cleanupServers?: boolean;
}

/** The environment jupyter/hub/jupyterhub_config.py reads. */
export function hubEnv(s: HubSettings): NodeJS.ProcessEnv {
  const ports = hubPorts(s.port);
  const env: NodeJS.ProcessEnv = {
    PATH: [dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"].join(delimiter),
    LANG: process.env.LANG ?? "C.UTF-8",
    HOME: process.env.HOME,
    PYTHONDONTWRITEBYTECODE: "1",
    SCRATCHNET_HUB_ROOT: ROOT,
    SCRATCHNET_HUB_STATE: s.state,
    SCRATCHNET_HUB_IP: s.ip,
    SCRATCHNET_HUB_PORT: String(ports.port),
    SCRATCHNET_HUB_PROXY_API_PORT: String(ports.proxyApi),
    SCRATCHNET_HUB_HUB_PORT: String(ports.hub),
    SCRATCHNET_HUB_PROXY_TOKEN: s.proxyToken,
    SCRATCHNET_HUB_PASSWORD: s.password,
    SCRATCHNET_HUB_ADMIN_PASSWORD: s.adminPassword,
    SCRATCHNET_HUB_ADMIN: s.admin,
    SCRATCHNET_HUB_NOTEBOOKS: s.notebooks,
    SCRATCHNET_HUB_ADMIN_NOTEBOOKS: join(ROOT, "notebooks"),
    SCRATCHNET_HUB_NODE_DIR: dirname(process.execPath),
    SCRATCHNET_HUB_MAX_SERVERS: String(s.maxServers),
    SCRATCHNET_HUB_MAX_SPAWNS: String(s.maxSpawns),
    SCRATCHNET_HUB_CULL_MINUTES: String(s.cullMinutes),
    SCRATCHNET_HUB_PREFIX: s.prefix,
    SCRATCHNET_HUB_HOMES: s.homes,
    SCRATCHNET_HUB_ISOLATED: s.isolated ? "1" : "0",
    SCRATCHNET_HUB_CLEANUP_SERVERS: s.cleanupServers ? "1" : "0",
  };
  if (s.adminToken) env.SCRATCHNET_HUB_ADMIN_TOKEN = s.adminToken;
  return env;
}

/** Starts the hub (its own process); resolves once its API answers. `out` is a log file, or the terminal. */
export async function startHub(s: HubSettings, out: "inherit" | string): Promise<ChildProcess> {
  const fd = out === "inherit" ? "inherit" : openSync(out, "a", 0o600);
  const child = spawn(HUB_PYTHON, ["-m", "jupyterhub", "-f", HUB_CONFIG], {
    cwd: s.state,
    env: hubEnv(s),
    stdio: ["ignore", fd, fd],
  });
  let exited = false;
  child.once("exit", () => (exited = true));
  const hubApi = `http://127.0.0.1:${hubPorts(s.port).hub}/hub/api/`;
  await waitFor(
    async () => {
      if (exited) throw new SetupError(`the hub exited while starting${out === "inherit" ? " (its log is above)" : `; its log:\n${tail(out)}`}`);
      return (await fetch(hubApi, { signal: AbortSignal.timeout(5000) })).ok;
    },
    120_000,
    `the hub did not answer on ${hubApi} within 2 minutes`,
  );
  return child;
}

/** Stops a process and waits for it to be gone: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopPid(pid: number, graceMs = 20_000): Promise<void> {
  if (!pidAlive(pid)) return;
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (pidAlive(pid) && Date.now() < deadline) await sleep(100);
  if (pidAlive(pid)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
    while (pidAlive(pid)) await sleep(50);
  }
}

/** System users made by the hub: those whose name starts with `prefix`. */
export function systemUsers(prefix: string): { name: string; uid: number; home: string }[] {
  return readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .map((line) => line.split(":"))
    .filter((f) => f.length >= 7 && f[0].startsWith(prefix))
    .map((f) => ({ name: f[0], uid: Number(f[2]), home: f[5] }));
}

/** Pids of the processes whose real uid is `uid`. */
export function pidsOfUid(uid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, "utf8");
      const m = /^Uid:\s+(\d+)/m.exec(status);
      if (m && Number(m[1]) === uid) pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

/** A small client for the hub's REST API and the users' servers behind the proxy. */
export class HubClient {
  constructor(
    readonly base: string, // http://127.0.0.1:8000
    readonly token: string,
  ) {}

  /** Network errors retried so far (idempotent requests only), for the load test's report. */
  retries: string[] = [];

  /**
   * One request. A network error (a kept-alive connection closed under us, a reset) is retried up
   * to 3 times for idempotent methods (GET, PUT, DELETE), as a browser retries them, and recorded
   * in `retries`; otherwise it is thrown with its cause.
   */
  async request(method: string, path: string, body?: unknown, token = this.token): Promise<{ status: number; json: any; text: string }> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(method, path, body, token);
      } catch (e) {
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        const why = `${method} ${path.replace(/token=[^&]+/, "token=…")}: ${(e as Error).message}${cause ? ` (${cause.code ?? ""} ${cause.message ?? ""})` : ""}`;
        if (attempt > 3 || !["GET", "PUT", "DELETE"].includes(method) || (e as Error).name === "TimeoutError") throw new Error(why);
        this.retries.push(why);
        await sleep(500 * attempt);
      }
    }
  }

  private async once(method: string, path: string, body: unknown, token: string): Promise<{ status: number; json: any; text: string }> {
    const res = await fetch(this.base + path, {
      method,
      headers: { Authorization: `token ${token}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: "manual",
      signal: AbortSignal.timeout(300_000),
    });
    const text = await res.text();
    let json: any = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON
    }
    return { status: res.status, json, text };
  }

  /** Like request, but throws with the hub's message unless the status is one of `ok`. */
  async expect(method: string, path: string, ok: number[], body?: unknown, token?: string): Promise<any> {
    const r = await this.request(method, path, body, token);
    if (!ok.includes(r.status)) throw new Error(`${method} ${path}: ${r.status} ${r.json?.message ?? r.text.slice(0, 300)}`);
    return r.json;
  }
}
