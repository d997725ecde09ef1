/**
 * The one argument parser of the project's commands: node:util parseArgs, strict, plus `--help`.
 * An unknown flag or a missing value stops the command with the message and its usage (exit 2),
 * so a typo such as `--job 3` is never silently ignored.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;

export function commandArgs<O extends Options>(usage: string, options: O, argv = process.argv.slice(2), allowPositionals = false) {
  try {
    const parsed = parseArgs({ args: argv, options: { ...options, help: { type: "boolean", short: "h" } }, strict: true, allowPositionals });
    if ((parsed.values as { help?: boolean }).help) {
      process.stdout.write(`${usage}\n`);
      process.exit(0);
    }
    return parsed as ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true; args: string[] }>>;
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      process.stderr.write(`${(err as Error).message}\n${usage}\n`);
      process.exit(2);
    }
    throw err;
  }
}
