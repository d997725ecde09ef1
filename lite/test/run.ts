/**
 * `npm run test:lite`: builds the JupyterLite site (both editions) once, into a temporary folder
 * (SCRATCHNET_LITE_SITE), then runs every lite test against that build. A stale lite-site/ in
 * the working tree is never what is tested.
 */
import { join } from "path";
import { runBuilt } from "../../test/run-files";

process.exit(runBuilt({
  testDir: __dirname,
  envVar: "SCRATCHNET_LITE_SITE",
  prefix: "scratchnet-test-lite-",
  subdir: "lite-site",
  build: (dir) => ({ module: join(__dirname, "..", "..", "scripts", "lite.ts"), call: `buildLite({ out: ${JSON.stringify(dir)} })` }),
}));
