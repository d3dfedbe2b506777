import { askedOnce } from "./config-answers";
import { luaRocksConfig } from "./luarocks-config";
import { LuaRocksError, stderrTail, unusableConfigError } from "./errors";
import { remainingMs, runLuaRocks, type LuaRocksSetup } from "./invocation";
import { validateTreePath } from "./validate";

/** Which rocks tree to work on: luarocks' system tree, the user's home tree, or a directory. */
export type RockTree = "system" | "user" | { path: string };

/**
 * Finds the root directory of `tree` on the target and makes sure it exists. Named trees are
 * asked of luarocks itself, once per process (`luarocks config …`, with the caller's env, so HOME is honoured);
 * every later command then passes `--tree <root>` explicitly (`--local` refuses to run as root).
 */
export async function resolveTreeRoot(
  setup: LuaRocksSetup,
  tree: RockTree,
  deadline: number,
  signal?: AbortSignal,
): Promise<string> {
  const root = typeof tree === "object" ? tree.path.replace(/(.)\/+$/, "$1") : await namedTreeRoot(setup, tree, deadline, signal);
  const made = await setup.target.exec(["mkdir", "-p", "--", root], { deadline: remainingMs(deadline), signal });
  if (made.exitCode !== 0) {
    throw new LuaRocksError({
      operation: "prepare tree",
      rock: "",
      target: setup.target.description,
      exitCode: made.exitCode,
      stderrTail: stderrTail(made.stderr),
      hint: `Could not create the rocks tree ${root}; check the path and permissions.`,
    });
  }
  return root;
}

/** The user tree's root is luarocks' `home_tree` (its configuration is asked once per process); the system tree's is asked once per process. */
async function namedTreeRoot(setup: LuaRocksSetup, tree: "system" | "user", deadline: number, signal?: AbortSignal): Promise<string> {
  if (tree === "user") return validateTreePath((await luaRocksConfig(setup, deadline, signal)).homeTree, "tree (luarocks home_tree)");
  return askedOnce(setup, tree, "tree root", () => systemTreeRoot(setup, deadline, signal));
}

async function systemTreeRoot(setup: LuaRocksSetup, deadline: number, signal?: AbortSignal): Promise<string> {
  const query = (key: string) =>
    runLuaRocks(setup, { operation: "config", rock: "", flags: ["--global"], args: ["config", key], deadline, signal }).then((r) => r.stdout.trim());
  // The system tree's root is its rocks dir minus the per-version rocks subdir.
  const [rocksDir, rocksSubdir] = await Promise.all([query("rocks_dir"), query("rocks_subdir")]);
  if (!rocksSubdir || !rocksDir.endsWith(rocksSubdir)) {
    throw unusableConfigError(
      setup.target.description,
      `Cannot derive the system tree from rocks_dir ${JSON.stringify(rocksDir)} and rocks_subdir ${JSON.stringify(rocksSubdir)}; pass tree: { path } instead.`,
    );
  }
  return validateTreePath(rocksDir.slice(0, -rocksSubdir.length) || "/", "tree (luarocks system tree)");
}
