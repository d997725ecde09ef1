/**
 * A hub of its own for the tests and `npm run hub:load -- --start`: the real `npm run hub`
 * (scripts/hub.ts) in a child process, with its state, homes and system users under names and
 * folders nobody else uses, and a stop() that removes every process, user and folder it made,
 * whatever state the run left things in.
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import { randomBytes } from "crypto";
import { IncomingHttpHeaders, request as httpRequest } from "http";
import { chmodSync, existsSync, mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { ROOT } from "./project";
import { HubClient, hubSocketDir, isRoot, killUid, pidsOfUid, portFree, runningHubPid, runningProxy, stopPid, systemUsers, tail, tmpFilesOf, waitFor } from "./hub";

export interface TestHubOptions {
  port?: number;
  maxServers?: number;
  maxSpawns?: number;
  maxStudents?: number;
  memoryMiB?: number;
  nproc?: number;
  cullMinutes?: number;
  edition?: "student" | "instructor";
  /** a label in the folder and user names, so that leftovers say where they came from */
  label?: string;
}

/** The ports the hub tests may use (this machine's share): 9000-9099. */
export const TEST_PORTS = { from: 9000, to: 9099 };

/** A free port of TEST_PORTS, trying from a random one (the hub needs one: the rest are Unix sockets). */
export async function freePort(): Promise<number> {
  const span = TEST_PORTS.to - TEST_PORTS.from + 1;
  const start = Math.floor(Math.random() * span);
  for (let i = 0; i < span; i++) {
    const port = TEST_PORTS.from + ((start + i) % span);
    if (await portFree(port)) return port;
  }
  throw new Error(`no free port in ${TEST_PORTS.from}-${TEST_PORTS.to}`);
}

export class TestHub {
  readonly dir: string;
  readonly state: string;
  readonly homes: string;
  readonly publicDir: string;
  readonly prefix: string;
  readonly adminToken = randomBytes(24).toString("hex");
  /** the class password; a test may change it before a restart */
  password = randomBytes(9).toString("base64url");
  readonly adminPassword = randomBytes(9).toString("base64url");
  readonly log: string;
  port = 0;
  hubts?: ChildProcess;
  private hubtsOutput = "";
  private options: TestHubOptions;

  constructor(options: TestHubOptions = {}) {
    if (!isRoot()) throw new Error("the hub tests run as root: they create system users for the students");
    this.options = options;
    const tag = `${options.label ?? "t"}${randomBytes(2).toString("hex")}`;
    // a short folder: the kernels' Unix sockets are under it, and a socket's path has at most 107 bytes
    // (the users' names carry the tag: they say where leftovers came from)
    this.dir = mkdtempSync(join(tmpdir(), "snh-"));
    chmodSync(this.dir, 0o755); // the students' homes are inside; each home itself is 700
    this.state = join(this.dir, "state");
    this.homes = join(this.dir, "h");
    this.publicDir = join(this.dir, "public");
    this.prefix = `snstu-${tag}-`;
    this.log = join(this.dir, "hub.log");
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get admin(): HubClient {
    return new HubClient(this.base, this.adminToken);
  }

  env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      SCRATCHNET_HUB_STATE: this.state,
      SCRATCHNET_HUB_HOMES: this.homes,
      SCRATCHNET_HUB_PUBLIC: this.publicDir,
      SCRATCHNET_HUB_PREFIX: this.prefix,
      SCRATCHNET_HUB_PASSWORD: this.password,
      SCRATCHNET_HUB_ADMIN_PASSWORD: this.adminPassword,
      SCRATCHNET_HUB_ADMIN_TOKEN: this.adminToken,
    };
  }

  private args(extra: string[] = []): string[] {
    const o = this.options;
    return [
      "--import", "tsx", join(ROOT, "scripts", "hub.ts"),
      "--port", String(this.port),
      "--log", this.log,
      "--max-servers", String(o.maxServers ?? 40),
      "--max-spawns", String(o.maxSpawns ?? 40),
      "--max-students", String(o.maxStudents ?? 60),
      "--memory", String(o.memoryMiB ?? 1024),
      "--nproc", String(o.nproc ?? 256),
      "--cull-idle", String(o.cullMinutes ?? 0),
      "--edition", o.edition ?? "student",
      ...extra,
    ];
  }

  /** `npm run hub` in a child process; resolves once the hub's API answers through the proxy. */
  async start(): Promise<void> {
    if (!this.port) this.port = this.options.port ?? (await freePort());
    spawnSync("mkdir", ["-p", this.homes]);
    chmodSync(this.homes, 0o755);
    this.hubtsOutput = "";
    const child = spawn(process.execPath, this.args(), { cwd: ROOT, env: this.env(), stdio: ["ignore", "pipe", "pipe"] });
    child.stdout!.on("data", (d: Buffer) => (this.hubtsOutput += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (this.hubtsOutput += d.toString()));
    this.hubts = child;
    let exited = false;
    child.once("exit", () => (exited = true));
    await waitFor(
      async () => {
        if (exited) return true; // reported below, at once
        const up = this.hubtsOutput.includes("JupyterHub for the class") || this.hubtsOutput.includes("the hub is back");
        return up && (await fetch(`${this.base}/hub/api/`, { signal: AbortSignal.timeout(5000) })).ok;
      },
      180_000,
      "timeout",
    ).catch(() => (exited = true));
    if (exited) throw new Error(`npm run hub did not come up:\n${this.hubtsOutput}\n--- hub log ---\n${tail(this.log, 3000)}`);
  }

  output(): string {
    return this.hubtsOutput;
  }

  /**
   * What to read when a request got an answer it should not have, shortest first (CI shows the
   * start of a long message): the proxy's errors (a 503 names its cause: refused, reset, no such
   * socket), whether `npm run hub` saw the hub exit, the hub's errors and warnings; then the ends
   * of the three logs.
   */
  diagnosis(): string {
    const proxyLog = tail(join(this.state, "proxy.log"), 20_000);
    const hubLog = tail(this.log, 200_000);
    const lines = (text: string, pattern: RegExp, n: number) => text.split("\n").filter((l) => pattern.test(l)).slice(-n).join("\n") || "(none)";
    return (
      `\n--- in short ---\nproxy errors: ${lines(proxyLog, /error|\b50\d\b/i, 4)}` +
      `\nnpm run hub: ${lines(this.hubtsOutput, /exited|is back|restart/, 3)}` +
      `\nhub errors and warnings: ${lines(hubLog, /^\[(E|W|C) /, 6)}` +
      `\n--- npm run hub said ---\n${this.hubtsOutput.slice(-1500)}\n--- proxy.log ---\n${proxyLog.slice(-1500)}` +
      `\n--- the hub's log ends ---\n${hubLog.slice(-3000)}`
    );
  }

  /** The instructor's restart: Ctrl-C (SIGINT) to `npm run hub`, then `npm run hub` again. */
  async restart(): Promise<void> {
    await this.stopHubts();
    if (runningHubPid(this.state)) throw new Error("the hub was still running after npm run hub stopped");
    await this.start();
  }

  async stopHubts(): Promise<void> {
    const child = this.hubts;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const done = new Promise((r) => child.once("exit", r));
    child.kill("SIGINT");
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise((r) => (timer = setTimeout(r, 60_000)))]);
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await done;
    }
  }

  /** Runs scripts/hub.ts with other arguments (for --stop, --reset ...), returns its output. */
  run(args: string[], input?: string, env: NodeJS.ProcessEnv = {}): { status: number | null; output: string } {
    const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "hub.ts"), ...args], {
      cwd: ROOT,
      // a variable given as undefined is removed, not passed as the text "undefined"
      env: Object.fromEntries(Object.entries({ ...this.env(), ...env }).filter(([, v]) => v !== undefined)),
      encoding: "utf8",
      input,
      timeout: 300_000,
    });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  }

  /** Removes everything: hub, servers, kernels, proxy, system users, homes, folders. Never throws. */
  async stop(): Promise<string[]> {
    const notes: string[] = [];
    try {
      await this.stopHubts();
      if (existsSync(this.state)) {
        const r = this.run(["--stop", "--port", String(this.port)]);
        if (r.status !== 0) notes.push(`hub --stop: ${r.output.slice(-500)}`);
      }
    } catch (e) {
      notes.push(String(e));
    }
    // Whatever is left, by the pids this hub recorded and the uids of its users.
    const hub = runningHubPid(this.state);
    if (hub) await stopPid(hub, 5000);
    const proxy = runningProxy(this.state);
    if (proxy) await stopPid(proxy.pid, 5000);
    for (const user of systemUsers(this.prefix)) {
      const pids = pidsOfUid(user.uid);
      if (pids.length) notes.push(`left running: ${user.name} pids ${pids.join(" ")}`);
      await killUid(user.uid);
      for (const f of tmpFilesOf(user.uid)) rmSync(f, { recursive: true, force: true });
      const r = spawnSync("userdel", ["--remove", user.name], { encoding: "utf8" });
      if (r.status !== 0 && r.status !== 12) notes.push(`userdel ${user.name}: ${r.stderr}`);
      spawnSync("groupdel", [user.name], { stdio: "ignore" });
    }
    rmSync(this.dir, { recursive: true, force: true });
    const sockets = hubSocketDir(this.state);
    if (sockets !== this.state) rmSync(sockets, { recursive: true, force: true });
    return notes;
  }
}


export interface LoginResult {
  status: number;
  location: string;
  body: string;
  /** the cookies set, as a Cookie header */
  cookie: string;
  setCookie: string[];
  /** how long the POST took: the hub's delay after failed logins shows here */
  ms: number;
}

/** A Cookie header carrying what Set-Cookie lines set (their name=value parts). */
const cookieHeader = (setCookie: string[]) => setCookie.map((c) => c.split(";")[0]).join("; ");

/** One request as a browser's navigation sends it (node:http: Node's fetch always says `Sec-Fetch-Mode: cors`). */
function navigate(url: string, cookie = "", form?: URLSearchParams): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const body = form?.toString();
  const headers: Record<string, string> = { "User-Agent": "scratchnet-hub-test", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Site": form ? "same-origin" : "none" };
  if (cookie) headers.Cookie = cookie;
  if (body !== undefined) Object.assign(headers, { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(Buffer.byteLength(body)) });
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: form ? "POST" : "GET", headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * Logs in through the login form as a browser does: GET the page, which sets the _xsrf cookie
 * and fills the form's _xsrf field (JupyterHub 4 and later require both), then POST the form
 * with that cookie.
 *
 * Why a browser's navigation and not `fetch`: JupyterHub sets the _xsrf cookie only for a
 * navigation (`Sec-Fetch-Mode: navigate`), and Node's fetch always sends `cors`. Without the
 * cookie, the hub signs the token anew for each request, with the time in seconds in it, so a
 * form posted in the next second was refused ("XSRF cookie does not match POST argument"): the
 * hub tests' rare 403s on login.
 */
export async function formLogin(base: string, username: string, password: string): Promise<LoginResult> {
  const page = await navigate(`${base}/hub/login`);
  const xsrf = /name="_xsrf" value="([^"]+)"/.exec(page.body)?.[1] ?? "";
  const pageCookie = cookieHeader(page.headers["set-cookie"] ?? []);
  const t0 = Date.now();
  const res = await navigate(`${base}/hub/login`, pageCookie, new URLSearchParams({ username, password, _xsrf: xsrf }));
  const ms = Date.now() - t0;
  const setCookie = res.headers["set-cookie"] ?? [];
  const location = res.headers.location ?? "";
  return { status: res.status, location, body: res.body, cookie: cookieHeader(setCookie), setCookie, ms };
}
