/**
 * Installs the project's tslab kernelspec (jupyter/kernels/tslab/kernel.json) into a Jupyter
 * prefix, as <prefix>/share/jupyter/kernels/tslab/kernel.json, for a Jupyter that does not use
 * the project's JUPYTER_PATH (Binder's or JupyterHub's notebook server). The argv is the same; only
 * `{resource_dir}`, which the copy would change, is resolved to this checkout.
 *   node binder/install-kernel.cjs <prefix>      (postBuild passes $NB_PYTHON_PREFIX)
 */
const { mkdirSync, readFileSync, writeFileSync } = require("fs");
const { join, resolve } = require("path");

const SOURCE = resolve(__dirname, "..", "jupyter", "kernels", "tslab");

/**
 * The kernelspec with {resource_dir} replaced by the absolute path of the project's kernel folder;
 * with `node`, that Node instead of the first `node` on PATH (an editor may start kernels with a
 * PATH that has none).
 */
function installedSpec(node) {
  const spec = JSON.parse(readFileSync(join(SOURCE, "kernel.json"), "utf8"));
  spec.argv = spec.argv.map((arg) => (arg.includes("{resource_dir}") ? resolve(arg.split("{resource_dir}").join(SOURCE)) : arg));
  if (node && spec.argv[0] === "node") spec.argv[0] = node;
  return spec;
}

/** Writes the kernelspec into the kernel folder `dir`; returns the kernel.json path. */
function writeKernel(dir, node) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "kernel.json");
  writeFileSync(file, JSON.stringify(installedSpec(node), null, 2) + "\n");
  return file;
}

/** Writes the kernelspec under a Jupyter prefix: <prefix>/share/jupyter/kernels/tslab/kernel.json. */
function installKernel(prefix) {
  return writeKernel(join(resolve(prefix), "share", "jupyter", "kernels", "tslab"));
}

module.exports = { installKernel, installedSpec, writeKernel, SOURCE };

if (require.main === module) {
  const prefix = process.argv[2];
  if (!prefix) {
    process.stderr.write("usage: node binder/install-kernel.cjs <jupyter prefix, e.g. $NB_PYTHON_PREFIX>\n");
    process.exit(2);
  }
  process.stderr.write(`installed the tslab kernel: ${installKernel(prefix)}\n`);
}
