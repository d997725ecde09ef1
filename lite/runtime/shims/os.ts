/** Node's `os`, as much as the course uses: a temporary folder (in the page's memory file system). */
export function tmpdir(): string {
  return "/tmp";
}
export function platform(): string {
  return "browser";
}
export const EOL = "\n";
export default { tmpdir, platform, EOL };
