/**
 * Idle culling: `npm run hub -- --cull-idle M` makes each student's server stop a kernel nobody is
 * connected to after M idle minutes, and jupyterhub-idle-culler (a hub service) stop a server idle
 * for as long; the hub knows, and every process of the student ends with the server. The student's
 * saved notebook stays. Here M is 0.5 (30 s), the culler looking every 15 s.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { TestHub } from "../../scripts/lib/hub-harness";
import { pidsOfUid, systemUsers, waitFor } from "../../scripts/lib/hub";
import { Student } from "../../scripts/lib/hub-student";

const hub = new TestHub({ label: "cull", cullMinutes: 0.5 });

before(async () => {
  await hub.start();
});

after(async () => {
  await hub.stop();
  assert.deepEqual(systemUsers(hub.prefix), []);
});

test("an idle server is culled by jupyterhub-idle-culler, the hub knows, and every process of the student ends with it", async () => {
  assert.match(hub.output(), /idle kernels and servers stop after 0\.5 min/);
  const s = await Student.create(hub.admin, "idle");
  await s.startServer();
  await s.openKernel("01-neuron.ipynb");
  // A process that leaves its session: culling must end it too.
  const r = await s.run('require("child_process").spawn("setsid", ["sleep", "1000"], { detached: true, stdio: "ignore" }).unref();\nconst kept = 1; console.log(kept);');
  assert.equal(r.stdout, "1\n");
  const uid = systemUsers(hub.prefix).find((u) => u.name === hub.prefix + "idle")!.uid;
  assert.ok(pidsOfUid(uid).length >= 3, "the server, the kernel and the sleep run");
  s.socket!.close(); // the student closes the tab
  const t0 = Date.now();
  // Asked of the hub by the admin: a request to the student's server would count as activity.
  await waitFor(
    async () => {
      const u = await hub.admin.request("GET", `/hub/api/users/${s.name}`);
      return u.status === 200 && !u.json.servers[""];
    },
    240_000,
    "the idle server stopped and the hub noticed",
  );
  const serverS = (Date.now() - t0) / 1000;
  console.log(`# culling: server after ${serverS.toFixed(0)} s idle (timeout 30 s; the culler looks every 15 s)`);
  // Culling ends every process of the student, not only the server (the post-stop hook).
  await waitFor(() => pidsOfUid(uid).length === 0, 15_000, "every process of the culled student ended").catch(() => {
    assert.deepEqual(pidsOfUid(uid), [], "no process of the culled student is left");
  });
  // The saved notebook is still there for the next start.
  await s.startServer();
  assert.equal((await s.readNotebook("01-neuron.ipynb")).nbformat, 4);
});
