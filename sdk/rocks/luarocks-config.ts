/**
 * luarocks' whole configuration from one `luarocks config` run (it prints every setting as a Lua
 * assignment, `key = value`), and what luarocks derives from it: a tree's module paths, as
 * `luarocks --tree <root> path --lr-path` / `--lr-cpath` print them (cfg.package_paths and
 * util.cleanup_path of luarocks 3). One luarocks start then answers what took four (the home
 * tree, the Lua it installs for, the two paths): each start costs ~0.25 s of CPU on the target
 * (Debian's `lua-any` wrapper and luarocks' own probes start ~40 processes) and, over SSH, a
 * round trip.
 */
import type { Expression } from "luaparse";
import { luaparse } from "../base/lazy-modules";
import { askedOnce } from "./config-answers";
import { unusableConfigError } from "./errors";
import { runLuaRocks, type LuaRocksSetup } from "./invocation";

/** A rocks tree as luarocks lists it in `rocks_trees`: a root, or a table with its own module dirs. */
interface ConfiguredTree {
  root: string;
  luaDir?: string;
  libDir?: string;
}

/** The settings of one `luarocks config` that bioxen-luavm uses. */
export interface LuaRocksConfig {
  /** The user tree's root (`home_tree`). */
  homeTree: string;
  /** The Lua interpreter luarocks installs for (`variables.LUA`). */
  lua: string;
  /** The Lua version luarocks installs for (`lua_version`, "5.4"). */
  luaVersion: string;
  /** A tree's per-Lua-version rocks directory below its root (`rocks_subdir`: "/lib/luarocks/rocks-5.4" in luarocks 3.8, without the first "/" in later ones). */
  rocksSubdir: string;
  /** Below a tree's root: its Lua modules (`lua_modules_path`) and C modules (`lib_modules_path`). */
  luaModulesPath: string;
  libModulesPath: string;
  /** File extension of C modules (`lib_extension`, "so"). */
  libExtension: string;
  /** The configured trees (`rocks_trees`), searched after the tree a command works on. */
  rocksTrees: ConfiguredTree[];
}

/** A config value as a JavaScript value: strings, numbers, booleans and tables (as an object of fields and an array of items). */
type LuaValue = string | number | boolean | null | LuaTable;
interface LuaTable {
  fields: Record<string, LuaValue>;
  items: LuaValue[];
}

/**
 * The settings bioxen-luavm needs from `luarocks config` output. Throws (naming the setting) when
 * the output is not Lua assignments or lacks one, e.g. a luarocks older than 3 or a broken config.
 */
export function parseLuaRocksConfig(text: string): LuaRocksConfig {
  const settings = assignments(text);
  const setting = (key: string, value: LuaValue | undefined = settings[key]): string => {
    if (typeof value !== "string" || value === "") throw new Error(`luarocks config: ${key} is ${value === undefined ? "missing" : "not a non-empty string"}`);
    return value;
  };
  const variables = settings.variables;
  const trees = settings.rocks_trees;
  const config = {
    homeTree: setting("home_tree"),
    lua: setting("variables.LUA", isTable(variables) ? variables.fields.LUA : undefined),
    luaVersion: setting("lua_version"),
    rocksSubdir: setting("rocks_subdir"),
    luaModulesPath: setting("lua_modules_path"),
    libModulesPath: setting("lib_modules_path"),
    libExtension: setting("lib_extension"),
  };
  if (!isTable(trees)) throw new Error("luarocks config: rocks_trees is missing");
  return { ...config, rocksTrees: trees.items.map((tree, i) => configuredTree(tree, `rocks_trees[${i + 1}]`)) };
}

/**
 * luarocks' configuration on the target as `setup` runs it (asked once per process, see
 * {@link askedOnce}). Throws a LuaRocksError when luarocks fails or its output lacks a setting.
 */
export function luaRocksConfig(setup: LuaRocksSetup, deadline: number, signal?: AbortSignal): Promise<LuaRocksConfig> {
  return askedOnce(setup, "", "config", async () => {
    const { stdout } = await runLuaRocks(setup, { operation: "config", rock: "", args: ["config"], deadline, signal });
    try {
      return parseLuaRocksConfig(stdout);
    } catch (error) {
      throw unusableConfigError(
        setup.target.description,
        "Check that `luarocks config` on the target prints the configuration as `key = value` lines (luarocks 3), and that its config files load.",
        (error as Error).message,
      );
    }
  });
}

/** The module paths luarocks gives for `root`: `luarocks --tree <root> path --lr-path` and `--lr-cpath`. */
export function treeModulePaths(config: LuaRocksConfig, root: string): { path: string; cpath: string } {
  const trees: ConfiguredTree[] = [{ root }, ...config.rocksTrees];
  const luaDirs = trees.map((tree) => tree.luaDir ?? below(tree.root, config.luaModulesPath));
  const libDirs = trees.map((tree) => tree.libDir ?? below(tree.root, config.libModulesPath));
  return {
    path: cleanupPath(luaDirs.flatMap((dir) => [`${dir}/?.lua`, `${dir}/?/init.lua`]), config.luaVersion),
    cpath: cleanupPath(libDirs.map((dir) => `${dir}/?.${config.libExtension}`), config.luaVersion),
  };
}

/** `sub` below `root`: luarocks 3.8 writes module paths with a leading "/" and appends them, later ones write them without and join with "/". */
function below(root: string, sub: string): string {
  return `${root.replace(/\/+$/, "")}/${sub.replace(/^\/+/, "")}`;
}

/** luarocks' util.cleanup_path(list, ";", luaVersion, keep_first = true): "//" → "/", other Lua versions' dirs → this one's, first occurrence kept. */
function cleanupPath(parts: string[], luaVersion: string): string {
  const kept = new Set<string>();
  for (const part of parts) {
    kept.add(part.replace(/\/\//g, "/").replace(/\/lua\/([\d.]+)\//g, (whole, version: string) => (version.startsWith(luaVersion) ? whole : `/lua/${luaVersion}/`)));
  }
  return [...kept].join(";");
}

function configuredTree(value: LuaValue, what: string): ConfiguredTree {
  if (typeof value === "string") return { root: value };
  if (!isTable(value) || typeof value.fields.root !== "string") throw new Error(`luarocks config: ${what} has no root`);
  const dir = (key: string) => (typeof value.fields[key] === "string" ? (value.fields[key] as string) : undefined);
  return { root: value.fields.root, luaDir: dir("lua_dir"), libDir: dir("lib_dir") };
}

/** The `name = value` statements of the output; values that are not literals (none expected) become null. */
function assignments(text: string): Record<string, LuaValue> {
  let chunk;
  try {
    // One character per byte in (pseudo-latin1), so a string's bytes, escaped or not, come out as written.
    chunk = luaparse().parse(Buffer.from(text, "utf8").toString("latin1"), { encodingMode: "pseudo-latin1", luaVersion: "5.3", scope: false, locations: false, ranges: false, comments: false });
  } catch (error) {
    throw new Error(`luarocks config: its output is not Lua assignments (${(error as Error).message})`);
  }
  // No prototype: a key such as "__proto__" in the output is just a key.
  const settings: Record<string, LuaValue> = Object.create(null);
  for (const statement of chunk.body) {
    if (statement.type !== "AssignmentStatement") continue;
    statement.variables.forEach((variable, i) => {
      if (variable.type === "Identifier") settings[variable.name] = literal(statement.init[i]);
    });
  }
  return settings;
}

function literal(expression: Expression | undefined): LuaValue {
  switch (expression?.type) {
    case "StringLiteral":
      // One character per byte: the bytes are UTF-8.
      return Buffer.from(expression.value ?? "", "latin1").toString("utf8");
    case "NumericLiteral":
      return expression.value;
    case "BooleanLiteral":
      return expression.value;
    case "TableConstructorExpression":
      return tableOf(expression.fields);
    default:
      return null;
  }
}

function tableOf(fields: Extract<Expression, { type: "TableConstructorExpression" }>["fields"]): LuaTable {
  const table: LuaTable = { fields: Object.create(null), items: [] };
  for (const field of fields) {
    if (field.type === "TableValue") table.items.push(literal(field.value));
    else if (field.type === "TableKeyString") table.fields[field.key.name] = literal(field.value);
    else {
      const key = literal(field.key);
      if (typeof key === "string") table.fields[key] = literal(field.value);
    }
  }
  return table;
}

function isTable(value: LuaValue | undefined): value is LuaTable {
  return typeof value === "object" && value !== null;
}
