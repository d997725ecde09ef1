/**
 * The README, CONTRIBUTING and the guides in docs/ link to each other and to files of the
 * repository: every relative link must reach a file that exists, and an anchor a heading.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { existsSync, readdirSync, readFileSync } from "fs";
import { dirname, join, relative, resolve } from "path";

const ROOT = join(__dirname, "..");
const DOCS = ["README.md", "CONTRIBUTING.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, "").replace(/ /g, "-");
}

/** The links of a Markdown file that point inside the repository, with the line they are on. */
function localLinks(file: string): { target: string; line: number }[] {
  const text = readFileSync(join(ROOT, file), "utf8").replace(/```[\s\S]*?```/g, (block) => block.replace(/[^\n]/g, " "));
  const links: { target: string; line: number }[] = [];
  for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^(https?:|mailto:)/.test(m[1])) continue;
    links.push({ target: m[1], line: text.slice(0, m.index).split("\n").length });
  }
  return links;
}

test("the docs exist: a README under about 200 lines, the guides, a licence and a contributing guide", () => {
  for (const f of ["README.md", "CONTRIBUTING.md", "LICENSE", ".editorconfig", "docs/workshop.md", "docs/library.md", "docs/benchmarks.md", "docs/testing.md"]) {
    assert.ok(existsSync(join(ROOT, f)), `${f} is missing`);
  }
  const lines = readFileSync(join(ROOT, "README.md"), "utf8").split("\n").length;
  assert.ok(lines <= 200, `README.md has ${lines} lines: move the detail to docs/`);
});

for (const file of DOCS) {
  test(`every local link in ${file} resolves`, () => {
    const broken: string[] = [];
    for (const { target, line } of localLinks(file)) {
      const [path, anchor] = target.split("#");
      const to = path === "" ? join(ROOT, file) : resolve(dirname(join(ROOT, file)), decodeURI(path));
      if (!existsSync(to)) {
        broken.push(`${file}:${line}: ${target} (no ${relative(ROOT, to)})`);
        continue;
      }
      if (anchor && to.endsWith(".md")) {
        const headings = readFileSync(to, "utf8").split("\n").filter((l) => /^#+ /.test(l)).map((l) => anchorOf(l.replace(/^#+ /, "")));
        if (!headings.includes(anchor)) broken.push(`${file}:${line}: ${target} (no heading #${anchor} in ${relative(ROOT, to)})`);
      }
    }
    assert.deepEqual(broken, [], `broken links:\n${broken.join("\n")}`);
  });
}
