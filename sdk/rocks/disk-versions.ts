import { remainingMs } from "./invocation";
import type { LuaRocksSetup } from "./invocation";

/**
 * The versions of `name` in the tree, read from its rocks directory
 * (`<root>/<rocks_subdir>/<name>/<version>/`) with one `ls`, not a luarocks start: luarocks keeps
 * exactly one directory per installed version there. Undefined when the directory could not be
 * read for another reason than not existing (the caller then asks `luarocks list`).
 * @param rocksSubdir the tree's per-Lua-version rocks directory, e.g. "lib/luarocks/rocks-5.4"
 */
export async function versionsOnDisk(
  setup: LuaRocksSetup,
  root: string,
  rocksSubdir: string,
  name: string,
  deadline: number,
  signal?: AbortSignal,
): Promise<string[] | undefined> {
  const dir = `${root.replace(/\/+$/, "")}/${rocksSubdir.replace(/^\/+|\/+$/g, "")}/${name}`;
  const result = await setup.target.exec(["ls", "-1", "--", dir], { deadline: remainingMs(deadline), signal });
  if (result.exitCode !== 0) return /No such file or directory/.test(result.stderr) ? [] : undefined;
  return result.stdout.split("\n").map((line) => line.trim()).filter((line) => /^[A-Za-z0-9._-]+$/.test(line));
}
