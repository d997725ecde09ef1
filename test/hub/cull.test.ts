/**
 * Idle culling without jupyterhub-idle-culler (a PyPI package): `npm run hub -- --cull-idle M`
 * makes each Notebook server stop a kernel nobody is connected to after M idle minutes, then stop
 * itself once it has had no kernel for as long; the hub sees the server gone. The student's saved
 * notebook stays. Here M is 0.5 (30 s); the Notebook server checks for its own shutdown once a
 * minute, so this takes about two minutes.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { TestHub } from "../../scripts/lib/hub-harness";
import { systemUsers, waitFor } from "../../scripts/lib/hub";
import { Student } from "../../scripts/lib/hub-student";

const hub = new TestHub({ label: "cull", cullMinutes: 0.5 });

before(async () => {
  await hub.start();
});

after(async () => {
  await hub.stop();
  assert.deepEqual(systemUsers(hub.prefix), []);
});

test("an idle kernel nobody is connected to is culled, then its idle server stops, and the hub knows", async () => {
  assert.match(hub.output(), /idle kernels and servers stop after 0\.5 min/);
  const s = await Student.create(hub.admin, "idle");
  await s.startServer();
  await s.openKernel("01-neuron.ipynb");
  const r = await s.run("const kept = 1; console.log(kept);");
  assert.equal(r.stdout, "1\n");
  // Connected and recently busy: not culled yet.
  assert.equal((await s.api("GET", "/kernels")).json.length, 1);
  s.socket!.close(); // the student closes the tab
  const t0 = Date.now();
  await waitFor(async () => (await s.api("GET", "/kernels")).json?.length === 0, 120_000, "the idle kernel was culled");
  const kernelS = (Date.now() - t0) / 1000;
  await waitFor(
    async () => {
      const u = await s.client.request("GET", `/hub/api/users/${s.name}`);
      return u.status === 200 && !u.json.servers[""];
    },
    240_000,
    "the idle server stopped and the hub noticed",
  );
  const serverS = (Date.now() - t0) / 1000;
  console.log(`# culling: kernel after ${kernelS.toFixed(0)} s, server after ${serverS.toFixed(0)} s (timeout 30 s; the server checks once a minute)`);
  // The saved notebook is still there for the next start.
  await s.startServer();
  assert.equal((await s.readNotebook("01-neuron.ipynb")).nbformat, 4);
});
