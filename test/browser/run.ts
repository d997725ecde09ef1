/**
 * `npm run test:browser`: exports the course and the student edition once, into a temporary
 * folder (SCRATCHNET_TEST_SITE), then runs every browser test against that export.
 */
import { join } from "path";
import { runBuilt } from "../run-files";

process.exit(runBuilt({
  testDir: __dirname,
  envVar: "SCRATCHNET_TEST_SITE",
  prefix: "scratchnet-test-site-",
  build: () => ({ module: join(__dirname, "test-site.ts"), call: "ensureSites(true)" }),
}));
