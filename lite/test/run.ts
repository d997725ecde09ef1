/**
 * `npm run test:lite`: builds the JupyterLite site (both editions) once, into a temporary folder,
 * then runs every lite test against that build (SCRATCHNET_LITE_SITE), one file at a time; the
 * folder is removed afterwards. A stale lite-site/ in the working tree is never what is tested.
 */
import { spawnSync } from "child_process";
import { mkdtempSync, readdirSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";

const dir = join(mkdtempSync(join(tmpdir(), "scratchnet-test-lite-")), "lite-site");
process.env.SCRATCHNET_LITE_SITE = dir;
let status = 1;
try {
  const files = readdirSync(__dirname).filter((f) => f.endsWith(".test.ts")).sort().map((f) => join(__dirname, f));
  const build = spawnSync(process.execPath, ["--import", "tsx", "-e", `require(${JSON.stringify(join(__dirname, "..", "..", "scripts", "lite.ts"))}).buildLite({ out: ${JSON.stringify(dir)} }).catch((e) => { console.error(e.message); process.exit(1); })`], { stdio: "inherit" });
  status = build.status ?? 1;
  if (status === 0) status = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=1", ...files], { stdio: "inherit" }).status ?? 1;
} finally {
  rmSync(join(dir, ".."), { recursive: true, force: true });
}
process.exit(status);
