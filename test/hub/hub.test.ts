/**
 * The real hub for a class (`npm run hub`, scripts/hub.ts) with real students: JupyterHub 6
 * from the project's .venv, configurable-http-proxy from npm, one system user per student. Three students run
 * 01-neuron with Run All and save it; then isolation, a restart of the hub (and a crash of it) with
 * five live kernels, a kernel killed mid-cell, the capacity limit, logins. Everything it made
 * (processes, users, homes, folders) is removed in after(), whether the tests passed or not.
 * Runs as root (CI does), under `npm run test:hub`; a few minutes.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { readFileSync, statSync } from "fs";
import { join } from "path";
import { NOTEBOOKS, ROOT } from "../../scripts/lib/project";
import { TestHub, formLogin } from "../../scripts/lib/hub-harness";
import { pidAlive, pidsOfUid, runningHubPid, runningProxy, sleep, systemUsers, waitFor } from "../../scripts/lib/hub";
import { kernelProcess } from "../../scripts/lib/hub-procs";
import { Student, codeCells, neuronProblems, withOutputs } from "../../scripts/lib/hub-student";

const NOTEBOOK = "01-neuron.ipynb";
const NAMES = ["ada", "ben", "cy"]; // run the notebook
const MORE = ["dee", "eve"]; // live kernels for the restart: five in all
const OVER = "fay"; // one more than the limit

const hub = new TestHub({ label: "ci", maxServers: NAMES.length + MORE.length, maxSpawns: 5 });
const students = new Map<string, Student>();
const marks = new Map<string, string>();
const saved = new Map<string, string>(); // the notebook file as saved, byte for byte
const uidOf = (name: string) => systemUsers(hub.prefix).find((u) => u.name === hub.prefix + name)!;

const login = (username: string, password: string) => formLogin(hub.base, username, password);

before(async () => {
  await hub.start();
});

after(async () => {
  const notes = await hub.stop();
  // Nothing of this hub is left: no users, no processes, no proxy.
  assert.deepEqual(systemUsers(hub.prefix), [], "every system user of the test is removed");
  assert.equal(runningProxy(hub.state), undefined);
  console.log(`# hub cleanup notes: ${notes.length ? notes.join("; ") : "none"}`);
});

describe("a class on the hub", () => {
  test("npm run hub says where the class logs in, with which passwords, and that students are isolated", () => {
    const out = hub.output();
    assert.match(out, new RegExp(`JupyterHub for the class: http://127\\.0\\.0\\.1:${hub.port}/`));
    assert.match(out, new RegExp(`the class password: ${hub.password}`));
    // set by the instructor, so not printed onto the projected screen
    assert.match(out, /instructor \(admin\): instructor with the password you set/);
    assert.doesNotMatch(out, new RegExp(hub.adminPassword));
    assert.match(out, new RegExp(`each student is a system user ${hub.prefix}NAME with a home of mode 700`));
    assert.match(out, /only this machine can reach it \(127\.0\.0\.1\)/);
    assert.match(out, /the kernels' start-up snapshot is built/);
  });

  test("logins: the class password lets a student in, a wrong one and the class password for the instructor are refused, a bad name is explained", async () => {
    const ok = await login("ada", hub.password);
    assert.equal(ok.status, 302, hub.diagnosis());
    assert.match(ok.cookie, /jupyterhub-hub-login=/, "a login cookie");
    // JupyterHub answers a refused login with the login page again, its message, no cookie.
    const refused = (r: Awaited<ReturnType<typeof login>>, what: string) => {
      assert.notEqual(r.status, 302, what);
      assert.match(r.body, /Invalid username or password/, `${what}: ${r.status}${hub.diagnosis()}\n--- the answer ---\n${r.body.slice(0, 300)}`);
      assert.doesNotMatch(r.cookie, /jupyterhub-hub-login=/, what);
    };
    refused(await login("ada", hub.password + "x"), "a wrong password");
    refused(await login("instructor", hub.password), "the class password does not open the instructor's account");
    const admin = await login("instructor", hub.adminPassword);
    assert.equal(admin.status, 302);
    assert.match(admin.cookie, /jupyterhub-hub-login=/);
    const bad = await login("Robert'); DROP", hub.password);
    assert.equal(bad.status, 400);
    assert.match(bad.body, /A name is 1 to \d+ characters: lower-case letters, digits, - or _, starting with a letter/);
    console.log("# bad inputs: 3 (a wrong password, the class password for the admin, a name that is not one)");
  });

  test(`${NAMES.length} students at once: a server each, Run All on ${NOTEBOOK}, its numbers, the notebook saved`, async () => {
    for (const name of [...NAMES, ...MORE]) students.set(name, await Student.create(hub.admin, name));
    await Promise.all(
      NAMES.map(async (name) => {
        const s = students.get(name)!;
        await s.startServer();
        const notebook = await s.readNotebook(NOTEBOOK);
        const cells = codeCells(notebook);
        await s.openKernel(NOTEBOOK);
        const runs = await s.runAll(cells, 300_000);
        assert.deepEqual(neuronProblems(cells, runs), [], `${name}'s Run All`);
        // the student edition: the exercises are TODOs that say so
        const checks = runs.flatMap((r) => r.outputs.filter((o) => o.name === "stdout").map((o) => o.text ?? "")).join("");
        assert.match(checks, /… totalInput: not done yet/);
        await s.saveNotebook(NOTEBOOK, withOutputs(notebook, cells, runs));
      }),
    );
    for (const name of NAMES) {
      const user = uidOf(name);
      const file = join(user.home, "notebooks", NOTEBOOK);
      const st = statSync(file);
      assert.equal(st.uid, user.uid, `${file} belongs to ${user.name}`);
      const onDisk = JSON.parse(readFileSync(file, "utf8"));
      assert.ok(onDisk.cells.some((c: any) => c.cell_type === "code" && c.outputs.length > 0), "the saved copy has the outputs");
      saved.set(name, readFileSync(file, "utf8"));
    }
  });

  test("isolation: homes of mode 700, kernels under the student's uid, and one student's kernel cannot read or write another's files", async () => {
    for (const name of NAMES) {
      const user = uidOf(name);
      assert.equal(statSync(user.home).mode & 0o777, 0o700, `${user.home} is 700`);
      const kernel = kernelProcess(name, students.get(name)!.kernelId);
      assert.ok(kernel, `${name}'s kernel process`);
      assert.match(kernel.cmdline, /--snapshot-blob/, `${name}'s kernel started from the snapshot built in the public copy`);
      const uid = Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${kernel.pid}/status`, "utf8"))![1]);
      assert.equal(uid, user.uid, `${name}'s kernel runs as ${user.name}`);
    }
    const [a, b] = NAMES.map((n) => students.get(n)!);
    const bHome = uidOf(b.name).home;
    const r = await a.run(
      `const fs = require("fs");\nconst tries = {\n` +
        `  read: () => fs.readFileSync(${JSON.stringify(join(bHome, "notebooks", NOTEBOOK))}, "utf8").length,\n` +
        `  list: () => fs.readdirSync(${JSON.stringify(bHome)}).length,\n` +
        `  write: () => fs.writeFileSync(${JSON.stringify(join(bHome, "planted.txt"))}, "x"),\n};\n` +
        `for (const [what, f] of Object.entries(tries)) { try { f(); console.log(what, "WORKED"); } catch (e) { console.log(what, (e as any).code); } }`,
    );
    assert.equal(r.status, "ok", r.stderr);
    assert.equal(r.stdout, "read EACCES\nlist EACCES\nwrite EACCES\n");
    console.log("# bad inputs: 3 (another student's file read, folder listed, file written)");
  });

  test("isolation through the API: A's token on B's server and hub record is refused, and so is A's token on B's kernel websocket", async () => {
    const [a, b] = NAMES.map((n) => students.get(n)!);
    for (const path of ["/status", "/kernels", `/contents/${NOTEBOOK}`, `/kernels/${b.kernelId}`]) {
      const r = await b.api("GET", path, undefined, a.token);
      assert.equal(r.status, 403, `A's token on B's ${path}: ${r.status}`);
    }
    const put = await b.api("PUT", `/contents/${NOTEBOOK}`, { type: "notebook", format: "json", content: { cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 } }, a.token);
    assert.equal(put.status, 403, "A cannot overwrite B's notebook");
    const record = await a.client.request("GET", `/hub/api/users/${b.name}`);
    assert.ok([403, 404].includes(record.status), `A's token on B's hub record: ${record.status}`);
    const start = await a.client.request("DELETE", `/hub/api/users/${b.name}/server`);
    assert.ok([403, 404].includes(start.status), `A's token stopping B's server: ${start.status}`);
    const opened = await new Promise<string>((resolve) => {
      const ws = new WebSocket(b.wsUrl(b.kernelId, a.token));
      ws.addEventListener("open", () => {
        ws.close();
        resolve("open");
      });
      ws.addEventListener("error", () => resolve("refused"));
    });
    assert.equal(opened, "refused", "A's token cannot open B's kernel websocket");
    console.log("# bad inputs: 8 (another student's server, kernels, notebook, kernel, notebook write, hub record, server stop, kernel websocket)");
  });

  test("a hub restart (Ctrl-C, npm run hub again) and a hub crash, with five live kernels: every kernel keeps its variables", async () => {
    await Promise.all(
      MORE.map(async (name) => {
        const s = students.get(name)!;
        await s.startServer();
        await s.openKernel(NOTEBOOK);
      }),
    );
    const pids = new Map<string, number>();
    for (const name of [...NAMES, ...MORE]) {
      const s = students.get(name)!;
      const mark = `${name}-${Math.random().toString(36).slice(2)}`;
      marks.set(name, mark);
      const r = await s.run(`const restartMark = ${JSON.stringify(mark)};`);
      assert.equal(r.status, "ok", r.stderr);
      pids.set(name, kernelProcess(name, s.kernelId)!.pid);
      s.socket?.close();
    }
    const proxyBefore = runningProxy(hub.state)!.pid;
    const checkAll = async (when: string) => {
      for (const name of [...NAMES, ...MORE]) {
        const s = students.get(name)!;
        await s.openKernel(NOTEBOOK, s.kernelId);
        const r = await s.run("console.log(restartMark);");
        assert.equal(r.stdout, `${marks.get(name)}\n`, `${name}'s variable after ${when}`);
        assert.equal(kernelProcess(name, s.kernelId)?.pid, pids.get(name), `${name}'s kernel is the same process after ${when}`);
        s.socket?.close();
      }
    };
    await hub.restart();
    assert.match(hub.output(), /re-using the proxy already running/);
    assert.equal(runningProxy(hub.state)!.pid, proxyBefore, "the proxy was not restarted");
    await checkAll("a restart");

    // A crash: the hub process killed outright; npm run hub starts it again.
    const hubPid = runningHubPid(hub.state);
    assert.ok(hubPid);
    process.kill(hubPid, "SIGKILL");
    await waitFor(async () => runningHubPid(hub.state) !== 0 && runningHubPid(hub.state) !== hubPid && (await fetch(`${hub.base}/hub/api/`)).ok, 120_000, "the hub came back after a crash");
    await waitFor(() => hub.output().includes("the hub is back"), 30_000, "npm run hub said the hub is back");
    await checkAll("a crash of the hub");
  });

  test("over capacity: a student gets a clear 'class is full' answer at once, from the API and the page", async () => {
    const fay = await Student.create(hub.admin, OVER);
    const t0 = Date.now();
    const r = await fay.client.request("POST", `/hub/api/users/${OVER}/server`);
    assert.equal(r.status, 429, `${r.status} ${r.location ?? ""}${hub.diagnosis()}\n--- the answer ---\n${r.text}`);
    assert.match(r.json.message, /Active user limit exceeded/);
    assert.ok(Date.now() - t0 < 10_000, "the answer comes at once, not after a hang");
    const page = await login(OVER, hub.password);
    assert.equal(page.status, 302, `${OVER}'s login: ${page.status}${hub.diagnosis()}\n--- the answer ---\n${page.body.slice(0, 500)}`);
    assert.match(page.cookie, /jupyterhub-hub-login=/);
    const spawn = await fetch(`${hub.base}/hub/spawn`, { headers: { Cookie: page.cookie }, redirect: "manual" });
    const html = await spawn.text();
    assert.equal(spawn.status, 429, `the spawn page: ${spawn.status} ${spawn.headers.get("location") ?? ""}${hub.diagnosis()}`);
    assert.match(html, /The class is full for the moment: this hub runs at most 5 notebook\s+servers at once/);
    console.log("# bad inputs: 1 (a sixth server on a hub limited to five)");
  });

  test("a kernel killed mid-cell: the student restarts it, runs again, and the notebook on disk is intact", async () => {
    const s = students.get(NAMES[0])!;
    await s.openKernel(NOTEBOOK, s.kernelId);
    const busy = s.socket!.execute("const until = Date.now() + 120000; while (Date.now() < until) {}", 150_000).result;
    await sleep(1500);
    const kernel = kernelProcess(s.name, s.kernelId)!;
    process.kill(kernel.pid, "SIGKILL");
    await Promise.race([busy, sleep(5000)]);
    await waitFor(() => !pidAlive(kernel.pid), 10_000, "the kernel died");
    const restart = await s.api("POST", `/kernels/${s.kernelId}/restart`);
    assert.equal(restart.status, 200, restart.text);
    await s.openKernel(NOTEBOOK, s.kernelId);
    const r = await s.run('import { sigmoid } from "scratchnet";\nconsole.log(sigmoid(0));');
    assert.equal(r.stdout, "0.5\n", r.stderr);
    const file = join(uidOf(s.name).home, "notebooks", NOTEBOOK);
    assert.equal(readFileSync(file, "utf8"), saved.get(s.name), "the notebook is as the student saved it");
    console.log("# bad inputs: 1 (a kernel SIGKILLed mid-cell)");
  });

  test("a student's copy is never overwritten: a server stopped and started again finds the saved notebook", async () => {
    const s = students.get(NAMES[1])!;
    await s.stopServer();
    await s.startServer();
    const file = join(uidOf(s.name).home, "notebooks", NOTEBOOK);
    assert.equal(readFileSync(file, "utf8"), saved.get(s.name));
    // and a notebook the student deleted is copied afresh, the others untouched
    const del = await s.api("DELETE", "/contents/02-network.ipynb");
    assert.equal(del.status, 204);
    await s.stopServer();
    await s.startServer();
    assert.equal(readFileSync(join(uidOf(s.name).home, "notebooks", "02-network.ipynb"), "utf8"), readFileSync(join(ROOT, "student", "notebooks", "02-network.ipynb"), "utf8"));
    assert.equal(readFileSync(file, "utf8"), saved.get(s.name));
  });

  test("--reset and --stop refuse while the hub runs; --reset asks first", () => {
    const reset = hub.run(["--reset"]);
    assert.equal(reset.status, 1);
    assert.match(reset.output, /the hub or its proxy is running: run `npm run hub -- --stop` first/);
    const stop = hub.run(["--stop"]);
    assert.equal(stop.status, 1);
    assert.match(stop.output, /a hub is running \(pid \d+\): stop its `npm run hub` first/);
    assert.ok(readFileSync(join(NOTEBOOKS, NOTEBOOK)).length > 0);
  });

  test("npm run hub -- --stop stops every server and the proxy; --reset then clears the state after asking", async () => {
    await hub.stopHubts();
    const users = systemUsers(hub.prefix);
    assert.ok(users.some((u) => pidsOfUid(u.uid).length > 0), "servers kept running after Ctrl-C");
    const stop = hub.run(["--stop", "--port", String(hub.port)]);
    assert.equal(stop.status, 0, stop.output);
    for (const u of users) assert.deepEqual(pidsOfUid(u.uid), [], `${u.name} has no process left`);
    assert.equal(runningProxy(hub.state), undefined);
    const noTty = hub.run(["--reset"]);
    assert.equal(noTty.status, 1);
    assert.match(noTty.output, /No terminal to ask in: add --yes to go ahead/);
    const no = hub.run(["--reset"], "no\n");
    assert.equal(no.status, 1, "without a terminal it does not read an answer from a pipe");
    const yes = hub.run(["--reset", "--yes"]);
    assert.equal(yes.status, 0, yes.output);
    assert.match(yes.output, /reset: .* removed/);
    assert.throws(() => statSync(hub.state), /ENOENT/);
    // the students' work survives a reset
    assert.equal(readFileSync(join(uidOf(NAMES[1]).home, "notebooks", NOTEBOOK), "utf8"), saved.get(NAMES[1]));
  });
});
