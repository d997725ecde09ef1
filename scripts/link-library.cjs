/**
 * Makes node_modules/scratchnet a link to the project root, so that notebooks import the built
 * library by its package name (package.json main/types: dist/). Plain Node, no dependencies:
 * it runs as npm's `prepare` after every `npm install` / `npm ci` (which prune the link), and
 * every project command calls it again through scripts/lib/project.ts.
 */
const { lstatSync, readlinkSync, rmSync, symlinkSync, mkdirSync } = require("fs");
const { join } = require("path");

const ROOT = join(__dirname, "..");

/** Creates or repairs the link; returns true when it changed anything. */
function linkLibrary() {
  const link = join(ROOT, "node_modules", "scratchnet");
  let current;
  try {
    current = lstatSync(link).isSymbolicLink() ? readlinkSync(link) : "(not a link)";
  } catch {
    current = undefined;
  }
  if (current === "..") return false;
  if (current !== undefined) rmSync(link, { recursive: true, force: true });
  mkdirSync(join(ROOT, "node_modules"), { recursive: true });
  symlinkSync("..", link, "dir");
  return true;
}

module.exports = { linkLibrary };

if (require.main === module && linkLibrary()) {
  process.stderr.write("[setup] linked node_modules/scratchnet -> the project root\n");
}
