/**
 * What makes an exported page or deck readable by everyone (WCAG 2.1 AA), applied by
 * scripts/export.ts to nbconvert's output: the page's language, one `main` landmark with a link
 * that skips to it, named navigation, colours with at least 4.5:1 contrast and a visible focus.
 * Leaves out: the text alternatives of plots (src/show/plot.ts writes them) and MathJax's own
 * assistive MathML (on in the MathJax configuration the pages load).
 */

/**
 * JupyterLab's light theme, as nbconvert's lab template inlines it, has text below 4.5:1: the
 * prompts (grey at half opacity, 2.2:1 on white) and several syntax colours on the #f5f5f5 code
 * background (numbers #080 4.3:1, comments #408080 4.2:1, operators #aa22ff 4.4:1, ...). These
 * are the same hues, darkened until each passes with a margin; reveal's link blue (4.4:1) too.
 * Links in running text are underlined, and reveal's slide number gets a darker backing.
 */
export const CONTRAST_STYLE = `:root {
  --jp-cell-prompt-not-active-opacity: 1;
  --jp-cell-prompt-not-active-font-color: #616161;
  --jp-cell-inprompt-font-color: #2b6ca3;
  --jp-cell-outprompt-font-color: #9e5b3d;
  --jp-content-link-color: #1565c0;
  --jp-mirror-editor-number-color: #007a00;
  --jp-mirror-editor-comment-color: #3b7575;
  --jp-mirror-editor-operator-color: #9c1fe8;
  --jp-mirror-editor-meta-color: #9c1fe8;
  --jp-mirror-editor-atom-color: #6161b8;
  --jp-mirror-editor-bracket-color: #6b6b54;
  --jp-mirror-editor-quote-color: #007a00;
  --jp-mirror-editor-error-color: #dd0000;
  --jp-mirror-editor-hr-color: #6b6b6b;
  --r-link-color: #1565c0;
}
/* A link inside a sentence is underlined, not told apart by its colour alone (the articles' links). */
p a, li a, td a, .jp-RenderedHTMLCommon p a, .jp-RenderedHTMLCommon li a { text-decoration: underline !important; }
/* reveal's slide number: white on a darker backing than its default 40% black (2.8:1 on white). */
.reveal .slide-number { color: #fff; background-color: rgba(0, 0, 0, 0.75); }`;

/**
 * A focus ring on everything that takes focus from the keyboard, and the skip link shown on focus.
 * `main` takes focus only as the skip link's target, so it needs no ring. MathJax's "Typesetting
 * math: 100%" box, a second of progress text outside every landmark, is not shown.
 */
export const FOCUS_STYLE = `:focus-visible { outline: 3px solid #1565c0 !important; outline-offset: 2px; }
.scratchnet-skip { position: absolute; left: -10000px; top: 4px; z-index: 100; background: #fff; color: #1565c0;
  padding: 6px 10px; font: 15px/1.4 system-ui, sans-serif; }
.scratchnet-skip:focus { left: 8px; }
.scratchnet-main { display: block; }
.scratchnet-main:focus { outline: none; }
#MathJax_Message { display: none !important; }`;

/**
 * reveal.js keeps the slides before and after the current one in the page at opacity 0, so Tab
 * would stop on their links and formulas, out of sight. Hidden, they leave the Tab order (and the
 * screen reader's view) until they are shown; their descendants too, since MathJax's formulas set
 * their own visibility, and the same for fragments not yet shown. reveal's "back" arrow is drawn at 0.3 opacity: a
 * faint arrow with a ring around it is no visible focus, so a focused arrow is drawn in full.
 */
export const DECK_STYLE = `<style>
.reveal .slides section.past, .reveal .slides section.future,
.reveal .slides section.past *, .reveal .slides section.future *,
.reveal .slides .fragment:not(.visible) * { visibility: hidden !important; }
.reveal .controls button:focus-visible { opacity: 1 !important; }
</style>`;

/** The `<style>` element both pages and decks get, after nbconvert's own styles so it wins. */
export const A11Y_STYLE = `<style>\n${CONTRAST_STYLE}\n${FOCUS_STYLE}\n</style>`;

/** `<html>` with lang="en", unless the page already says its language. */
export function withLanguage(html: string, lang = "en"): string {
  return html.replace(/<html(?![^>]*\blang=)([^>]*)>/, (_, attrs: string) => `<html lang="${lang}"${attrs}>`);
}

/** A link that moves the keyboard past the navigation to `#id`, the first focusable thing on a page. */
export function skipLink(id = "main"): string {
  return `<a class="scratchnet-skip" href="#${id}">Skip to the content</a>`;
}

/**
 * Wraps everything between the end of `start` (a regex matching the opening part, e.g. the body
 * tag and the top navigation) and the start of `end` in `<main id="main">`. Throws when either is
 * missing, so a changed nbconvert template fails the export instead of losing the landmark quietly.
 */
export function wrapInMain(html: string, start: RegExp, end: RegExp): string {
  const open = start.exec(html);
  if (!open) throw new Error(`export: no ${start} in the page to start <main> after`);
  const from = open.index + open[0].length;
  const rest = html.slice(from);
  // the last match of `end`: the page's closing part
  let close = -1;
  for (const m of rest.matchAll(new RegExp(end.source, end.flags.includes("g") ? end.flags : end.flags + "g"))) close = m.index ?? -1;
  if (close < 0) throw new Error(`export: no ${end} in the page to end <main> before`);
  return `${html.slice(0, from)}\n<main id="main" class="scratchnet-main" tabindex="-1">${rest.slice(0, close)}</main>\n${rest.slice(close)}`;
}
