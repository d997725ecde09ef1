/**
 * `npm run test:browser`: exports the course and the student edition once, into a temporary
 * folder, then runs every browser test against that export (SCRATCHNET_TEST_SITE), one file at a
 * time; the folder is removed afterwards.
 */
import { spawnSync } from "child_process";
import { mkdtempSync, readdirSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";

const dir = mkdtempSync(join(tmpdir(), "scratchnet-test-site-"));
process.env.SCRATCHNET_TEST_SITE = dir;
let status = 1;
try {
  const files = readdirSync(__dirname).filter((f) => f.endsWith(".test.ts")).sort().map((f) => join(__dirname, f));
  const setup = spawnSync(process.execPath, ["--import", "tsx", "-e", `require(${JSON.stringify(join(__dirname, "test-site.ts"))}).ensureSites(true).catch((e) => { console.error(e.message); process.exit(1); })`], { stdio: "inherit" });
  status = setup.status ?? 1;
  if (status === 0) status = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=1", ...files], { stdio: "inherit" }).status ?? 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(status);
