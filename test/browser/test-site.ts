/**
 * The exported sites the browser tests read: made once per `npm run test:browser` by
 * test/browser/run.ts into a temporary folder of its own (SCRATCHNET_TEST_SITE), never the
 * user's site/, so a stale site on disk cannot pass. A test file run alone exports into a
 * temporary folder of its process.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { exportSite } from "../../scripts/export";
import { NOTEBOOKS } from "../../scripts/lib/project";
import { STUDENT, writeStudentNotebooks } from "../../scripts/student";

export const SITES_ROOT = process.env.SCRATCHNET_TEST_SITE ?? join(tmpdir(), `scratchnet-test-site-${process.pid}`);
/** The course's site and the student edition's. */
export const SITE = join(SITES_ROOT, "site");
export const STUDENT_SITE = join(SITES_ROOT, "student-site");

/** Exports the course (and with `student` the student edition) unless this run already did. */
export async function ensureSites(student = false): Promise<void> {
  mkdirSync(SITES_ROOT, { recursive: true });
  if (!existsSync(join(SITE, "index.html"))) {
    const result = await exportSite({ outDir: SITE });
    assert.ok(result.ok, result.pages.map((p) => p.error ?? "").join("\n"));
  }
  if (student && !existsSync(join(STUDENT_SITE, "index.html"))) {
    writeStudentNotebooks(NOTEBOOKS, join(STUDENT, "notebooks"));
    const result = await exportSite({ notebooksDir: join(STUDENT, "notebooks"), outDir: STUDENT_SITE, edition: "student edition" });
    assert.ok(result.ok, result.pages.map((p) => p.error ?? "").join("\n"));
  }
}
