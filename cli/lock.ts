/** `bioxen-luavm lock <environment file>`: resolves every package and its dependencies to exact versions and writes `<file>.lock`. */
import { parseArgs } from "node:util";
import { lockEnvironmentFile } from "../sdk/env";
import { validateLuaVersion } from "../sdk/rocks";
import { UsageError } from "./check";

/** Usage of the command. */
export const LOCK_USAGE = "usage: bioxen-luavm lock [--lua-version 5.x] <environment file>   (writes <environment file>.lock; commit it next to the file)";

/** Writes the lock file and says what it holds; returns the exit code. */
export async function lock(args: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { values, positionals } = parseLockArgs(args);
  // Dependencies may differ by Lua version: resolve them for the one the targets run (default: luarocks' own).
  const luaVersion = values["lua-version"] === undefined ? undefined : validateLuaVersion(values["lua-version"], "--lua-version");
  const written = await lockEnvironmentFile(positionals[0]!, luaVersion === undefined ? {} : { luaVersion });
  const names = Object.keys(written.packages).sort();
  out.write(`${written.file}: ${names.length} package(s)\n${names.map((name) => `  ${name} ${written.packages[name]}\n`).join("")}`);
  return 0;
}

function parseLockArgs(args: readonly string[]) {
  try {
    const parsed = parseArgs({ args: [...args], options: { "lua-version": { type: "string" } }, allowPositionals: true });
    if (parsed.positionals.length === 1) return parsed;
  } catch {
    // an unknown option: the usage says what is accepted
  }
  throw new UsageError(LOCK_USAGE);
}
