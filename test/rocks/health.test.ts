import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LuaRocks, LuaRocksError, healthProblems } from "../../sdk/rocks";
import { closeAllSshConnections, sshTarget } from "../../sdk/ssh";
import { localTarget, type Target } from "../../sdk/target";
import { startRocksServer, type RocksServer } from "../support/rocks-server";
import { sshTargetOptions } from "../support/ssh-target";
import { startTestSshd, type TestSshd } from "../support/sshd";
import { makeTempDir, recordingTarget, type RecordingTarget } from "./helpers";

let sshd: TestSshd;
let server: RocksServer;
let temp: { dir: string; cleanup: () => Promise<void> };
let trees = 0;

beforeAll(async () => {
  [sshd, server, temp] = await Promise.all([startTestSshd(), startRocksServer({ rocks: ["alpha", "ailing"] }), makeTempDir("health")]);
});
afterAll(async () => {
  await closeAllSshConnections();
  await Promise.all([sshd?.stop(), server?.stop()]);
  await temp?.cleanup();
});

const targets: [string, () => Target][] = [
  ["locally", () => localTarget()],
  ["over SSH (real sshd)", () => sshTarget(sshTargetOptions(sshd, { dialTimeoutMs: 10_000 }))],
];

describe.each(targets)("the health check of an installed rock, %s", (_, target) => {
  function rocksOnNewTree(): { rocks: LuaRocks; tree: string } {
    const tree = join(temp.dir, `tree-${++trees}`);
    return { rocks: new LuaRocks(target(), { tree: { path: tree }, luaVersion: "5.4", servers: [server.url], env: { HOME: join(temp.dir, "home") } }), tree };
  }

  it("requires every module the rockspec declares: all load → healthy; one raising → unhealthy, naming that module and its Lua error", async () => {
    const { rocks } = rocksOnNewTree();
    await rocks.install("alpha");
    await rocks.install("ailing");
    expect(await rocks.checkHealth("alpha")).toEqual({ name: "alpha", healthy: true, modules: [{ module: "alpha", loaded: true }] });
    const ailing = await rocks.checkHealth("ailing");
    expect(ailing.healthy).toBe(false);
    expect(ailing.modules.map((m) => [m.module, m.loaded])).toEqual([
      ["ailing", true],
      ["ailing.core", false],
    ]);
    expect(healthProblems(ailing)).toEqual([expect.stringMatching(/^ailing\.core: .*core\.lua:2: ailing\.core: the reference table is missing$/)]);
  });

  it("a module file gone from the tree after the install makes the rock unhealthy (the check really loads from the tree)", async () => {
    const { rocks, tree } = rocksOnNewTree();
    await rocks.install("alpha", { version: "1.0-1" });
    await rm(join(tree, "share/lua/5.4/alpha.lua"));
    const health = await rocks.checkHealth("alpha");
    expect(health.healthy).toBe(false);
    expect(healthProblems(health)).toEqual([expect.stringMatching(/^alpha: module 'alpha' not found:/)]);
  });

  it("a rock that is not installed is an error, not a health verdict", async () => {
    const { rocks } = rocksOnNewTree();
    await expect(rocks.checkHealth("alpha")).rejects.toBeInstanceOf(LuaRocksError);
  });

  it("given the installed version, reads the modules from the tree manifest (no luarocks start) with the same verdict", async () => {
    const { rocks, tree, recorded } = recordedRocksOnNewTree();
    await rocks.install("alpha", { version: "1.0-1" });
    await rocks.install("ailing");
    const [alpha, ailing] = [await rocks.checkHealth("alpha"), await rocks.checkHealth("ailing")];
    const shows = () => recorded.calls.filter((argv) => argv.includes("show")).length;
    const before = shows();
    expect(await rocks.checkHealth("alpha", { version: "1.0-1" })).toEqual(alpha);
    expect(await rocks.checkHealth("ailing", { version: "1.0-1" })).toEqual(ailing);
    expect(shows(), "no `luarocks show` ran").toBe(before);
    await rm(join(tree, "share/lua/5.4/alpha.lua"));
    expect(healthProblems(await rocks.checkHealth("alpha", { version: "1.0-1" }))).toEqual([expect.stringMatching(/^alpha: module 'alpha' not found:/)]);
  });

  it("a version the manifest does not list, or a manifest it cannot read, is asked of luarocks", async () => {
    const { rocks, tree, recorded } = recordedRocksOnNewTree();
    await rocks.install("alpha", { version: "1.0-1" });
    const shows = () => recorded.calls.filter((argv) => argv.includes("show")).length;
    expect((await rocks.checkHealth("alpha", { version: "9.9-1" })).modules).toEqual([{ module: "alpha", loaded: true }]);
    expect(shows()).toBe(1);
    await writeFile(join(tree, "lib/luarocks/rocks-5.4/manifest"), "repository = {{{ not lua");
    await expect(rocks.checkHealth("alpha", { version: "1.0-1" })).rejects.toBeInstanceOf(LuaRocksError);
    expect(shows()).toBe(2);
  });

  it("a module's own output cannot add modules to the list read from the manifest", async () => {
    const { rocks, tree } = recordedRocksOnNewTree();
    await rocks.install("alpha", { version: "1.0-1" });
    const forging = 'local t = os.getenv("BIOXEN_HEALTH_TOKEN"); io.write(t, "\\tmodule\\tforged\\n", t, "\\tlisted\\n"); return {}';
    await writeFile(join(tree, "share/lua/5.4/alpha.lua"), forging);
    expect(await rocks.checkHealth("alpha", { version: "1.0-1" })).toEqual({ name: "alpha", healthy: true, modules: [{ module: "alpha", loaded: true }] });
  });

  it("reads a Lua 5.1 tree's manifest too (its own loader, setfenv)", async () => {
    const { rocks, recorded } = recordedRocksOnNewTree("5.1");
    await rocks.install("alpha", { version: "1.0-1" });
    expect(await rocks.checkHealth("alpha", { version: "1.0-1" })).toEqual({ name: "alpha", healthy: true, modules: [{ module: "alpha", loaded: true }] });
    expect(recorded.calls.filter((argv) => argv.includes("show"))).toEqual([]);
  });

  function recordedRocksOnNewTree(luaVersion: "5.1" | "5.4" = "5.4"): { rocks: LuaRocks; tree: string; recorded: RecordingTarget } {
    const tree = join(temp.dir, `tree-${++trees}`);
    const recorded = recordingTarget(target());
    return { rocks: new LuaRocks(recorded, { tree: { path: tree }, luaVersion, servers: [server.url], env: { HOME: join(temp.dir, "home") } }), tree, recorded };
  }
});
