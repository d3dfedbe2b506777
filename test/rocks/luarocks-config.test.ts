/**
 * One `luarocks config` answers what took four luarocks starts: the module paths computed from it
 * are the ones the system's luarocks prints itself (`luarocks --tree <root> path --lr-path` and
 * `--lr-cpath`), for Lua 5.1 and 5.4, for its default trees and for a config with named trees,
 * their own module dirs and another Lua version's dir, and with a HOME that needs quoting among the
 * configured trees; the
 * output of later luarocks versions (no leading "/" in the module paths) reads the same; output
 * that is not a configuration is a clear error.
 */
import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LuaRocksError } from "../../sdk/rocks";
import { luaRocksConfig, parseLuaRocksConfig, treeModulePaths } from "../../sdk/rocks/luarocks-config";
import { localTarget } from "../../sdk/target";
import { makeTempDir } from "./helpers";

let temp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  temp = await makeTempDir("config");
});
afterAll(() => temp?.cleanup());

async function luarocks(env: Record<string, string>, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)("luarocks", args, { env: { ...process.env, ...env } });
  return stdout;
}

/** A HOME of its own (the user tree lives in it), optionally with a user config file. */
async function home(name: string, config?: string): Promise<Record<string, string>> {
  const dir = join(temp.dir, name);
  await mkdir(dir, { recursive: true });
  if (config === undefined) return { HOME: dir, LUAROCKS_CONFIG: join(dir, "none.lua") };
  const file = join(dir, "config.lua");
  await writeFile(file, config);
  return { HOME: dir, LUAROCKS_CONFIG: file };
}

describe("module paths from luarocks' configuration", () => {
  const namedTrees = (root: string) => `rocks_trees = {
  { name = "user", root = home .. "/.luarocks" },
  { name = "lab", root = "${root}/lab", lua_dir = "${root}/lab-lua/lua/5.3/mods", lib_dir = "${root}/lab-lib" },
  "${root}//double",
  { name = "system", root = "/usr/local" },
}
`;
  const cases = [
    { name: "default trees", env: () => home("plain") },
    { name: "named trees with their own dirs", env: () => home("named", namedTrees(temp.dir)) },
    { name: 'a HOME with a space, a quote, a backslash and "ä"', env: () => home('ho "ä\\ x') },
  ];
  for (const luaVersion of ["5.1", "5.4"]) {
    for (const { name, env: makeEnv } of cases) {
      it(`Lua ${luaVersion}, ${name}: the same as luarocks path --lr-path/--lr-cpath`, async () => {
        const env = await makeEnv();
        const config = parseLuaRocksConfig(await luarocks(env, "--lua-version", luaVersion, "config"));
        expect(config.homeTree).toBe(join(env.HOME!, ".luarocks"));
        expect(config.lua).toBe(`/usr/bin/lua${luaVersion}`);
        // Roots as bioxen-luavm passes them to --tree (validated: no quotes, spaces or backslashes, which luarocks would rewrite).
        const roots = [join(temp.dir, "some-tree"), "/", ...(/^[\w./+-]+$/.test(config.homeTree) ? [config.homeTree] : [])];
        for (const root of roots) {
          const lr = (flag: string) => luarocks(env, "--lua-version", luaVersion, "--tree", root, "path", flag).then((out) => out.trim());
          expect(treeModulePaths(config, root), root).toEqual({ path: await lr("--lr-path"), cpath: await lr("--lr-cpath") });
        }
      });
    }
  }

  it("reads later luarocks' output (module paths without a leading slash, trees as tables)", () => {
    const config = parseLuaRocksConfig(`home_tree = "/home/u/.luarocks"
lib_extension = "so"
lib_modules_path = "lib/lua/5.4"
lua_modules_path = "share/lua/5.4"
lua_version = "5.4"
rocks_subdir = "lib/luarocks/rocks-5.4"
rocks_trees = {
   {
      name = "user",
      root = "/home/u/.luarocks"
   },
   {
      name = "system",
      root = "/opt/homebrew"
   }
}
variables = {
   LUA = "/opt/homebrew/bin/lua5.4",
   ["ODD-KEY"] = 1e+300,
   ["__proto__"] = { LUA = "/not/this" }
}
__proto__ = { home_tree = "/not/this" }
`);
    expect(config).toMatchObject({ lua: "/opt/homebrew/bin/lua5.4", rocksSubdir: "lib/luarocks/rocks-5.4" });
    expect(treeModulePaths(config, "/srv/t")).toEqual({
      path: "/srv/t/share/lua/5.4/?.lua;/srv/t/share/lua/5.4/?/init.lua;/home/u/.luarocks/share/lua/5.4/?.lua;/home/u/.luarocks/share/lua/5.4/?/init.lua;/opt/homebrew/share/lua/5.4/?.lua;/opt/homebrew/share/lua/5.4/?/init.lua",
      cpath: "/srv/t/lib/lua/5.4/?.so;/home/u/.luarocks/lib/lua/5.4/?.so;/opt/homebrew/lib/lua/5.4/?.so",
    });
  });

  it("output that is not a whole configuration is an error naming what is wrong", () => {
    expect(() => parseLuaRocksConfig("/root/.luarocks\n")).toThrow(/not Lua assignments/);
    expect(() => parseLuaRocksConfig('home_tree = "/h"\n')).toThrow(/variables\.LUA is missing/);
  });

  it("a luarocks that prints no configuration fails with the target, the problem and what to check", async () => {
    const dir = join(temp.dir, "fake");
    await mkdir(dir, { recursive: true });
    const fake = join(dir, "luarocks");
    await writeFile(fake, "#!/bin/sh\necho 'LuaRocks 2.4.4, the Lua package manager'\n", { mode: 0o755 });
    const error = await luaRocksConfig({ target: localTarget(), command: fake, env: {} }, Date.now() + 30_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LuaRocksError);
    expect((error as Error).message).toMatch(/config.*local.*not Lua assignments[\s\S]*luarocks config/);
  });
});
