/**
 * `npm start`: the course in Jupyter Notebook, tslab as the notebooks' kernel, on 127.0.0.1 with a token.
 *   npm start [-- --port 8888] [-- --no-browser] [-- <more jupyter notebook options>]
 * Sets up first (library built and linked, Jupyter found or installed). Jupyter's config, data and
 * runtime folders are .jupyter/ and its kernelspecs jupyter/, so nothing is written to your home.
 * SCRATCHNET_TOKEN fixes the token (the browser test uses it); otherwise Jupyter makes a random
 * one and prints the URL that carries it.
 */
import { spawn } from "child_process";
import { NOTEBOOKS, SetupError, jupyterEnv, log, setup } from "./lib/project";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const { python } = await setup(["notebook"]);
  const token = process.env.SCRATCHNET_TOKEN;
  const hasDesktop = process.platform === "darwin" || process.platform === "win32" || !!(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  const openBrowser = args.includes("--browser") || (hasDesktop && !args.includes("--no-browser"));
  const passThrough = args.filter((a) => a !== "--browser" && a !== "--no-browser");
  const jupyterArgs = [
    "-m", "notebook",
    "--ip=127.0.0.1",
    `--notebook-dir=${NOTEBOOKS}`,
    ...(token ? [`--NotebookApp.token=${token}`] : []),
    "--MappingKernelManager.default_kernel_name=tslab",
    openBrowser ? "--NotebookApp.open_browser=True" : "--no-browser",
    // Jupyter refuses root unless told; CI and containers run as root.
    ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
    ...passThrough,
  ];
  log(`starting Jupyter Notebook on 127.0.0.1 with a token; the URL follows (Ctrl-C twice to stop)`);
  const child = spawn(python as string, jupyterArgs, { cwd: NOTEBOOKS, env: jupyterEnv(), stdio: "inherit" });
  // Ctrl-C reaches the server through the terminal; a SIGTERM sent to this script is passed on.
  process.on("SIGTERM", () => child.kill("SIGTERM"));
  process.on("SIGINT", () => undefined);
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main().catch((err: unknown) => {
  log(err instanceof SetupError ? err.message : String((err as Error)?.stack ?? err));
  process.exit(1);
});
