import { execFile } from "node:child_process";
import { cp, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Deadline of each `luarocks pack`, `tar` and `luarocks-admin make-manifest` call. */
export const PACK_TIMEOUT_MS = 30_000;

/** Options for {@link packRocks}. */
export interface PackRocksOptions {
  /** A scratch directory for the rock copies and archives (the caller removes it). */
  workDir: string;
  /** Aborts the running luarocks/tar processes. */
  signal?: AbortSignal;
}

/**
 * Packs rock source directories into `.src.rock` files in `repo` and indexes them with
 * `luarocks-admin make-manifest`, so `repo` is a LuaRocks server (as a path, or served over HTTP).
 *
 * Each directory holds exactly one `*.rockspec` and the files it names. Its rockspec may use two
 * placeholders, replaced in a copy: `@ROCK_DIR@` (the copy's absolute path, for single-file
 * sources `file://@ROCK_DIR@/mod.lua`) and `@ROCK_ARCHIVE@` (a `.tar.gz` of the copy whose top
 * directory is the rock directory's name, for multi-file sources).
 */
export async function packRocks(rockDirs: readonly string[], repo: string, options: PackRocksOptions): Promise<void> {
  await mkdir(repo, { recursive: true });
  // allSettled: on a failure, no pack is still writing when the caller removes the work folder.
  const packed = await Promise.allSettled(rockDirs.map((dir) => packRock(dir, repo, options)));
  const failed = packed.find((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
  if (failed) throw failed.reason;
  await run("luarocks-admin", ["make-manifest", repo], { cwd: repo, timeout: PACK_TIMEOUT_MS, signal: options.signal });
}

/** Copies one rock directory, fills in its placeholders and packs it into `repo`. */
async function packRock(rockDir: string, repo: string, { workDir, signal }: PackRocksOptions): Promise<void> {
  const name = basename(rockDir);
  const sources = join(workDir, "src");
  const copy = join(sources, name);
  await cp(rockDir, copy, { recursive: true });
  const rockspec = join(copy, await singleRockspec(copy));
  let text = (await readFile(rockspec, "utf8")).replaceAll("@ROCK_DIR@", copy);
  if (text.includes("@ROCK_ARCHIVE@")) {
    const archive = join(workDir, "archives", `${name}.tar.gz`);
    await mkdir(join(workDir, "archives"), { recursive: true });
    await run("tar", ["-czf", archive, "-C", sources, name], { timeout: PACK_TIMEOUT_MS, signal });
    text = text.replaceAll("@ROCK_ARCHIVE@", archive);
  }
  await writeFile(rockspec, text);
  try {
    await run("luarocks", ["pack", rockspec], { cwd: repo, timeout: PACK_TIMEOUT_MS, signal });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? "";
    throw new Error(`packing rock ${name}: luarocks pack ${basename(rockspec)} failed: ${stderr.trim() || (error as Error).message}`, { cause: error });
  }
}

async function singleRockspec(dir: string): Promise<string> {
  const specs = (await readdir(dir)).filter((file) => file.endsWith(".rockspec"));
  if (specs.length !== 1) throw new Error(`packing rock ${basename(dir)}: expected exactly one .rockspec in ${dir}, found ${specs.length}`);
  return specs[0]!;
}
