/**
 * JupyterHub for a class on one machine: what `npm run hub` (scripts/hub.ts), the load test
 * (scripts/hub-load.ts) and the hub tests share. JupyterHub 6 from PyPI in the project's .venv
 * (Debian's jupyterhub 3.0 only as the fallback), configurable-http-proxy from npm started on its
 * own, the configuration in jupyter/hub/jupyterhub_config.py, and the hub's state in one folder
 * (.hub/ by default, mode 700). The hub and the proxy's API listen on Unix sockets in that folder,
 * where no student can bind or even connect; only the class's port is TCP, held by the proxy.
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import { createHash, randomBytes } from "crypto";
import { chmodSync, closeSync, cpSync, existsSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeSync } from "fs";
import { request } from "http";
import { createServer } from "net";
import { delimiter, dirname, join } from "path";
import { ROOT, SetupError, log } from "./project";
import { parseArgs as parseUtilArgs, type ParseArgsConfig } from "util";

export const HUB_CONFIG = join(ROOT, "jupyter", "hub", "jupyterhub_config.py");
/** The project's venv (PyPI's JupyterHub 6) first; Debian's python3 (jupyterhub 3.0) as the fallback. */
export const VENV_PYTHON = join(ROOT, ".venv", "bin", "python");
export const DEBIAN_PYTHON = "/usr/bin/python3";
export const PROXY_BIN = join(ROOT, "node_modules", "configurable-http-proxy", "bin", "configurable-http-proxy");
/** What pip installs for the hub (jupyter/requirements.txt pins the same, owned by `npm run setup`). */
export const PIP_HUB = ["jupyterhub==6.1.1", "jupyterhub-idle-culler==2.0.0", "jupyterlab==4.6.6", "notebook==7.6.5"];
/** Debian's packages of the old hub (jupyterhub 3.0); kept for binder's apt list, no longer run. */
export const APT_HUB = ["jupyterhub", "jupyter-notebook"];
/** System users of the hub are this prefix + the hub name (alice -> snstu-alice). */
export const DEFAULT_PREFIX = "snstu-";
/** The comment (GECOS) the hub gives its users: part of its record of which users are its own. */
export const USER_COMMENT = "scratchnet hub user";

/** The state folder: $SCRATCHNET_HUB_STATE (the tests use their own) or .hub/ in the project. */
export function hubStateDir(): string {
  return process.env.SCRATCHNET_HUB_STATE || join(ROOT, ".hub");
}

/** The read-only copy students run from: $SCRATCHNET_HUB_PUBLIC or /srv/scratchnet-hub. */
export function hubPublicDir(): string {
  return process.env.SCRATCHNET_HUB_PUBLIC || "/srv/scratchnet-hub";
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/**
 * The folder of the hub's and the proxy API's Unix sockets: /run/scratchnet-hub/<hash of the state
 * folder> when root (a name of lower-case hex: the socket's path goes into a URL's host part, which
 * JupyterHub lower-cases), else the state folder itself. Root's, mode 700, checked, never a link.
 */
export function hubSocketDir(state: string): string {
  if (process.env.SCRATCHNET_HUB_SOCKETS) return process.env.SCRATCHNET_HUB_SOCKETS;
  if (!isRoot()) return state;
  return join("/run", "scratchnet-hub", createHash("sha256").update(state).digest("hex").slice(0, 16));
}

/** Makes (or checks) the socket folder: ours, mode 700, a real folder; else refuses. */
export function ensureSocketDir(state: string): string {
  const dir = hubSocketDir(state);
  if (dir !== state) {
    mkdirSync(dirname(dir), { recursive: true, mode: 0o755 });
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
  const st = lstatSync(dir);
  if (!st.isDirectory() || st.uid !== process.getuid?.() || (st.mode & 0o077) !== 0) {
    throw new SetupError(`${dir} is not a private folder of this user (mode 700, not a link): not putting the hub's sockets there`);
  }
  if (/[A-Z]/.test(dir)) throw new SetupError(`the hub's sockets need a path without capital letters (JupyterHub lower-cases it): ${dir}; set SCRATCHNET_HUB_SOCKETS`);
  return dir;
}

/** The Unix sockets of the hub and of the proxy's API. */
export function hubSockets(state: string): { hub: string; proxyApi: string } {
  const dir = hubSocketDir(state);
  return { hub: join(dir, "hub.sock"), proxyApi: join(dir, "proxy-api.sock") };
}

const unixUrl = (path: string) => `http+unix://${encodeURIComponent(path)}`;

function hubInstalled(python: string): boolean {
  if (!existsSync(python)) return false;
  return spawnSync(python, ["-c", "import jupyterhub, jupyterhub_idle_culler, jupyterlab"], { stdio: "ignore", timeout: 60_000 }).status === 0;
}

/**
 * The Python that runs the hub: the project's .venv with JupyterHub 6, the idle culler and
 * JupyterLab. Its interpreter must be one every student can run (not under /root, as pyenv's is),
 * since the students' servers run from the public copy of that venv.
 */
export function ensureHub(): string {
  if (!existsSync(PROXY_BIN)) {
    throw new SetupError("configurable-http-proxy is missing from node_modules: run `npm ci` (or `npm install`) first");
  }
  if (hubInstalled(VENV_PYTHON)) {
    const real = readlinkTarget(VENV_PYTHON);
    if (real.startsWith("/root/")) {
      throw new SetupError(`${join(ROOT, ".venv")} runs ${real}, which the students' users cannot run: remake it with /usr/bin/python3 -m venv .venv`);
    }
    return VENV_PYTHON;
  }
  throw new SetupError(
    `JupyterHub 6 is missing from ${join(ROOT, ".venv")}. Install it with:\n` +
      `  /usr/bin/python3 -m venv .venv && .venv/bin/pip install ${PIP_HUB.join(" ")}\n` +
      `(\`npm run setup\` does the same) then run the command again. Debian's jupyterhub 3.0 is not used: ` +
      `it cannot reach a proxy API on a Unix socket, which is what keeps students from standing in for the hub.`,
  );
}

function readlinkTarget(path: string): string {
  let p = path;
  for (let i = 0; i < 10; i++) {
    try {
      const target = readlinkSync(p);
      p = target.startsWith("/") ? target : join(dirname(p), target);
    } catch {
      return p;
    }
  }
  return p;
}

/**
 * The public, read-only copy of what students run: the venv and node_modules (hard links, so it
 * costs no space), dist/, the kernelspec, the kernel's limits preload and prepare_home.py, and the
 * kernels' start-up snapshot built in it. Owned by root, mode 755. The checkout itself is made
 * unreadable to others (mode o-rwx): it holds the solutions, the hub's state and the instructor's
 * notebooks.
 */
export function makePublicCopy(publicDir: string): void {
  const fresh = `${publicDir}.new-${process.pid}`;
  rmSync(fresh, { recursive: true, force: true });
  mkdirSync(fresh, { recursive: true, mode: 0o755 });
  const link = (from: string, to: string) => {
    const r = spawnSync("cp", ["-al", from, to], { encoding: "utf8" });
    if (r.status !== 0) cpSync(from, to, { recursive: true, verbatimSymlinks: true }); // another file system
  };
  link(join(ROOT, ".venv"), join(fresh, "venv"));
  link(join(ROOT, "node_modules"), join(fresh, "node_modules"));
  cpSync(join(ROOT, "dist"), join(fresh, "dist"), { recursive: true });
  cpSync(join(ROOT, "package.json"), join(fresh, "package.json"));
  cpSync(join(ROOT, "jupyter", "kernels"), join(fresh, "jupyter", "kernels"), { recursive: true });
  for (const f of ["kernel-limits.cjs", "prepare_home.py"]) cpSync(join(ROOT, "jupyter", "hub", f), join(fresh, f));
  // node_modules/scratchnet -> .. : the library is the copy's own dist/
  rmSync(join(fresh, "node_modules", "scratchnet"), { force: true });
  symlinkSync("..", join(fresh, "node_modules", "scratchnet"));
  spawnSync("chmod", ["-R", "go-w,a+rX", fresh]);
  const old = `${publicDir}.old-${process.pid}`;
  if (existsSync(publicDir)) renameSync(publicDir, old);
  renameSync(fresh, publicDir);
  rmSync(old, { recursive: true, force: true });
  buildKernelSnapshot(publicDir);
  const mode = statSync(ROOT).mode & 0o777;
  if (mode & 0o007) {
    chmodSync(ROOT, mode & ~0o007);
    log(`made the checkout ${ROOT} private (mode ${(mode & ~0o007).toString(8)}): students use the copy in ${publicDir}`);
  }
}

/**
 * The NODE_OPTIONS of every node process a student runs (jupyterhub_config.py sets it): the
 * preload that explains the memory limit in the notebook (kernel-limits.cjs).
 */
export function studentNodeOptions(publicDir: string): string {
  return `--require=${join(publicDir, "kernel-limits.cjs")}`;
}

/**
 * Builds the kernels' start-up snapshot in the public copy, as root, where students' kernels find
 * it (node_modules/.cache/scratchnet-kernel, readable by all): students cannot write there, so a
 * kernel of theirs cannot build one. Built by the copy's own launcher with the students'
 * NODE_OPTIONS, so that its key is their kernels' key. If it fails, kernels start without it, as
 * before; with SCRATCHNET_KERNEL_SNAPSHOT=0 (as for a kernel on a laptop) none is built.
 */
function buildKernelSnapshot(publicDir: string): void {
  if (process.env.SCRATCHNET_KERNEL_SNAPSHOT === "0") {
    log("SCRATCHNET_KERNEL_SNAPSHOT=0: no start-up snapshot, students' kernels start without one (slower)");
    return;
  }
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: studentNodeOptions(publicDir) };
  delete env.SCRATCHNET_KERNEL_CACHE;
  delete env.SCRATCHNET_KERNEL_MEMORY_MIB;
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [join(publicDir, "jupyter", "kernels", "tslab", "launch.cjs"), "--build-snapshot"], { env, encoding: "utf8" });
  if (r.status === 0) log(`the kernels' start-up snapshot is built (${((Date.now() - t0) / 1000).toFixed(1)} s): ${r.stdout.trim()}`);
  else log(`warning: the kernels' start-up snapshot could not be built, so kernels start without it (slower): ${(r.stderr || String(r.error)).trim().slice(-500)}`);
}

/**
 * Writes `text` to `path` atomically (a temporary file in the same folder, fsync, rename): a crash
 * or a full disk leaves the old file or the new one, never a truncated one.
 */
export function writeFileAtomic(path: string, text: string, mode = 0o600): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w", mode);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/**
 * A secret kept in the state folder (mode 600), made once: the same across restarts. `generated`
 * says whether this call made it. An existing file that is empty (truncated) is an error, never an
 * empty password.
 */
export function stateSecret(state: string, file: string, bytes = 24): { value: string; generated: boolean } {
  const path = join(state, file);
  if (existsSync(path)) {
    const value = readFileSync(path, "utf8").trim();
    if (!value) throw new SetupError(`${path} is empty: delete it (a new secret is made) or run \`npm run hub -- --reset\``);
    return { value, generated: false };
  }
  const value = randomBytes(bytes).toString("base64url");
  writeFileAtomic(path, value + "\n");
  return { value, generated: true };
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
  apiSocket: string;
}

/** The command line of a process, or "" when it is gone. */
function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
  } catch {
    return "";
  }
}

/**
 * The proxy an earlier `npm run hub` started, when it is still that proxy: the recorded pid is
 * alive, owned by us, runs configurable-http-proxy, and is the process listening on the class's
 * port. A pid reused by some other process (a student's) is not taken for the proxy.
 */
export function runningProxy(state: string): ProxyInfo | undefined {
  let info: ProxyInfo;
  try {
    info = JSON.parse(readFileSync(join(state, "proxy.json"), "utf8")) as ProxyInfo;
  } catch {
    return undefined;
  }
  if (!pidAlive(info.pid) || !cmdline(info.pid).includes("configurable-http-proxy")) return undefined;
  if (statSync(`/proc/${info.pid}`).uid !== process.getuid?.()) return undefined;
  return info;
}

/** Every listening TCP socket of this machine (any address): its port and its inode, from /proc/net/tcp and tcp6. */
function listeningSockets(): { port: number; inode: string }[] {
  const sockets: { port: number; inode: string }[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length > 9 && f[3] === "0A") sockets.push({ port: parseInt(f[1].split(":").pop()!, 16), inode: f[9] });
    }
  }
  return sockets;
}

/** The inodes of TCP sockets listening on `port` (any address). */
function listeningInodes(port: number): Set<string> {
  return new Set(listeningSockets().filter((s) => s.port === port).map((s) => s.inode));
}

/** The TCP ports `pid` listens on (any address): none for a kernel on the ipc transport. */
export function tcpPortsOf(pid: number): number[] {
  const mine = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) mine.add(m[1]);
      } catch {
        // closed meanwhile
      }
    }
  } catch {
    return [];
  }
  return listeningSockets().filter((s) => mine.has(s.inode)).map((s) => s.port);
}

/** The pids of the processes listening on TCP `port`: who really serves it. */
export function listenerPids(port: number): number[] {
  const inodes = listeningInodes(port);
  if (!inodes.size) return [];
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target = "";
      try {
        target = readlinkSync(`/proc/${entry}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (m && inodes.has(m[1])) {
        pids.push(Number(entry));
        break;
      }
    }
  }
  return pids;
}

/** Says who holds `port` when it is not `expected`: for the messages of start, restart and --stop. */
export function portHolders(port: number): string {
  return listenerPids(port)
    .map((pid) => {
      let user = "?";
      try {
        user = String(statSync(`/proc/${pid}`).uid);
      } catch {
        // gone
      }
      return `pid ${pid} (uid ${user}: ${cmdline(pid).slice(0, 80)})`;
    })
    .join(", ");
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

/** One request over a Unix socket (fetch cannot): the status, or an error. */
export function unixRequest(socketPath: string, path: string, headers: Record<string, string> = {}, timeoutMs = 5000): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, headers, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end();
  });
}

/**
 * Starts configurable-http-proxy on its own (not as the hub's child), so that a hub restart does
 * not touch the routes to the students' servers. It keeps running when this process exits. Its API
 * and its default target (the hub) are Unix sockets in the state folder; its class's port is
 * checked to be its own once it listens.
 */
export async function startProxy(state: string, ip: string, port: number, token: string): Promise<ProxyInfo> {
  ensureSocketDir(state);
  const sockets = hubSockets(state);
  rmSync(sockets.proxyApi, { force: true });
  const out = openSync(join(state, "proxy.log"), "a", 0o600);
  const child = spawn(
    process.execPath,
    [
      PROXY_BIN,
      "--ip", ip,
      "--port", String(port),
      "--api-socket", sockets.proxyApi,
      "--default-target", unixUrl(sockets.hub),
      "--log-level", "warn",
    ],
    { detached: true, stdio: ["ignore", out, out], env: { ...process.env, CONFIGPROXY_AUTH_TOKEN: token } },
  );
  child.unref();
  const info: ProxyInfo = { pid: child.pid!, ip, port, apiSocket: sockets.proxyApi };
  writeFileAtomic(join(state, "proxy.json"), JSON.stringify(info) + "\n");
  await waitFor(
    async () => {
      if (!pidAlive(info.pid)) throw new Error("exited");
      return (await unixRequest(sockets.proxyApi, "/api/routes", { Authorization: `token ${token}` })) === 200 && listenerPids(port).includes(info.pid);
    },
    30_000,
    `configurable-http-proxy did not start on ${ip}:${port}; see ${join(state, "proxy.log")}`,
  ).catch((e) => {
    if (!pidAlive(info.pid)) throw new SetupError(`configurable-http-proxy exited at start; its log:\n${tail(join(state, "proxy.log"))}`);
    throw e;
  });
  chmodSync(sockets.proxyApi, 0o600);
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
  /** the read-only copy students run from (hubPublicDir) */
  publicDir: string;
  python: string;
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
  maxStudents: number;
  cullMinutes: number;
  /** per-process memory (RLIMIT_DATA) of a student's server and kernels, MiB */
  memoryMiB: number;
  /** processes and threads per student (RLIMIT_NPROC) */
  nproc: number;
  /** niceness of students' processes: the hub and the proxy stay ahead of them */
  nice: number;
  prefix: string;
  homes: string;
  proxyToken: string;
  isolated: boolean;
  cleanupServers?: boolean;
}

/** The environment jupyter/hub/jupyterhub_config.py reads. */
export function hubEnv(s: HubSettings): NodeJS.ProcessEnv {
  const connect = s.ip === "0.0.0.0" ? "127.0.0.1" : s.ip === "::" ? "[::1]" : s.ip.includes(":") ? `[${s.ip}]` : s.ip;
  const env: NodeJS.ProcessEnv = {
    PATH: [dirname(s.python), dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"].join(delimiter),
    LANG: process.env.LANG ?? "C.UTF-8",
    HOME: process.env.HOME,
    PYTHONDONTWRITEBYTECODE: "1",
    // The hub's own Jupyter runtime files (if any) go into the private state folder.
    JUPYTER_RUNTIME_DIR: join(s.state, "runtime"),
    SCRATCHNET_HUB_STATE: s.state,
    SCRATCHNET_HUB_SOCKETS: ensureSocketDir(s.state),
    SCRATCHNET_HUB_PUBLIC: s.publicDir,
    SCRATCHNET_HUB_STUDENT_NODE_OPTIONS: studentNodeOptions(s.publicDir),
    SCRATCHNET_HUB_IP: s.ip,
    SCRATCHNET_HUB_PORT: String(s.port),
    SCRATCHNET_HUB_PUBLIC_URL: `http://${connect}:${s.port}`,
    SCRATCHNET_HUB_PROXY_TOKEN: s.proxyToken,
    SCRATCHNET_HUB_PASSWORD: s.password,
    SCRATCHNET_HUB_ADMIN_PASSWORD: s.adminPassword,
    SCRATCHNET_HUB_ADMIN: s.admin,
    SCRATCHNET_HUB_NOTEBOOKS: s.notebooks,
    SCRATCHNET_HUB_ADMIN_NOTEBOOKS: join(ROOT, "notebooks"),
    SCRATCHNET_HUB_NODE_DIR: dirname(process.execPath),
    SCRATCHNET_HUB_MAX_SERVERS: String(s.maxServers),
    SCRATCHNET_HUB_MAX_SPAWNS: String(s.maxSpawns),
    SCRATCHNET_HUB_MAX_STUDENTS: String(s.maxStudents),
    SCRATCHNET_HUB_CULL_MINUTES: String(s.cullMinutes),
    SCRATCHNET_HUB_MEMORY_MIB: String(s.memoryMiB),
    SCRATCHNET_HUB_NPROC: String(s.nproc),
    SCRATCHNET_HUB_NICE: String(s.nice),
    SCRATCHNET_HUB_PREFIX: s.prefix,
    SCRATCHNET_HUB_HOMES: s.homes,
    SCRATCHNET_HUB_ISOLATED: s.isolated ? "1" : "0",
    SCRATCHNET_HUB_CLEANUP_SERVERS: s.cleanupServers ? "1" : "0",
  };
  if (s.adminToken) env.SCRATCHNET_HUB_ADMIN_TOKEN = s.adminToken;
  return env;
}

/**
 * Starts the hub (its own process); resolves once its API answers on its socket in the state
 * folder (mode 700: nothing but this hub can be there) and the process is still alive.
 */
export async function startHub(s: HubSettings, out: "inherit" | string): Promise<ChildProcess> {
  mkdirSync(join(s.state, "runtime"), { recursive: true, mode: 0o700 });
  const fd = out === "inherit" ? "inherit" : openSync(out, "a", 0o600);
  const child = spawn(s.python, ["-m", "jupyterhub", "-f", HUB_CONFIG], {
    cwd: s.state,
    env: hubEnv(s),
    stdio: ["ignore", fd, fd],
  });
  let exited = false;
  child.once("exit", () => (exited = true));
  const socket = hubSockets(s.state).hub;
  const why = () => `the hub exited while starting${out === "inherit" ? " (its log is above)" : `; its log:\n${tail(out)}`}`;
  // A hub that exits is reported at once (waitFor would take its exit for "not yet").
  await waitFor(async () => exited || (await unixRequest(socket, "/hub/api/").catch(() => 0)) === 200, 120_000, `the hub did not answer on ${socket} within 2 minutes`);
  if (exited) throw new SetupError(why());
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

export interface HubUser {
  name: string;
  uid: number;
  home: string;
}

/**
 * The system users this hub made, by its own record: the name starts with `prefix`, AND the
 * comment is the hub's (USER_COMMENT), AND the home is a folder of `homes`, AND the uid is a
 * regular user's (1000 or more). A prefix alone ("s") would match system users; this cannot.
 */
export function hubUsers(prefix: string, homes: string): HubUser[] {
  return readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .map((line) => line.split(":"))
    .filter((f) => f.length >= 7 && f[0].startsWith(prefix) && f[4].startsWith(USER_COMMENT) && dirname(f[5]) === homes && Number(f[2]) >= 1000 && Number(f[2]) < 60000)
    .map((f) => ({ name: f[0], uid: Number(f[2]), home: f[5] }));
}

/** Users whose name starts with `prefix`, whatever made them (the tests' clean-up, not --remove-users). */
export function systemUsers(prefix: string): HubUser[] {
  return readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .map((line) => line.split(":"))
    .filter((f) => f.length >= 7 && f[0].startsWith(prefix))
    .map((f) => ({ name: f[0], uid: Number(f[2]), home: f[5] }));
}

/** Pids of the live processes owned by `uid` (the owner of /proc/PID); zombies are already dead. */
export function pidsOfUid(uid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (statSync(`/proc/${entry}`).uid === uid && pidAlive(Number(entry))) pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

/** Every process of `uid` killed (SIGKILL, again until none is left: a fork bomb respawns). */
export async function killUid(uid: number): Promise<number[]> {
  const left: number[] = [];
  for (let round = 0; round < 50; round++) {
    const pids = pidsOfUid(uid);
    if (!pids.length) return [];
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone
      }
    }
    await sleep(100);
    left.splice(0, left.length, ...pids);
  }
  return pidsOfUid(uid);
}

/** The files `uid` owns directly in /tmp, /dev/shm and /var/tmp (what outlives its processes). */
export function tmpFilesOf(uid: number): string[] {
  const found: string[] = [];
  for (const dir of ["/tmp", "/dev/shm", "/var/tmp"]) {
    let entries: string[] = [];
    try {
      entries = readdirSync(dir);
    } catch {
      continue;
    }
    for (const e of entries) {
      try {
        if (lstatSync(join(dir, e)).uid === uid) found.push(join(dir, e));
      } catch {
        // gone
      }
    }
  }
  return found;
}

/** What one request to the hub (or a server behind its proxy) answered. */
export interface HubAnswer {
  status: number;
  json: any;
  text: string;
  /** The Location header of a redirect, which says who answered and why. */
  location?: string;
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
  async request(method: string, path: string, body?: unknown, token = this.token): Promise<HubAnswer> {
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

  private async once(method: string, path: string, body: unknown, token: string): Promise<HubAnswer> {
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
    return { status: res.status, json, text, location: res.headers.get("location") ?? undefined };
  }

  /** Like request, but throws with the hub's message unless the status is one of `ok`. */
  async expect(method: string, path: string, ok: number[], body?: unknown, token?: string): Promise<any> {
    const r = await this.request(method, path, body, token);
    if (!ok.includes(r.status)) throw new Error(`${method} ${path}: ${r.status} ${r.json?.message ?? r.text.slice(0, 300)}`);
    return r.json;
  }
}

/**
 * node:util parseArgs for `npm run hub` and `hub:load`, strict, with their errors in words:
 * an unknown option names the command's --help, and an option followed by another option
 * instead of its value ("--port --start") is missing its value.
 */
export function parseHubOptions(command: string, config: ParseArgsConfig): Record<string, string | boolean | undefined> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseUtilArgs(config).values as Record<string, string | boolean | undefined>;
  } catch (e) {
    const m = /Unknown option '([^']+)'/.exec((e as Error).message);
    if (m) throw new SetupError(`unknown option ${m[1]}; see npm run ${command} -- --help`);
    const v = /Option '(?:-\w, )?(--[\w-]+)(?: <value>)?' argument (?:missing|is ambiguous)/.exec((e as Error).message);
    if (v) throw new SetupError(`${v[1]} needs a value`);
    throw new SetupError((e as Error).message);
  }
  for (const [k, v] of Object.entries(values)) {
    if (typeof v === "string" && v.startsWith("--")) throw new SetupError(`--${k} needs a value`);
  }
  return values;
}
