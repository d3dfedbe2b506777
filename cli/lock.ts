/** `bioxen-luavm lock <environment file>`: resolves every package to an exact version and writes `<file>.lock`. */
import { lockEnvironmentFile } from "../sdk/env";
import { UsageError } from "./check";

/** Usage of the command. */
export const LOCK_USAGE = "usage: bioxen-luavm lock <environment file>   (writes <environment file>.lock; commit it next to the file)";

/** Writes the lock file and says what it holds; returns the exit code. */
export async function lock(args: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  if (args.length !== 1) throw new UsageError(LOCK_USAGE);
  const written = await lockEnvironmentFile(args[0]);
  const names = Object.keys(written.packages).sort();
  out.write(`${written.file}: ${names.length} package(s)\n${names.map((name) => `  ${name} ${written.packages[name]}\n`).join("")}`);
  return 0;
}
