/**
 * What an instructor can get wrong on the command line of `npm run hub` and `npm run hub:load`,
 * and what the hub says about itself: each mistake gets a message that names it, and the banner
 * says plainly when students are not isolated or the hub is open to a network. No hub is started.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { spawnSync } from "child_process";
import { join } from "path";
import { ROOT } from "../../scripts/lib/project";
import { HubSettings } from "../../scripts/lib/hub";
import { HELP, Passwords, bannerLines, parseArgs } from "../../scripts/hub";

test("npm run hub: every bad option is named in its message", () => {
  const cases: [string[], RegExp][] = [
    [["--prot", "8000"], /unknown option --prot; see npm run hub -- --help/],
    [["--port", "eighty"], /--port needs a whole number from 1 to 65535, got "eighty"/],
    [["--port", "70000"], /--port needs a whole number from 1 to 65535, got "70000"/],
    [["--port"], /--port needs a value/],
    [["--port", "--stop"], /--port needs a value/],
    [["--memory", "100"], /--memory needs a whole number from 256 up, got "100"/],
    [["--nice", "40"], /--nice needs a whole number from 0 to 19, got "40"/],
    [["--max-students", "none"], /--max-students needs a whole number from 1 up, got "none"/],
    [["--edition", "teacher"], /--edition is student or instructor, got "teacher"/],
    [["--admin", "Prof X"], /--admin "Prof X" is not a valid name/],
    [["--cull-idle=-5"], /--cull-idle is minutes \(0 turns culling off\), got "-5"/],
    [["--listen", "my-laptop.local"], /--listen takes an IP address of this machine \(for example 0\.0\.0\.0\), got "my-laptop\.local"/],
    [["--max-servers", "0"], /--max-servers needs a whole number from 1 up, got "0"/],
  ];
  for (const [args, message] of cases) assert.throws(() => parseArgs(args), message, args.join(" "));
  const ok = parseArgs(["--port=9000", "--listen", "0.0.0.0", "--cull-idle", "0"]);
  assert.deepEqual([ok.port, ok.listen, ok.cullMinutes, ok.edition, ok.maxServers, ok.maxStudents, ok.memoryMiB, ok.nproc, ok.nice], [9000, "0.0.0.0", 0, "student", 40, 60, 1024, 256, 5]);
  assert.equal(parseArgs(["--help"]).help, true);
  console.log(`# bad inputs: ${cases.length} (npm run hub options)`);
});

const settings = (extra: Partial<HubSettings & Passwords>): HubSettings & Passwords => ({
  state: "/x/.hub",
  publicDir: "/srv/scratchnet-hub",
  python: "/x/.venv/bin/python",
  adminGenerated: false,
  maxStudents: 60,
  memoryMiB: 1024,
  nproc: 256,
  nice: 5,
  ip: "127.0.0.1",
  port: 8000,
  password: "class-pw",
  adminPassword: "admin-pw",
  admin: "instructor",
  notebooks: "/x/student/notebooks",
  maxServers: 40,
  maxSpawns: 10,
  cullMinutes: 60,
  prefix: "snstu-",
  homes: "/home",
  proxyToken: "t",
  isolated: true,
  ...extra,
});

test("the banner says when students are not isolated, and what serving a network exposes", () => {
  const args = parseArgs([]);
  const local = bannerLines(settings({}), args).join("\n");
  assert.match(local, /each student is a system user snstu-NAME with a home of mode 700 under \/home/);
  assert.match(local, /only this machine can reach it \(127\.0\.0\.1\)/);
  assert.doesNotMatch(local, /WARNING/);
  const open = bannerLines(settings({ ip: "0.0.0.0", isolated: false }), args).join("\n");
  assert.match(open, /WARNING: not running as root, so every student's server runs as this one user: students are NOT isolated/);
  assert.match(open, /WARNING: serving 0\.0\.0\.0: anyone on this network can reach the login page, and plain HTTP carries the passwords and notebooks unencrypted/);
  assert.match(open, /http:\/\/THIS-MACHINE'S-ADDRESS:8000\//);
  // The admin password goes on the (projected) screen only when it was generated, so nobody knows it yet.
  assert.doesNotMatch(local, /admin-pw/);
  assert.match(local, /instructor \(admin\): instructor with the password you set/);
  assert.match(bannerLines(settings({ adminGenerated: true }), args).join("\n"), /instructor with the generated password admin-pw/);
  assert.match(local, /limits per student: 1024 MiB per process, 256 processes and threads, nice 5/);
});

test("npm run hub -- --help and npm run hub:load -- --help list every option", () => {
  for (const flag of ["--port", "--memory", "--nproc", "--nice", "--max-students", "--stop", "--remove-users"]) assert.ok(HELP.includes(flag), flag);
  const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "hub.ts"), "--help"], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /--max-students N {4}accounts the class password may create/);
  const load = spawnSync(process.execPath, ["--experimental-websocket", "--import", "tsx", join(ROOT, "scripts", "hub-load.ts"), "--help"], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  assert.equal(load.status, 0, load.stderr);
  assert.match(load.stdout, /--stagger S/);
});

test("npm run hub:load: a missing --students, a missing admin token and no hub get clear messages", () => {
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const r = spawnSync(process.execPath, ["--experimental-websocket", "--import", "tsx", join(ROOT, "scripts", "hub-load.ts"), ...args], {
      cwd: ROOT,
      env: { ...process.env, SCRATCHNET_HUB_ADMIN_TOKEN: "", ...env },
      encoding: "utf8",
      timeout: 60_000,
    });
    return { status: r.status, err: r.stderr };
  };
  const unknown = run(["--studnets", "3"]);
  assert.equal(unknown.status, 1);
  assert.match(unknown.err, /unknown option --studnets; see npm run hub:load -- --help/);
  const none = run([]);
  assert.equal(none.status, 1);
  assert.match(none.err, /--students N is needed: how many students to simulate/);
  const noToken = run(["--students", "2"]);
  assert.match(noToken.err, /set SCRATCHNET_HUB_ADMIN_TOKEN to the admin token the hub was started with \(or use --start/);
  const noHub = run(["--students", "2", "--url", "http://127.0.0.1:9"], { SCRATCHNET_HUB_ADMIN_TOKEN: "x" });
  assert.equal(noHub.status, 1);
  assert.match(noHub.err, /no hub answers at http:\/\/127\.0\.0\.1:9/);
  console.log("# bad inputs: 4 (npm run hub:load with an unknown option, without --students, without a token, without a hub)");
});
