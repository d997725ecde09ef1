/**
 * tslab's display API, as the course and the library call it (`display.html`, `display.latex`,
 * `newDisplay()` …): each call becomes a Jupyter display message for the cell that runs now.
 */
import { post } from "../channel";

type Bundle = Record<string, string>;

export interface Display {
  javascript(s: string): void;
  html(s: string): void;
  markdown(s: string): void;
  latex(s: string): void;
  svg(s: string): void;
  png(b: Uint8Array): void;
  jpeg(b: Uint8Array): void;
  gif(b: Uint8Array): void;
  pdf(b: Uint8Array): void;
  text(s: string): void;
  raw(contentType: string, b: string | Uint8Array): void;
}

function base64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

let nextDisplay = 0;

function makeDisplay(id?: string): Display {
  let shown = false;
  const send = (data: Bundle) => {
    // A display made by newDisplay() is drawn once, then updated in place (a live loss chart).
    if (id !== undefined && shown) post("update_display_data", { data, metadata: {}, transient: { display_id: id } });
    else post("display_data", { data, metadata: {}, transient: id === undefined ? {} : { display_id: id } });
    shown = true;
  };
  const raw = (contentType: string, b: string | Uint8Array) => send({ [contentType]: typeof b === "string" ? b : base64(b) });
  return {
    javascript: (s) => raw("application/javascript", s),
    html: (s) => raw("text/html", s),
    markdown: (s) => raw("text/markdown", s),
    latex: (s) => raw("text/latex", s),
    svg: (s) => raw("image/svg+xml", s),
    png: (b) => raw("image/png", b),
    jpeg: (b) => raw("image/jpeg", b),
    gif: (b) => raw("image/gif", b),
    pdf: (b) => raw("application/pdf", b),
    text: (s) => raw("text/plain", s),
    raw,
  };
}

export const display = makeDisplay();
export function newDisplay(): Display {
  return makeDisplay(`scratchnet-lite-display-${nextDisplay++}`);
}
/** tslab's version flag: this is not tslab but speaks its display API. */
export const versions = { tslab: "lite", typescript: "5.9", node: "browser" };
export default { display, newDisplay, versions };
