/**
 * jupyter/hub/scratchnet-hub.service, the systemd unit docs/workshop.md hands instructors: its
 * command is one `npm run hub` accepts, and its kill and restart settings keep the class running
 * across a restart, as the foreground hub does (test/hub/hub.test.ts restarts a live hub).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { existsSync, readFileSync } from "fs";
import { join } from "path";
import { ROOT } from "../scripts/lib/project";
import { parseArgs } from "../scripts/hub";

const UNIT = join(ROOT, "jupyter", "hub", "scratchnet-hub.service");

/** The unit's `Key=value` lines by section (systemd's INI: `#` comments, `[Section]` headers). */
function readUnit(text: string): Record<string, Record<string, string>> {
  const sections: Record<string, Record<string, string>> = {};
  let section = "";
  for (const [i, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) { section = header[1]; sections[section] = {}; continue; }
    const kv = /^([A-Za-z]+)=(.*)$/.exec(line);
    assert.ok(kv && section, `line ${i + 1} of the unit is neither a section nor Key=value: ${raw}`);
    sections[section][kv[1]] = kv[2];
  }
  return sections;
}

test("the systemd unit runs scripts/hub.ts with options it accepts, from the checkout", () => {
  const unit = readUnit(readFileSync(UNIT, "utf8"));
  assert.deepEqual(Object.keys(unit), ["Unit", "Service", "Install"]);
  const argv = unit.Service.ExecStart.split(/\s+/);
  assert.equal(argv[0], "/usr/bin/env", "ExecStart needs an absolute path; env finds node on systemd's PATH");
  assert.deepEqual(argv.slice(1, 5), ["node", "--import", "tsx", "scripts/hub.ts"]);
  assert.ok(existsSync(join(ROOT, argv[4])));
  const args = parseArgs(argv.slice(5));
  assert.equal(args.listen, "0.0.0.0");
  assert.equal(args.port, 8000);
  assert.ok(!args.stop && !args.reset && !args.removeUsers, "the service serves the class");
  assert.ok(unit.Service.WorkingDirectory.startsWith("/"), "WorkingDirectory is the checkout, an absolute path");
  assert.ok(unit.Service.EnvironmentFile.startsWith("/etc/"), "the passwords come from a root-only file, not the unit");
  assert.equal(unit.Install.WantedBy, "multi-user.target");
});

test("the systemd unit keeps students' servers across a stop or restart, and restarts a failed hub", () => {
  const unit = readUnit(readFileSync(UNIT, "utf8"));
  // The default (control-group) would kill the proxy and every student's kernel with the hub.
  assert.equal(unit.Service.KillMode, "process");
  assert.equal(unit.Service.Restart, "on-failure");
  assert.equal(unit.Service.ExecStop, undefined, "no ExecStop: `npm run hub -- --stop` ends the class, a restart must not");
  // scripts/hub.ts waits up to 30 s for JupyterHub to stop on SIGTERM; systemd must wait longer.
  assert.ok(Number(unit.Service.TimeoutStopSec) > 30);
  assert.match(readFileSync(join(ROOT, "scripts", "hub.ts"), "utf8"), /process\.on\("SIGTERM", stop\)/, "systemd stops the service with SIGTERM");
});
