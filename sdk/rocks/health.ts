/**
 * The health check of an installed rock: every module its rockspec declares (as `luarocks show
 * --modules` lists them from the installed rock's manifest) is `require`d by the Lua that
 * luarocks installs for, with the tree's paths, one `pcall(require, …)` each; a failure keeps the
 * module's name and the Lua error. Output lines carry a random token so a module that prints
 * while loading cannot forge or break the report.
 */
import { randomBytes } from "node:crypto";

/** The outcome of loading one module. */
export interface ModuleHealth {
  /** The module name as given to `require` ("socket.http"). */
  module: string;
  /** True when `require` returned. */
  loaded: boolean;
  /** The Lua error when it did not (or why there is no answer). */
  error?: string;
}

/** The health of one installed rock: healthy exactly when every module loads. */
export interface RockHealth {
  name: string;
  healthy: boolean;
  /** Every module the rock declares, in the order luarocks lists them. */
  modules: ModuleHealth[];
}

/** Module names as luarocks lists them (anything else is not passed to Lua). */
const MODULE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/**
 * The checker, run as `lua - <module>…` with the program on stdin: `package.path`/`cpath` come
 * from BIOXEN_LUA_PATH/BIOXEN_LUA_CPATH (every Lua version reads them the same way), and each
 * result is one line `<token>\t(ok|fail)\t<module>[\t<escaped error>]`.
 * Given BIOXEN_ROCK_TREE, _NAME and _VERSION instead of modules, it first reads the modules that
 * version declares where `luarocks show --modules` reads them — the tree manifest's entry,
 * `<tree>/lib/luarocks/rocks-<Lua version>/manifest` (luarocks' layout) — and reports each as
 * `<token>\tmodule\t<module>` (sorted, as luarocks lists them), then `<token>\tlisted`; with no
 * such manifest or entry it ends without a line (the caller then asks luarocks).
 */
export const HEALTH_PROGRAM = `
local token = os.getenv("BIOXEN_HEALTH_TOKEN")
package.path = os.getenv("BIOXEN_LUA_PATH") or package.path
package.cpath = os.getenv("BIOXEN_LUA_CPATH") or package.cpath
local out = io.stdout
local function escape(text)
  return (tostring(text):gsub("\\\\", "\\\\\\\\"):gsub("\\n", "\\\\n"):gsub("\\t", "\\\\t"))
end
local function manifest_of(tree)
  local file = tree .. "/lib/luarocks/rocks-" .. _VERSION:match("%d+%.%d+") .. "/manifest"
  local env = {}
  local chunk
  if setfenv then
    chunk = loadfile(file)
    if chunk then setfenv(chunk, env) end
  else
    chunk = loadfile(file, "t", env)
  end
  if chunk and pcall(chunk) then return env end
end
local modules = {}
for i = 1, #arg do modules[i] = arg[i] end
local tree = os.getenv("BIOXEN_ROCK_TREE")
if tree then
  local manifest = manifest_of(tree)
  local versions = manifest and type(manifest.repository) == "table" and manifest.repository[os.getenv("BIOXEN_ROCK_NAME")]
  local entry = type(versions) == "table" and versions[os.getenv("BIOXEN_ROCK_VERSION")]
  local declared = type(entry) == "table" and type(entry[1]) == "table" and entry[1].modules
  if type(declared) ~= "table" then return end
  for name in pairs(declared) do
    if type(name) == "string" and name:match("^[%w_][%w_.%-]*$") then modules[#modules + 1] = name end
  end
  table.sort(modules)
  for _, name in ipairs(modules) do out:write(token, "\\tmodule\\t", name, "\\n") end
  out:write(token, "\\tlisted\\n")
  out:flush()
end
for _, name in ipairs(modules) do
  local ok, err = pcall(require, name)
  if ok then out:write(token, "\\tok\\t", name, "\\n")
  else out:write(token, "\\tfail\\t", name, "\\t", escape(err), "\\n") end
  out:flush()
end
`;

/** The module names of `luarocks show --modules` output (one per line). */
export function parseModuleList(stdout: string): string[] {
  return stdout
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => MODULE.test(line));
}

/**
 * The modules the checker read from the tree manifest (see {@link HEALTH_PROGRAM}), or undefined
 * when it did not list them (no manifest or entry, or it did not run): then ask luarocks.
 */
export function parseListedModules(stdout: string, token: string): string[] | undefined {
  const lines = stdout.split("\n").map((line) => line.split("\t")).filter(([mark]) => mark === token);
  // Only lines before "listed": the modules' own output comes after it.
  const end = lines.findIndex(([, kind]) => kind === "listed");
  if (end < 0) return undefined;
  return lines.slice(0, end).filter(([, kind, module]) => kind === "module" && module !== undefined && MODULE.test(module)).map(([, , module]) => module!);
}

/** A fresh token for one run of {@link HEALTH_PROGRAM}. */
export function healthToken(): string {
  return randomBytes(12).toString("hex");
}

/**
 * The health of `name` from the checker's stdout; a module without a line (the interpreter died
 * or exited while loading it, or after) fails with `ended` as its error.
 */
export function parseHealthReport(name: string, modules: readonly string[], stdout: string, token: string, ended: string): RockHealth {
  const results = new Map<string, ModuleHealth>();
  for (const line of stdout.split("\n")) {
    const [mark, outcome, module, error] = line.split("\t");
    if (mark !== token || (outcome !== "ok" && outcome !== "fail") || !modules.includes(module) || results.has(module)) continue;
    results.set(module, outcome === "ok" ? { module, loaded: true } : { module, loaded: false, error: unescape(error ?? "") });
  }
  const checked = modules.map((module) => results.get(module) ?? { module, loaded: false, error: ended });
  return { name, healthy: checked.every((m) => m.loaded), modules: checked };
}

/** One line per failed module, `<module>: <Lua error>`, for messages and outputs. */
export function healthProblems(health: RockHealth): string[] {
  return health.modules.filter((m) => !m.loaded).map((m) => `${m.module}: ${m.error}`);
}

function unescape(text: string): string {
  return text.replace(/\\(\\|n|t)/g, (_, c: string) => (c === "n" ? "\n" : c === "t" ? "\t" : "\\"));
}
