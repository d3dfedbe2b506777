import { access, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LuaRocks, LuaRocksError, RockInputError, type LuaRocksOptions } from "../../sdk/rocks";
import { localTarget } from "../../sdk/target/local";
import type { Target } from "../../sdk/target/types";
import { startRocksServer, type RocksServer } from "../support/rocks-server";
import { makeTempDir, recordingTarget } from "./helpers";

const local = localTarget();
let server: RocksServer;
let temp: { dir: string; cleanup: () => Promise<void> };
let home: string;
let treeCount = 0;

beforeAll(async () => {
  [server, temp] = await Promise.all([startRocksServer(), makeTempDir("install")]);
  home = join(temp.dir, "home");
});

afterAll(async () => {
  await server?.stop();
  await temp?.cleanup();
});

/** A LuaRocks on a fresh temp tree, Lua 5.4, the fixture server only, HOME in the temp dir. */
function rocksOnNewTree(options: LuaRocksOptions = {}, target: Target = local): { rocks: LuaRocks; tree: string } {
  const tree = join(temp.dir, `tree-${++treeCount}`);
  const rocks = new LuaRocks(target, { tree: { path: tree }, luaVersion: "5.4", servers: [server.url], env: { HOME: home }, ...options });
  return { rocks, tree };
}

/** Loads `module` from `tree` with the real interpreter and returns what it prints. */
async function luaRequire(tree: string, module: string, field: string, lua = "lua5.4", luaVersion = "5.4"): Promise<string> {
  const result = await local.exec([lua, "-e", `print(require(${JSON.stringify(module)}).${field})`], {
    env: { LUA_PATH: `${tree}/share/lua/${luaVersion}/?.lua;;` },
    deadline: 20_000,
  });
  expect(result.stderr).toBe("");
  return result.stdout.trim();
}

describe("LuaRocks install / list / remove on a local temp tree", () => {
  it("installs an exact version, reports it, and the module loads", async () => {
    const { rocks, tree } = rocksOnNewTree();
    expect(await rocks.install("alpha", { version: "1.0-1" })).toEqual({ name: "alpha", version: "1.0-1" });
    expect(await rocks.installed("alpha")).toBe("1.0-1");
    expect(await rocks.list()).toEqual([{ name: "alpha", version: "1.0-1" }]);
    expect(await luaRequire(tree, "alpha", "version")).toBe("1.0");
  });

  it("installs a version given without revision, and the latest when no version is given", async () => {
    const { rocks } = rocksOnNewTree();
    expect(await rocks.install("alpha", { version: "1.0" })).toEqual({ name: "alpha", version: "1.0-1" });
    const { rocks: other } = rocksOnNewTree();
    expect(await other.install("alpha")).toEqual({ name: "alpha", version: "2.0-1" });
  });

  it("installs the highest version matching a constraint, and resolves constraints like the server would", async () => {
    const { rocks } = rocksOnNewTree();
    expect(await rocks.resolve("alpha")).toBe("2.0-1");
    expect(await rocks.resolve("alpha", "< 2")).toBe("1.0-1");
    expect(await rocks.resolve("alpha", "> 5")).toBeUndefined();
    expect((await rocks.search("alpha")).map((r) => r.version)).toEqual(["2.0-1", "1.0-1"]);
    expect(await rocks.install("alpha", { constraint: ">= 1.0, < 2" })).toEqual({ name: "alpha", version: "1.0-1" });
    const missing = await rocks.install("alpha", { constraint: ">= 3" }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(LuaRocksError);
    expect((missing as Error).message).toMatch(/no version of alpha matching >= 3.*offered: 2\.0-1, 1\.0-1/);
    expect(await rocks.installed("alpha")).toBe("1.0-1");
  });

  it("upgrades and downgrades so exactly one version remains, and refuses the wrong direction", async () => {
    const { rocks, tree } = rocksOnNewTree();
    await rocks.install("alpha", { version: "1.0-1" });
    expect(await rocks.upgrade("alpha")).toEqual({ name: "alpha", version: "2.0-1" });
    expect(await rocks.list()).toEqual([{ name: "alpha", version: "2.0-1" }]);
    expect(await luaRequire(tree, "alpha", "version")).toBe("2.0");

    await expect(rocks.upgrade("alpha", { version: "1.0" })).rejects.toThrow(RockInputError);
    await expect(rocks.downgrade("alpha")).rejects.toThrow(/downgrade needs a version or a constraint/);
    expect(await rocks.downgrade("alpha", { constraint: "< 2" })).toEqual({ name: "alpha", version: "1.0-1" });
    expect(await rocks.list()).toEqual([{ name: "alpha", version: "1.0-1" }]);
    expect(await luaRequire(tree, "alpha", "version")).toBe("1.0");
  });

  it("upgrade removes versions luarocks kept (keep_other_versions)", async () => {
    const keepConfig = join(temp.dir, "keep-config.lua");
    await writeFile(keepConfig, "keep_other_versions = true\n");
    const { rocks } = rocksOnNewTree({ env: { HOME: home, LUAROCKS_CONFIG: keepConfig } });
    await rocks.install("alpha", { version: "1.0-1" });
    await rocks.install("alpha", { version: "2.0-1" });
    expect((await rocks.list()).map((r) => r.version).sort()).toEqual(["1.0-1", "2.0-1"]);
    expect(await rocks.upgrade("alpha", { version: "2.0-1" })).toEqual({ name: "alpha", version: "2.0-1" });
    expect(await rocks.list()).toEqual([{ name: "alpha", version: "2.0-1" }]);
  });

  it("installed() reads the rock's directory in the tree, starting no luarocks, and agrees with luarocks list", async () => {
    const keepConfig = join(temp.dir, "keep-config-installed.lua");
    await writeFile(keepConfig, "keep_other_versions = true\n");
    const target = recordingTarget(local);
    const { rocks } = rocksOnNewTree({ env: { HOME: home, LUAROCKS_CONFIG: keepConfig } }, target);
    expect(await rocks.installed("alpha")).toBeUndefined();
    await rocks.install("alpha", { version: "1.0-1" });
    await rocks.install("alpha", { version: "2.0-1" });
    const luarocksRuns = () => target.calls.filter((argv) => argv.some((arg) => /luarocks$/.test(arg))).length;
    const before = luarocksRuns();
    expect(await rocks.installed("alpha")).toBe("2.0-1");
    expect(await rocks.installed("beta")).toBeUndefined();
    expect(luarocksRuns(), "no luarocks started by installed()").toBe(before);
    expect((await rocks.list()).map((r) => r.version).sort()).toEqual(["1.0-1", "2.0-1"]);
    await rocks.remove("alpha", { version: "2.0-1" });
    expect(await rocks.installed("alpha")).toBe("1.0-1");
    await rocks.remove("alpha");
    expect(await rocks.installed("alpha")).toBeUndefined();
    // Without luaVersion the rocks directory's name comes from luarocks' configuration (asked once per process and target).
    const unversioned = recordingTarget(local);
    const { rocks: defaultLua } = rocksOnNewTree({ luaVersion: undefined }, unversioned);
    await defaultLua.install("alpha", { version: "1.0-1" });
    expect(await defaultLua.installed("alpha")).toBe("1.0-1");
    expect(unversioned.calls.filter((argv) => argv.at(-1) === "config")).toHaveLength(1);
  });

  it("removes a rock (idempotently) and pulls in dependencies", async () => {
    const { rocks, tree } = rocksOnNewTree();
    expect(await rocks.install("beta")).toEqual({ name: "beta", version: "1.0-1" });
    expect(await rocks.list()).toEqual([
      { name: "alpha", version: "2.0-1" },
      { name: "beta", version: "1.0-1" },
    ]);
    expect(await luaRequire(tree, "beta", "alpha_version")).toBe("2.0");
    const blocked = await rocks.remove("alpha").catch((e: unknown) => e);
    expect(blocked).toBeInstanceOf(LuaRocksError);
    expect((blocked as LuaRocksError).exitCode).not.toBe(0);
    expect(await rocks.remove("beta")).toEqual(["1.0-1"]);
    expect(await rocks.remove("beta")).toEqual([]);
    expect(await rocks.remove("alpha", { version: "2.0" })).toEqual(["2.0-1"]);
    expect(await rocks.list()).toEqual([]);
    expect(await rocks.installed("alpha")).toBeUndefined();
  });

  it("reports a failing build as LuaRocksError with exit code and stderr tail, leaving the tree clean", async () => {
    const { rocks, tree } = rocksOnNewTree();
    await rocks.install("alpha", { version: "1.0-1" });
    const error = (await rocks.install("broken").catch((e: unknown) => e)) as LuaRocksError;
    expect(error).toBeInstanceOf(LuaRocksError);
    expect(error.operation).toBe("install");
    expect(error.rock).toBe("broken");
    expect(error.target).toBe("local");
    expect(error.exitCode).toBe(1);
    expect(error.stderrTail).toContain("missing.lua");
    expect(error.message).toContain("missing.lua");
    expect(await rocks.list()).toEqual([{ name: "alpha", version: "1.0-1" }]);
    await expect(access(join(tree, "lib/luarocks/rocks-5.4/broken"))).rejects.toThrow();
  });
});

describe("LuaRocks servers", () => {
  let alphaOnly: RocksServer;
  let betaOnly: RocksServer;
  beforeAll(async () => {
    [alphaOnly, betaOnly] = await Promise.all([startRocksServer({ rocks: ["alpha"] }), startRocksServer({ rocks: ["beta"] })]);
  });
  afterAll(async () => {
    await Promise.all([alphaOnly?.stop(), betaOnly?.stop()]);
  });

  it("uses only the given server: a rock it lacks is not found", async () => {
    const target = recordingTarget(local);
    const { rocks: recorded } = rocksOnNewTree({ servers: [alphaOnly.url] }, target);
    const error = (await recorded.install("beta").catch((e: unknown) => e)) as LuaRocksError;
    expect(error).toBeInstanceOf(LuaRocksError);
    expect(error.exitCode).toBe(1);
    expect(error.stderrTail).toMatch(/No results matching query/);
    const install = target.calls.find((argv) => argv.includes("install"))!;
    expect(install).toContain("--only-server");
    expect(install[install.indexOf("--only-server") + 1]).toBe(alphaOnly.url);
    expect(await recorded.list()).toEqual([]);
  });

  it("uses several servers (a URL and a directory) together, dependencies included", async () => {
    const { rocks } = rocksOnNewTree({ servers: [alphaOnly.url, betaOnly.dir] });
    expect(await rocks.install("beta")).toEqual({ name: "beta", version: "1.0-1" });
    expect(await rocks.installed("alpha")).toBe("2.0-1");
    const { rocks: withoutAlpha } = rocksOnNewTree({ servers: [betaOnly.url, `file://${betaOnly.dir}`] });
    const error = (await withoutAlpha.install("beta").catch((e: unknown) => e)) as LuaRocksError;
    expect(error).toBeInstanceOf(LuaRocksError);
    expect(error.stderrTail).toMatch(/alpha/);
  });
});

describe("LuaRocks trees and Lua versions", () => {
  it('"user" tree follows HOME from env', async () => {
    const userHome = join(temp.dir, "user-home");
    const rocks = new LuaRocks(local, { tree: "user", luaVersion: "5.4", servers: [server.url], env: { HOME: userHome } });
    expect(await rocks.treeRoot()).toBe(join(userHome, ".luarocks"));
    expect(await rocks.install("alpha", { version: "1.0-1" })).toEqual({ name: "alpha", version: "1.0-1" });
    await access(join(userHome, ".luarocks/lib/luarocks/rocks-5.4/alpha/1.0-1"));
    expect(await luaRequire(join(userHome, ".luarocks"), "alpha", "version")).toBe("1.0");
  });

  it('"system" tree resolves to the root luarocks itself uses by default', async () => {
    const rocks = new LuaRocks(local, { tree: "system", luaVersion: "5.4", env: { HOME: home } });
    const root = await rocks.treeRoot();
    const viaTree = await local.exec(["luarocks", "--lua-version", "5.4", "--tree", root, "config", "rocks_dir"], { env: { HOME: home }, cwd: "/" });
    const viaDefault = await local.exec(["luarocks", "--lua-version", "5.4", "--global", "config", "rocks_dir"], { env: { HOME: home }, cwd: "/" });
    expect(viaTree.stdout.trim()).toBe(viaDefault.stdout.trim());
    expect(viaDefault.stdout.trim().startsWith(`${root}/`)).toBe(true);
  });

  it("reports a luarocks program that does not exist, with what to install", async () => {
    const { rocks } = rocksOnNewTree({ luarocksCommand: "/nonexistent/luarocks" });
    const error = (await rocks.list().catch((e: unknown) => e)) as LuaRocksError;
    expect(error).toBeInstanceOf(LuaRocksError);
    expect(error.operation).toBe("list");
    expect(error.exitCode).toBe(69);
    expect(error.message).toMatch(/failed to execute \/nonexistent\/luarocks[\s\S]*must be installed/);
  });

  it("installs for Lua 5.1 into the same kind of tree", async () => {
    const { rocks, tree } = rocksOnNewTree({ luaVersion: "5.1" });
    expect(await rocks.install("beta")).toEqual({ name: "beta", version: "1.0-1" });
    await access(join(tree, "lib/luarocks/rocks-5.1/beta/1.0-1"));
    expect(await luaRequire(tree, "beta", "alpha_version", "lua5.1", "5.1")).toBe("2.0");
  });
});
