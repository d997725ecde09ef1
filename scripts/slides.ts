/**
 * `npm run slides`: the reveal.js decks, built as part of the site (they need the executed plots,
 * and they share its assets), then listed.
 *   node --import tsx scripts/slides.ts [--out site] [--notebooks notebooks] [--jobs N]
 * A deck is made of the cells tagged for slides (View > Cell Toolbar > Slideshow in Jupyter:
 * "Slide" starts a slide, "-" continues it, "Fragment" appears on the next key press, "Notes" goes
 * to the speaker view); untagged cells stay out. Decks open from file:// with no network: arrows
 * to move, S for the speaker view, Esc for the overview, F for full screen.
 */
import { readFileSync } from "fs";
import { join, relative } from "path";
import { EXPORT_USAGE, exportSite, optionsFromArgs } from "./export";
import { SetupError, buildLibrary, linkLibrary } from "./lib/project";

async function main(): Promise<void> {
  const usage = EXPORT_USAGE.replace("npm run export", "npm run slides").replace(/ \[--no-slides\]|\n.*--no-slides.*/g, "");
  const options = optionsFromArgs(process.argv.slice(2), usage); // --help and a wrong flag stop before any work
  buildLibrary();
  linkLibrary();
  const result = await exportSite({ ...options, slides: true });
  const where = relative(process.cwd(), result.outDir) || ".";
  if (!result.ok) {
    for (const page of result.pages.filter((p) => p.error)) process.stderr.write(`\n${page.error}`);
    process.stderr.write(`\nslides: the export failed: ${where}/ was left as it was.\n`);
    process.exit(1);
  }
  const decks = result.pages.filter((p) => p.slides);
  for (const page of result.pages) {
    if (!page.slides) {
      process.stderr.write(`  (no cell of ${page.notebook} is tagged for slides)\n`);
      continue;
    }
    const html = readFileSync(join(result.outDir, page.slides), "utf8");
    const count = (html.match(/<section>\s*<section>/g) ?? []).length;
    process.stderr.write(`  ${join(where, page.slides).padEnd(56)} ${String(count).padStart(3)} slide(s)\n`);
  }
  process.stderr.write(
    `slides: ${decks.length} deck(s), linked from ${where}/index.html; arrows move, S opens the speaker view, Esc the overview, F full screen\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof SetupError ? err.message : ((err as Error)?.stack ?? String(err))}\n`);
  process.exit(1);
});
