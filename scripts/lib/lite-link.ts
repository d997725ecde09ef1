/**
 * The exported site's hook into the lite site (npm run lite): a "run in your browser" link beside
 * each notebook of the index, when SCRATCHNET_LITE_URL says where lite-site/ is hosted relative
 * to the exported site (e.g. "../lite-site/", or a full URL). Unset, the index has no such link.
 */

function escapeAttr(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

/** The link for the page `NN-name.html` (its notebook NN-name.ipynb), or "" without a lite URL. */
export function liteLink(page: string, title: string, edition?: string, base = process.env.SCRATCHNET_LITE_URL): string {
  if (!base || !/\.html$/.test(page)) return "";
  const folder = edition && /student/i.test(edition) ? "student" : "full";
  const href = `${base.replace(/\/?$/, "/")}${folder}/notebooks/index.html?path=${encodeURIComponent(page.replace(/\.html$/, ".ipynb"))}`;
  return ` <a class="slides-link" href="${escapeAttr(href)}">run in your browser<span class="visually-hidden">: ${escapeAttr(title)}</span></a>`;
}
