/**
 * `npm run kernel:install`: installs the course's kernelspec, "TypeScript (tslab)", for the current
 * user, so that VS Code's notebook editor, a JupyterLab of your own or any other Jupyter lists it.
 * Only on request: `npm start` and the tests never need it (they use the project's JUPYTER_PATH).
 *   npm run kernel:install [-- --uninstall]
 * The kernel runs this checkout's tslab with this Node (absolute paths), so a move of the checkout
 * or a new Node needs a new install.
 */
import { existsSync, rmSync } from "fs";
import { homedir } from "os";
import { join } from "path";
import { commandArgs } from "./lib/args";

// The same kernelspec as Binder's image gets (binder/install-kernel.cjs), with this Node's path.
const { writeKernel } = require("../binder/install-kernel.cjs") as { writeKernel(dir: string, node?: string): string };

const HELP = `usage: npm run kernel:install [-- --uninstall]
  installs (or with --uninstall removes) the "TypeScript (tslab)" kernel for the current user:
  ${join(userDataDir(), "kernels", "tslab")}`;

/** Jupyter's per-user data folder, as jupyter_core finds it (JUPYTER_DATA_DIR first). */
export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  const home = env.HOME ?? homedir();
  if (platform === "darwin") return join(home, "Library", "Jupyter");
  if (platform === "win32") return join(env.APPDATA ?? join(home, "AppData", "Roaming"), "jupyter");
  return join(env.XDG_DATA_HOME || join(home, ".local", "share"), "jupyter");
}

function main(): void {
  const { values } = commandArgs(HELP, { uninstall: { type: "boolean", default: false } });
  const dir = join(userDataDir(), "kernels", "tslab");
  if (values.uninstall) {
    if (!existsSync(dir)) return void console.log(`no tslab kernel to remove at ${dir}`);
    rmSync(dir, { recursive: true, force: true });
    return void console.log(`removed the tslab kernel: ${dir}`);
  }
  const file = writeKernel(dir, process.execPath);
  console.log(`installed "TypeScript (tslab)" for this user: ${file}\nVS Code: open a notebook, "Select Kernel" > "Jupyter Kernel..." > "TypeScript (tslab)".`);
}

if (require.main === module) main();
