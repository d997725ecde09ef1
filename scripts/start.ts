/**
 * `npm start`: the course in JupyterLab 4 (`-- --notebook`: Notebook 7), tslab as the notebooks'
 * kernel, on 127.0.0.1 with a token. Where PyPI cannot be reached, the set-up falls back to Debian's
 * classic Notebook 6.4, and this says so. Jupyter's config, data and runtime folders are .jupyter/
 * (the runtime folder mode 700, its files 600) and its kernelspecs jupyter/: nothing goes to $HOME.
 * SCRATCHNET_TOKEN fixes the token (the browser tests use it); otherwise Jupyter makes a random one
 * and prints the URL that carries it.
 */
import { spawn } from "child_process";
import { commandArgs } from "./lib/args";
import { Jupyter, NOTEBOOKS, SetupError, jupyterEnv, log, setup } from "./lib/project";

const HELP = `usage: npm start -- [--notebook] [--port N] [--browser | --no-browser] [-- <more Jupyter server options>]
  (default)    JupyterLab 4 from the project's .venv
  --notebook   Notebook 7 instead (the one-document interface)
  --port N     the port (default: Jupyter's, 8888 or the next free one)
  --browser    open a browser (the default where there is a desktop); --no-browser: never
Where PyPI cannot be reached the classic Notebook 6.4 from Debian is started instead.`;

/** The server's command line: which app, and the options in the names that app reads. */
export function serverArgs(jupyter: Jupyter, opts: { notebook: boolean; port?: string; token?: string; open: boolean; root: boolean }, extra: string[] = []) {
  const classic = jupyter.flavour === "debian";
  // JupyterLab and Notebook 7 are jupyter_server apps (ServerApp, IdentityProvider); the classic
  // Notebook 6.4 has its own NotebookApp.
  const app = classic ? "NotebookApp" : "ServerApp";
  const name = classic ? "the classic Notebook 6.4 (Debian's)" : opts.notebook ? "Notebook 7" : "JupyterLab 4";
  const args = [
    "-m", classic || opts.notebook ? "notebook" : "jupyterlab",
    `--${app}.ip=127.0.0.1`,
    classic ? `--NotebookApp.notebook_dir=${NOTEBOOKS}` : `--ServerApp.root_dir=${NOTEBOOKS}`,
    ...(opts.port ? [`--${app}.port=${opts.port}`, `--${app}.port_retries=0`] : []),
    ...(opts.token ? [classic ? `--NotebookApp.token=${opts.token}` : `--IdentityProvider.token=${opts.token}`] : []),
    "--MappingKernelManager.default_kernel_name=tslab",
    `--${app}.open_browser=${opts.open ? "True" : "False"}`,
    // JupyterLab would ask a server on the internet for news and updates: a course needs neither.
    ...(classic ? [] : ["--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]),
    // jupyter_lsp looks for language servers by running npm, which writes its logs to ~/.npm;
    // none of them serves tslab's TypeScript, so it is not asked to look.
    ...(classic ? [] : ["--LanguageServerManager.autodetect=False"]),
    // Jupyter refuses root unless told; CI and containers run as root.
    ...(opts.root ? ["--allow-root"] : []),
    ...extra,
  ];
  return { args, name };
}

async function main(): Promise<void> {
  const { values, positionals } = commandArgs(
    HELP,
    { notebook: { type: "boolean", default: false }, port: { type: "string" }, browser: { type: "boolean" }, "no-browser": { type: "boolean" } },
    process.argv.slice(2),
    true,
  );
  const { jupyter } = await setup(["jupyter"]);
  if (!jupyter) throw new SetupError("no Jupyter");
  const hasDesktop = process.platform === "darwin" || process.platform === "win32" || !!(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  const open = values.browser === true || (hasDesktop && !values["no-browser"]);
  const { args, name } = serverArgs(
    jupyter,
    { notebook: values.notebook === true, port: values.port, token: process.env.SCRATCHNET_TOKEN, open, root: process.getuid?.() === 0 },
    positionals,
  );
  if (jupyter.flavour === "debian" && values.notebook) log("--notebook: Notebook 7 needs the .venv; the classic Notebook is what there is");
  log(`starting ${name} (${jupyter.why}) on 127.0.0.1 with a token; the URL follows (Ctrl-C twice to stop)`);
  // umask 077: the files Jupyter writes (the server's URL and token, kernels' connection files) are
  // the user's alone, whatever the machine's default umask.
  process.umask(0o077);
  const child = spawn(jupyter.python, args, { cwd: NOTEBOOKS, env: jupyterEnv(), stdio: "inherit" });
  // Ctrl-C reaches the server through the terminal; a SIGTERM sent to this script is passed on.
  process.on("SIGTERM", () => child.kill("SIGTERM"));
  process.on("SIGINT", () => undefined);
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    log(err instanceof SetupError ? err.message : String((err as Error)?.stack ?? err));
    process.exit(1);
  });
}
