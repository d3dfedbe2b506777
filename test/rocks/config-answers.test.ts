/**
 * What luarocks says about a target's configuration (a named tree's root, the Lua it installs for,
 * a tree's module paths) comes from one `luarocks config` asked once per process and target,
 * whatever the number of LuaRocks instances (a provider host makes one per operation), but again
 * for another environment, and again after a failed question.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LuaRocks } from "../../sdk/rocks";
import { localTarget } from "../../sdk/target";
import { startRocksServer, type RocksServer } from "../support/rocks-server";
import { makeTempDir, recordingTarget, type RecordingTarget } from "./helpers";

let server: RocksServer;
let temp: { dir: string; cleanup: () => Promise<void> };
let homes = 0;

beforeAll(async () => {
  [server, temp] = await Promise.all([startRocksServer({ rocks: ["alpha"] }), makeTempDir("answers")]);
});
afterAll(async () => {
  await server?.stop();
  await temp?.cleanup();
});

/** A fresh HOME (so no earlier test's answer applies) and a recorded local target. */
async function freshHome(): Promise<{ home: string; target: RecordingTarget }> {
  const home = join(temp.dir, `home-${++homes}`);
  await mkdir(home, { recursive: true });
  return { home, target: recordingTarget(localTarget()) };
}

function luarocksOf(target: RecordingTarget, home: string, extra: Record<string, string> = {}): LuaRocks {
  return new LuaRocks(target, { tree: "user", luaVersion: "5.4", servers: [server.url], env: { HOME: home, ...extra } });
}

/** How many recorded commands asked luarocks `args` (e.g. ["show", "--modules"]). */
function asked(target: RecordingTarget, ...args: string[]): number {
  return target.calls.filter((argv) => argv.join("\u0000").includes(args.join("\u0000"))).length;
}

/** How many recorded commands were a whole-configuration `luarocks … config` (no key). */
function configRuns(target: RecordingTarget): number {
  return target.calls.filter((argv) => argv.at(-1) === "config").length;
}

describe("luarocks configuration answers, asked once per process", () => {
  it("the user tree's root: one `luarocks config` for several LuaRocks on one target, each still making sure the tree exists", async () => {
    const { home, target } = await freshHome();
    const roots = await Promise.all([luarocksOf(target, home).treeRoot(), luarocksOf(target, home).treeRoot()]);
    expect(await luarocksOf(target, home).treeRoot()).toBe(roots[0]);
    expect(roots).toEqual([join(home, ".luarocks"), join(home, ".luarocks")]);
    expect(configRuns(target)).toBe(1);
    expect(target.calls.filter((argv) => argv[0] === "mkdir")).toHaveLength(3);
  });

  it("another environment is another question: a second HOME gets its own root", async () => {
    const first = await freshHome();
    const second = await freshHome();
    const target = recordingTarget(localTarget());
    expect(await luarocksOf(target, first.home).treeRoot()).toBe(join(first.home, ".luarocks"));
    expect(await luarocksOf(target, second.home).treeRoot()).toBe(join(second.home, ".luarocks"));
    expect(await luarocksOf(target, second.home, { LUAROCKS_EXTRA: "1" }).treeRoot()).toBe(join(second.home, ".luarocks"));
    expect(configRuns(target)).toBe(3);
  });

  it("the Lua and module paths of health checks come from the same one answer as the tree's root", async () => {
    const { home, target } = await freshHome();
    await luarocksOf(target, home).install("alpha");
    for (let i = 0; i < 3; i += 1) expect((await luarocksOf(target, home).checkHealth("alpha")).healthy).toBe(true);
    expect(configRuns(target)).toBe(1);
    expect(asked(target, "config", "variables.LUA") + asked(target, "path")).toBe(0);
    expect(asked(target, "show", "--modules", "alpha")).toBe(3);
  });

  it("a failed question is asked again: a luarocks that cannot answer is not remembered", async () => {
    const { home, target } = await freshHome();
    const broken = () => new LuaRocks(target, { tree: "user", luarocksCommand: "/nonexistent/luarocks", env: { HOME: home } });
    await expect(broken().treeRoot()).rejects.toThrow(/nonexistent\/luarocks/);
    await expect(broken().treeRoot()).rejects.toThrow(/nonexistent\/luarocks/);
    expect(configRuns(target)).toBe(2);
  });

  it("a question that failed for the caller who asked it (its abort) is asked again for those who joined it", async () => {
    const { home, target } = await freshHome();
    const stop = new AbortController();
    const first = luarocksOf(target, home).treeRoot({ signal: stop.signal });
    const joined = luarocksOf(target, home).treeRoot();
    stop.abort(new Error("the first caller gave up"));
    await expect(first).rejects.toThrow();
    expect(await joined).toBe(join(home, ".luarocks"));
    expect(configRuns(target)).toBe(2);
  });
});
