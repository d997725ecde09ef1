/**
 * `npm run hub`: the course for a class, on a JupyterHub served from this checkout.
 *   npm run hub [-- --port 8000] [-- --listen 0.0.0.0] [-- --edition student|instructor]
 *               [-- --admin instructor] [-- --max-servers 40] [-- --max-spawns 10] [-- --cull-idle 60]
 *   npm run hub -- --stop                 stop every user's server and the proxy
 *   npm run hub -- --reset [--yes]        clear the hub's state (.hub/) after asking
 *   npm run hub -- --remove-users [--yes] delete the hub's system users and their homes, after asking
 * The class password is SCRATCHNET_HUB_PASSWORD, the instructor's SCRATCHNET_HUB_ADMIN_PASSWORD;
 * either is generated (and kept in .hub/) when not set. SCRATCHNET_HUB_ADMIN_TOKEN, when set, is an
 * admin API token for scripts. The proxy runs on its own and outlives the hub: Ctrl-C stops the hub
 * and leaves every student's server and kernel running, and `npm run hub` again re-attaches them.
 */
import { ChildProcess, spawnSync } from "child_process";
import { existsSync, rmSync } from "fs";
import { createInterface } from "readline";
import { join, relative } from "path";
import { NOTEBOOKS, ROOT, SetupError, buildLibrary, linkLibrary, log } from "./lib/project";
import {
  DEFAULT_PREFIX,
  HubSettings,
  ensureHub,
  ensureStateDir,
  hubPorts,
  hubStateDir,
  isRoot,
  pidAlive,
  pidsOfUid,
  portFree,
  runningHubPid,
  runningProxy,
  sleep,
  startHub,
  startProxy,
  stateSecret,
  stopPid,
  systemUsers,
} from "./lib/hub";
import { STUDENT, writeStudentNotebooks } from "./student";

const FLAGS_WITH_VALUE = ["--port", "--listen", "--edition", "--admin", "--max-servers", "--max-spawns", "--cull-idle", "--log"];
const SWITCHES = ["--stop", "--reset", "--remove-users", "--yes"];

export interface HubArgs {
  port: number;
  listen: string;
  edition: "student" | "instructor";
  admin: string;
  maxServers: number;
  maxSpawns: number;
  cullMinutes: number;
  log?: string;
  stop: boolean;
  reset: boolean;
  removeUsers: boolean;
  yes: boolean;
}

function positiveInt(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new SetupError(`${flag} needs a whole number of at least ${min}, got "${value}"`);
  return n;
}

export function parseArgs(argv: string[]): HubArgs {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    if (FLAGS_WITH_VALUE.includes(flag)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith("--")) throw new SetupError(`${flag} needs a value`);
      values.set(flag, value);
    } else if (SWITCHES.includes(arg)) switches.add(arg);
    else throw new SetupError(`unknown option ${arg}; the options are ${[...FLAGS_WITH_VALUE, ...SWITCHES].join(" ")}`);
  }
  const port = positiveInt("--port", values.get("--port") ?? "8000", 1);
  if (port > 65533) throw new SetupError(`--port ${port} is too high: the hub uses it and the next two ports`);
  const edition = values.get("--edition") ?? "student";
  if (edition !== "student" && edition !== "instructor") throw new SetupError(`--edition is student or instructor, got "${edition}"`);
  const admin = values.get("--admin") ?? "instructor";
  if (!/^[a-z][a-z0-9_-]{0,19}$/.test(admin)) throw new SetupError(`--admin "${admin}" is not a valid name (lower-case letters, digits, - or _, starting with a letter)`);
  const cull = Number(values.get("--cull-idle") ?? "60");
  if (!Number.isFinite(cull) || cull < 0) throw new SetupError(`--cull-idle is minutes (0 turns culling off), got "${values.get("--cull-idle")}"`);
  const listen = values.get("--listen") ?? "127.0.0.1";
  if (!/^[0-9.]+$|^[0-9a-f:]+$/i.test(listen)) throw new SetupError(`--listen takes an IP address of this machine (for example 0.0.0.0), got "${listen}"`);
  return {
    port,
    listen,
    edition,
    admin,
    maxServers: positiveInt("--max-servers", values.get("--max-servers") ?? "40", 1),
    maxSpawns: positiveInt("--max-spawns", values.get("--max-spawns") ?? "10", 1),
    cullMinutes: cull,
    log: values.get("--log"),
    stop: switches.has("--stop"),
    reset: switches.has("--reset"),
    removeUsers: switches.has("--remove-users"),
    yes: switches.has("--yes"),
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

function settings(args: HubArgs, state: string, notebooks: string, extra: Partial<HubSettings> = {}): HubSettings {
  return {
    state,
    ip: args.listen,
    port: args.port,
    password: process.env.SCRATCHNET_HUB_PASSWORD || stateSecret(state, "class_password", 6),
    adminPassword: process.env.SCRATCHNET_HUB_ADMIN_PASSWORD || stateSecret(state, "admin_password", 12),
    admin: args.admin,
    adminToken: process.env.SCRATCHNET_HUB_ADMIN_TOKEN || undefined,
    notebooks,
    maxServers: args.maxServers,
    maxSpawns: args.maxSpawns,
    cullMinutes: args.cullMinutes,
    prefix: prefix(),
    homes: homes(),
    proxyToken: stateSecret(state, "proxy_token", 32),
    isolated: isRoot(),
    ...extra,
  };
}

/** The proxy of an earlier run when it is still there on the same address, else a new one. */
async function ensureProxy(s: HubSettings): Promise<void> {
  const running = runningProxy(s.state);
  if (running) {
    if (running.ip !== s.ip || running.port !== s.port) {
      throw new SetupError(
        `the proxy of an earlier \`npm run hub\` is still serving ${running.ip}:${running.port} (pid ${running.pid}); ` +
          `run \`npm run hub -- --stop\` before changing the address or port`,
      );
    }
    log(`re-using the proxy already running on ${running.ip}:${running.port} (pid ${running.pid})`);
    return;
  }
  const ports = hubPorts(s.port);
  for (const [what, port, host] of [["the class's", ports.port, s.ip], ["the proxy API", ports.proxyApi, "127.0.0.1"], ["the hub's own", ports.hub, "127.0.0.1"]] as const) {
    if (!(await portFree(port, host))) {
      throw new SetupError(`port ${port} (${what}) is in use on ${host}: pick another with --port N (the hub uses N, N+1 and N+2)`);
    }
  }
  const info = await startProxy(s.state, s.ip, s.port, s.proxyToken);
  log(`proxy started on ${info.ip}:${info.port} (pid ${info.pid}); it keeps running across hub restarts`);
}

/** Stops every server (through a hub told to clean up), then the proxy. */
async function stopAll(args: HubArgs, state: string): Promise<void> {
  const hubPid = runningHubPid(state);
  if (hubPid) throw new SetupError(`a hub is running (pid ${hubPid}): stop its \`npm run hub\` first (Ctrl-C), then run --stop again`);
  const proxy = runningProxy(state);
  if (existsSync(join(state, "jupyterhub.sqlite"))) {
    // A hub with cleanup_servers stops every server it knows of when it shuts down.
    const port = proxy?.port ?? args.port;
    const s = settings({ ...args, port, listen: proxy?.ip ?? "127.0.0.1" }, state, NOTEBOOKS, { cleanupServers: true });
    if (!proxy) await ensureProxy(s);
    log("starting the hub once to stop every user's server");
    const hub = await startHub(s, join(state, "jupyterhub.log"));
    await stopPid(hub.pid!, 120_000);
  }
  const after = runningProxy(state);
  if (after) await stopPid(after.pid);
  rmSync(join(state, "proxy.json"), { force: true });
  const left = isRoot() ? systemUsers(prefix()).flatMap((u) => pidsOfUid(u.uid).map((pid) => `${u.name}:${pid}`)) : [];
  if (left.length) log(`still running under the hub's users: ${left.join(" ")} (not stopped: they were not started by this hub)`);
  log("stopped: every user's server and the proxy");
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
  log(`reset: ${state} removed`);
}

async function removeUsers(args: HubArgs, state: string): Promise<void> {
  if (!isRoot()) throw new SetupError("only root can delete system users; this hub made none when it ran without root");
  if (runningHubPid(state) || runningProxy(state)) throw new SetupError("the hub or its proxy is running: run `npm run hub -- --stop` first");
  const users = systemUsers(prefix());
  if (!users.length) return log(`no system users named ${prefix()}*`);
  const ok = await confirm(`This deletes ${users.length} system user(s) and their homes, with every notebook in them: ${users.map((u) => u.name).join(" ")}.`, args.yes);
  if (!ok) return log("nothing deleted");
  for (const u of users) {
    for (const pid of pidsOfUid(u.uid)) await stopPid(pid, 5000);
    const r = spawnSync("userdel", ["--remove", u.name], { encoding: "utf8" });
    if (r.status !== 0 && r.status !== 12) throw new SetupError(`userdel ${u.name} failed: ${r.stderr}`);
    rmSync(u.home, { recursive: true, force: true });
  }
  log(`deleted ${users.length} user(s) and their homes`);
}

/** What `npm run hub` prints once the hub is up: where, which passwords, and what is exposed. */
export function bannerLines(s: HubSettings, args: HubArgs): string[] {
  const host = s.ip === "0.0.0.0" || s.ip === "::" ? "THIS-MACHINE'S-ADDRESS" : s.ip;
  const lines = [
    `JupyterHub for the class: http://${host}:${s.port}/`,
    `  students: any name (lower-case letters, digits, - or _) and the class password: ${s.password}`,
    `  instructor (admin): ${s.admin} with the password ${s.adminPassword}  (admin page: /hub/admin)`,
    `  notebooks: the ${args.edition} edition, copied into each student's ~/notebooks at their first start, never overwritten`,
    `  capacity: ${s.maxServers} servers running at once, ${s.maxSpawns} starting at once; idle kernels and servers stop after ${s.cullMinutes ? `${s.cullMinutes} min` : "(never: culling off)"}`,
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

function banner(s: HubSettings, args: HubArgs): void {
  process.stderr.write(bannerLines(s, args).join("\n") + "\n");
}

async function serve(args: HubArgs, state: string): Promise<void> {
  const running = runningHubPid(state);
  if (running) throw new SetupError(`a hub is already running from ${state} (pid ${running})`);
  let notebooks = NOTEBOOKS;
  if (args.edition === "student") {
    notebooks = join(STUDENT, "notebooks");
    const written = writeStudentNotebooks(NOTEBOOKS, notebooks);
    log(`student edition: ${written.length} notebooks in ${relative(ROOT, notebooks)}/`);
  }
  const s = settings(args, state, notebooks);
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
    hub = await startHub(s, out);
    if (restarts.length === 0) banner(s, args);
    else log(`the hub is back (restart ${restarts.length}); every running server was re-attached`);
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
  const state = hubStateDir();
  if (args.reset) return reset(args, state);
  if (args.removeUsers) return removeUsers(args, state);
  ensureHub();
  buildLibrary();
  linkLibrary();
  ensureStateDir(state);
  if (args.stop) return stopAll(args, state);
  await serve(args, state);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    log(err instanceof SetupError ? err.message : String((err as Error)?.stack ?? err));
    process.exit(1);
  });
}

