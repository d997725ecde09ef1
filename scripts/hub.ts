/**
 * `npm run hub`: the course for a class, on JupyterHub 6 (the project's .venv) served from this
 * checkout. `npm run hub -- --help` lists the options; docs/hub.md says what a student can and
 * cannot do, and which test shows it.
 *   npm run hub [-- --port 8000 --listen 0.0.0.0 --memory 1024 --nproc 256 --max-students 60 ...]
 *   npm run hub -- --stop                 stop every student's server and process, and the proxy
 *   npm run hub -- --reset [--yes]        clear the hub's state (.hub/) after asking
 *   npm run hub -- --remove-users [--yes] delete the hub's system users, homes and /tmp files, after asking
 * The class password is SCRATCHNET_HUB_PASSWORD (at least 8 characters), the instructor's
 * SCRATCHNET_HUB_ADMIN_PASSWORD; either is generated (and kept in .hub/) when not set.
 * SCRATCHNET_HUB_ADMIN_TOKEN, when set, is an admin API token for scripts. The proxy runs on its own
 * and outlives the hub: Ctrl-C stops the hub and leaves every student's server and kernel running,
 * and `npm run hub` again re-attaches them. The hub and the proxy's API are Unix sockets in a
 * folder of root's; only the class's port is TCP, and `npm run hub` refuses one someone else holds.
 */
import { ChildProcess, spawnSync } from "child_process";
import { createHash } from "crypto";
import { existsSync, readFileSync, rmSync } from "fs";
import { createInterface } from "readline";
import { join, relative } from "path";
import { NOTEBOOKS, ROOT, SetupError, buildLibrary, linkLibrary, log } from "./lib/project";
import {
  DEFAULT_PREFIX,
  hubStateDir,
  HubSettings,
  ensureHub,
  ensureStateDir,
  hubPublicDir,
  hubSocketDir,
  hubUsers,
  isRoot,
  killUid,
  listenerPids,
  makePublicCopy,
  portFree,
  portHolders,
  runningHubPid,
  runningProxy,
  sleep,
  startHub,
  startProxy,
  stateSecret,
  stopPid,
  tmpFilesOf,
  writeFileAtomic,
  parseHubOptions,
} from "./lib/hub";
import { STUDENT, writeStudentNotebooks } from "./student";

/** The shortest class password `npm run hub` accepts (a generated one is longer). */
export const MIN_PASSWORD = 8;

const OPTIONS = {
  port: { type: "string", default: "8000" },
  listen: { type: "string", default: "127.0.0.1" },
  edition: { type: "string", default: "student" },
  admin: { type: "string", default: "instructor" },
  "max-servers": { type: "string", default: "40" },
  "max-spawns": { type: "string", default: "10" },
  "max-students": { type: "string", default: "60" },
  "cull-idle": { type: "string", default: "60" },
  memory: { type: "string", default: "1024" },
  nproc: { type: "string", default: "256" },
  nice: { type: "string", default: "5" },
  log: { type: "string" },
  stop: { type: "boolean", default: false },
  reset: { type: "boolean", default: false },
  "remove-users": { type: "boolean", default: false },
  yes: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

export const HELP = `npm run hub [-- options]: the course for a class on JupyterHub (docs/hub.md)
  --port N            the class's port (default 8000); the hub and the proxy's API use Unix sockets
  --listen IP         the address to serve (default 127.0.0.1; 0.0.0.0 for the room's network)
  --edition E         student (default) or instructor: the notebooks students get
  --admin NAME        the instructor's hub name (default instructor)
  --max-servers N     servers running at once (default 40)
  --max-spawns N      servers starting at once (default 10)
  --max-students N    accounts the class password may create (default 60)
  --cull-idle MIN     idle kernels and servers stop after MIN minutes (default 60, 0: never)
  --memory MIB        memory of each student process, MiB (default 1024)
  --nproc N           processes and threads per student (default 256)
  --nice N            niceness of students' processes (default 5)
  --log FILE          the hub's log into FILE instead of the terminal
  --stop              stop every student's server and process, and the proxy
  --reset [--yes]     clear the hub's state (.hub/) after asking
  --remove-users [--yes]  delete the hub's system users, their homes and their /tmp and /dev/shm files
  --help              this text
Passwords: SCRATCHNET_HUB_PASSWORD (the class's, at least ${MIN_PASSWORD} characters) and
SCRATCHNET_HUB_ADMIN_PASSWORD; each is generated (kept in .hub/) when not set.`;

/** The command's options: the class's settings (documented on HubSettings) and what to do. */
export interface HubArgs extends Pick<HubSettings, "port" | "admin" | "maxServers" | "maxSpawns" | "maxStudents" | "cullMinutes" | "memoryMiB" | "nproc" | "nice"> {
  listen: string;
  edition: "student" | "instructor";
  log?: string;
  stop: boolean;
  reset: boolean;
  removeUsers: boolean;
  yes: boolean;
  help: boolean;
}

function positiveInt(flag: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new SetupError(`${flag} needs a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : " up"}, got "${value}"`);
  return n;
}

export function parseArgs(argv: string[]): HubArgs {
  const values = parseHubOptions("hub", { args: argv, options: OPTIONS, strict: true, allowPositionals: false });
  const str = (k: string) => values[k] as string;
  const port = positiveInt("--port", str("port"), 1, 65535);
  const edition = str("edition");
  if (edition !== "student" && edition !== "instructor") throw new SetupError(`--edition is student or instructor, got "${edition}"`);
  const admin = str("admin");
  if (!/^[a-z][a-z0-9_-]{0,19}$/.test(admin)) throw new SetupError(`--admin "${admin}" is not a valid name (lower-case letters, digits, - or _, starting with a letter)`);
  const cull = Number(str("cull-idle"));
  if (!Number.isFinite(cull) || cull < 0) throw new SetupError(`--cull-idle is minutes (0 turns culling off), got "${str("cull-idle")}"`);
  const listen = str("listen");
  if (!/^[0-9.]+$|^[0-9a-f:]+$/i.test(listen)) throw new SetupError(`--listen takes an IP address of this machine (for example 0.0.0.0), got "${listen}"`);
  return {
    port,
    listen,
    edition,
    admin,
    maxServers: positiveInt("--max-servers", str("max-servers"), 1),
    maxSpawns: positiveInt("--max-spawns", str("max-spawns"), 1),
    maxStudents: positiveInt("--max-students", str("max-students"), 1),
    cullMinutes: cull,
    memoryMiB: positiveInt("--memory", str("memory"), 256),
    nproc: positiveInt("--nproc", str("nproc"), 32),
    nice: positiveInt("--nice", str("nice"), 0, 19),
    log: values.log as string | undefined,
    stop: !!values.stop,
    reset: !!values.reset,
    removeUsers: !!values["remove-users"],
    yes: !!values.yes,
    help: !!values.help,
  };
}

async function confirm(question: string, yes: boolean): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY) throw new SetupError(`${question}\nNo terminal to ask in: add --yes to go ahead.`);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await new Promise<string>((r) => rl.question(`${question} Type yes to go ahead: `, r));
  rl.close();
  return answer.trim().toLowerCase() === "yes";
}

const prefix = () => process.env.SCRATCHNET_HUB_PREFIX || DEFAULT_PREFIX;
const homes = () => process.env.SCRATCHNET_HUB_HOMES || "/home";

/** A password from the environment when set there (never empty, the class's long enough), else the state folder's. */
function password(variable: string, state: string, file: string, bytes: number, min: number): { value: string; generated: boolean } {
  const env = process.env[variable];
  if (env !== undefined) {
    if (!env.trim()) throw new SetupError(`${variable} is set but empty: an empty password would let anyone in. Set one, or unset it to have one generated.`);
    if (env.length < min) throw new SetupError(`${variable} is ${env.length} characters: the class password needs at least ${min}.`);
    return { value: env, generated: false };
  }
  return stateSecret(state, file, bytes);
}

export interface Passwords {
  password: string;
  adminPassword: string;
  adminGenerated: boolean;
}

function settings(args: HubArgs, state: string, python: string, notebooks: string, extra: Partial<HubSettings> = {}): HubSettings & Passwords {
  const cls = password("SCRATCHNET_HUB_PASSWORD", state, "class_password", 9, MIN_PASSWORD);
  const adm = password("SCRATCHNET_HUB_ADMIN_PASSWORD", state, "admin_password", 12, MIN_PASSWORD);
  return {
    state,
    publicDir: hubPublicDir(),
    python,
    ip: args.listen,
    port: args.port,
    password: cls.value,
    adminPassword: adm.value,
    adminGenerated: adm.generated,
    admin: args.admin,
    adminToken: process.env.SCRATCHNET_HUB_ADMIN_TOKEN || undefined,
    notebooks,
    maxServers: args.maxServers,
    maxSpawns: args.maxSpawns,
    maxStudents: args.maxStudents,
    cullMinutes: args.cullMinutes,
    memoryMiB: args.memoryMiB,
    nproc: args.nproc,
    nice: args.nice,
    prefix: prefix(),
    homes: homes(),
    proxyToken: stateSecret(state, "proxy_token", 32).value,
    isolated: isRoot(),
    ...extra,
  };
}

/**
 * A new class password ends every session made with the old one: the cookie secret is replaced
 * (every login cookie becomes invalid) and the tokens that logins handed to students' servers
 * are deleted from the hub's database.
 */
function endOldSessions(s: HubSettings): boolean {
  const file = join(s.state, "class_password.sha256");
  const digest = createHash("sha256").update(s.password).digest("hex");
  const before = existsSync(file) ? readFileSync(file, "utf8").trim() : "";
  if (before === digest) return false;
  writeFileAtomic(file, digest + "\n");
  if (!before) return false;
  rmSync(join(s.state, "jupyterhub_cookie_secret"), { force: true });
  const db = join(s.state, "jupyterhub.sqlite");
  if (existsSync(db)) {
    const r = spawnSync(s.python, ["-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('DELETE FROM api_tokens WHERE session_id IS NOT NULL'); c.execute('DELETE FROM oauth_codes'); c.commit()", db], { encoding: "utf8" });
    if (r.status !== 0) throw new SetupError(`could not revoke the old sessions' tokens: ${r.stderr}`);
  }
  return true;
}

/** The proxy of an earlier run when it is still ours on the same address, else a new one. */
async function ensureProxy(s: HubSettings): Promise<void> {
  const running = runningProxy(s.state);
  if (running) {
    if (running.ip !== s.ip || running.port !== s.port) {
      throw new SetupError(
        `the proxy of an earlier \`npm run hub\` is still serving ${running.ip}:${running.port} (pid ${running.pid}); ` +
          `run \`npm run hub -- --stop\` before changing the address or port`,
      );
    }
    const holders = listenerPids(s.port);
    if (!holders.includes(running.pid) || holders.length > 1) {
      throw new SetupError(`port ${s.port} is not (only) the hub's proxy's (pid ${running.pid}): held by ${portHolders(s.port) || "nobody"}. Not starting.`);
    }
    log(`re-using the proxy already running on ${running.ip}:${running.port} (pid ${running.pid})`);
    return;
  }
  if (!(await portFree(s.port, s.ip)) || listenerPids(s.port).length) {
    throw new SetupError(`port ${s.port} (the class's) is in use on ${s.ip}, by ${portHolders(s.port) || "another program"}: not starting. Stop it, or pick another port with --port N`);
  }
  const info = await startProxy(s.state, s.ip, s.port, s.proxyToken);
  log(`proxy started on ${info.ip}:${info.port} (pid ${info.pid}); it keeps running across hub restarts`);
}

/**
 * Stops every server (through a hub told to clean up, when our proxy is there), the proxy, then
 * every process left under the hub's users (a `setsid` one too) and their /tmp and /dev/shm
 * files; says "stopped" only once it has checked that nothing is left.
 */
async function stopAll(args: HubArgs, state: string, python: string): Promise<void> {
  const hubPid = runningHubPid(state);
  if (hubPid) throw new SetupError(`a hub is running (pid ${hubPid}): stop its \`npm run hub\` first (Ctrl-C), then run --stop again`);
  const proxy = runningProxy(state);
  const problems: string[] = [];
  if (proxy && existsSync(join(state, "jupyterhub.sqlite")) && listenerPids(proxy.port).includes(proxy.pid)) {
    // A hub with cleanup_servers stops every server it knows of when it shuts down.
    const s = settings({ ...args, port: proxy.port, listen: proxy.ip }, state, python, NOTEBOOKS, { cleanupServers: true });
    log("starting the hub once to stop every user's server");
    const hub = await startHub(s, join(state, "jupyterhub.log"));
    await stopPid(hub.pid!, 120_000);
  }
  if (proxy) await stopPid(proxy.pid);
  rmSync(join(state, "proxy.json"), { force: true });
  if (isRoot()) {
    for (const u of hubUsers(prefix(), homes())) {
      const left = await killUid(u.uid);
      if (left.length) problems.push(`${u.name} still has processes ${left.join(" ")}`);
      for (const f of tmpFilesOf(u.uid)) rmSync(f, { recursive: true, force: true });
    }
  }
  const port = proxy?.port ?? args.port;
  const holders = listenerPids(port);
  if (holders.length) problems.push(`port ${port} is still held by ${portHolders(port)}: not the hub's proxy`);
  if (problems.length) throw new SetupError(`not everything stopped:\n  ${problems.join("\n  ")}`);
  log("stopped: every user's server and process, and the proxy (checked: none is left)");
}

async function reset(args: HubArgs, state: string): Promise<void> {
  if (runningHubPid(state) || runningProxy(state)) throw new SetupError("the hub or its proxy is running: run `npm run hub -- --stop` first");
  if (!existsSync(state)) {
    log(`nothing to reset: ${state} does not exist`);
    return;
  }
  const ok = await confirm(
    `This deletes ${state}: the hub's database (users, tokens), cookie secret, proxy token and the generated passwords. ` +
      `Students' homes and notebooks stay.`,
    args.yes,
  );
  if (!ok) return log("reset cancelled");
  rmSync(state, { recursive: true, force: true });
  if (hubSocketDir(state) !== state) rmSync(hubSocketDir(state), { recursive: true, force: true });
  log(`reset: ${state} removed`);
}

async function removeUsers(args: HubArgs, state: string): Promise<void> {
  if (!isRoot()) throw new SetupError("only root can delete system users; this hub made none when it ran without root");
  if (runningHubPid(state) || runningProxy(state)) throw new SetupError("the hub or its proxy is running: run `npm run hub -- --stop` first");
  // By the hub's own record: prefix AND comment AND home under the hub's homes AND a user's uid.
  const users = hubUsers(prefix(), homes());
  if (!users.length) return log(`no system users of this hub (named ${prefix()}*, "scratchnet hub user", home in ${homes()})`);
  const ok = await confirm(`This deletes ${users.length} system user(s) and their homes, with every notebook in them: ${users.map((u) => u.name).join(" ")}.`, args.yes);
  if (!ok) return log("nothing deleted");
  for (const u of users) {
    const left = await killUid(u.uid);
    if (left.length) throw new SetupError(`${u.name} still has processes ${left.join(" ")}: not deleting it`);
    // A file left in /tmp or /dev/shm would belong to the next user given this uid.
    for (const f of tmpFilesOf(u.uid)) rmSync(f, { recursive: true, force: true });
    const r = spawnSync("userdel", ["--remove", u.name], { encoding: "utf8" });
    if (r.status !== 0 && r.status !== 12) throw new SetupError(`userdel ${u.name} failed: ${r.stderr}`);
    rmSync(u.home, { recursive: true, force: true });
  }
  log(`deleted ${users.length} user(s), their homes and their files in /tmp and /dev/shm`);
}

/** What `npm run hub` prints once the hub is up: where, which passwords, and what is exposed. */
export function bannerLines(s: HubSettings & Passwords, args: HubArgs): string[] {
  const host = s.ip === "0.0.0.0" || s.ip === "::" ? "THIS-MACHINE'S-ADDRESS" : s.ip;
  const lines = [
    `JupyterHub for the class: http://${host}:${s.port}/`,
    `  students: any name (lower-case letters, digits, - or _) and the class password: ${s.password}`,
    // The banner may be on a projected screen: the admin password only when nobody else knows it yet.
    s.adminGenerated
      ? `  instructor (admin): ${s.admin} with the generated password ${s.adminPassword}  (admin page: /hub/admin; kept in .hub/admin_password)`
      : `  instructor (admin): ${s.admin} with the password you set (admin page: /hub/admin)`,
    `  notebooks: the ${args.edition} edition, copied into each student's ~/notebooks at their first start, never overwritten`,
    `  capacity: ${s.maxServers} servers running at once, ${s.maxSpawns} starting at once, ${s.maxStudents} students at most; idle kernels and servers stop after ${s.cullMinutes ? `${s.cullMinutes} min` : "(never: culling off)"}`,
    `  limits per student: ${s.memoryMiB} MiB per process, ${s.nproc} processes and threads, nice ${s.nice}`,
    s.adminToken ? "  SCRATCHNET_HUB_ADMIN_TOKEN is an admin API token (service scratchnet-admin)" : "",
    s.isolated
      ? `  each student is a system user ${s.prefix}NAME with a home of mode 700 under ${s.homes}`
      : "  WARNING: not running as root, so every student's server runs as this one user: students are NOT isolated from each other (any kernel can read and change every student's files).",
    s.ip !== "127.0.0.1" && s.ip !== "::1"
      ? `  WARNING: serving ${s.ip}: anyone on this network can reach the login page, and plain HTTP carries the passwords and notebooks unencrypted. Anyone with the class password can log in under any student name.`
      : "  only this machine can reach it (127.0.0.1); --listen 0.0.0.0 serves the room's network",
    "  Ctrl-C stops the hub and keeps every student's server; `npm run hub -- --stop` stops them all.",
  ];
  return lines.filter(Boolean);
}

function banner(s: HubSettings & Passwords, args: HubArgs): void {
  process.stderr.write(bannerLines(s, args).join("\n") + "\n");
}

async function serve(args: HubArgs, state: string, python: string): Promise<void> {
  const running = runningHubPid(state);
  if (running) throw new SetupError(`a hub is already running from ${state} (pid ${running})`);
  let notebooks = NOTEBOOKS;
  if (args.edition === "student") {
    notebooks = join(STUDENT, "notebooks");
    const written = writeStudentNotebooks(NOTEBOOKS, notebooks);
    log(`student edition: ${written.length} notebooks in ${relative(ROOT, notebooks)}/`);
  }
  const s = settings(args, state, python, notebooks);
  if (endOldSessions(s)) log("the class password changed: every earlier login was ended");
  if (s.isolated) makePublicCopy(s.publicDir);
  await ensureProxy(s);
  let hub: ChildProcess | undefined;
  let stopping = false;
  const restarts: number[] = [];
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    log("stopping the hub; students' servers and the proxy keep running (`npm run hub` re-attaches them, `npm run hub -- --stop` stops them)");
    if (hub?.pid) await stopPid(hub.pid, 30_000);
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  const out = args.log ?? "inherit";
  for (;;) {
    // startHub resolves only once this child answers on the socket in the private state folder.
    hub = await startHub(s, out);
    if (restarts.length === 0) banner(s, args);
    else log(`the hub is back (restart ${restarts.length}, pid ${hub.pid}); every running server was re-attached`);
    const code = await new Promise<number | string>((r) => hub!.once("exit", (c, sig) => r(c ?? sig ?? "?")));
    if (stopping) return;
    const now = Date.now();
    restarts.push(now);
    const recent = restarts.filter((t) => now - t < 10 * 60_000);
    if (recent.length > 5) throw new SetupError(`the hub exited ${recent.length} times in 10 minutes (last: ${code}); not restarting it again`);
    log(`the hub exited (${code}); restarting it, students' servers keep running`);
    await sleep(1000);
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) return void process.stdout.write(HELP + "\n");
  const state = hubStateDir();
  if (args.reset) return reset(args, state);
  if (args.removeUsers) return removeUsers(args, state);
  const python = ensureHub();
  buildLibrary();
  linkLibrary();
  ensureStateDir(state);
  if (args.stop) return stopAll(args, state, python);
  await serve(args, state, python);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    log(err instanceof SetupError ? err.message : String((err as Error)?.stack ?? err));
    process.exit(1);
  });
}
