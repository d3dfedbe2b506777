import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LuaRocks, LuaRocksError, healthProblems } from "../../sdk/rocks";
import { closeAllSshConnections, sshTarget } from "../../sdk/ssh";
import { localTarget, type Target } from "../../sdk/target";
import { startRocksServer, type RocksServer } from "../support/rocks-server";
import { sshTargetOptions } from "../support/ssh-target";
import { startTestSshd, type TestSshd } from "../support/sshd";
import { makeTempDir } from "./helpers";

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
});
