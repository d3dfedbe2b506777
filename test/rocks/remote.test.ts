import { existsSync } from "node:fs";
import { access } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LuaRocks, LuaRocksError } from "../../sdk/rocks";
import { closeAllSshConnections, sshTarget, type SshTarget } from "../../sdk/ssh";
import { sshTargetOptions } from "../support/ssh-target";
import { startTestSshd, type TestSshd } from "../support/sshd";
import { startRocksServer, type RocksServer } from "../support/rocks-server";
import { makeTempDir } from "./helpers";

let sshd: TestSshd;
let server: RocksServer;
let temp: { dir: string; cleanup: () => Promise<void> };
let target: SshTarget;

beforeAll(async () => {
  [sshd, server, temp] = await Promise.all([startTestSshd(), startRocksServer({ rocks: ["alpha", "beta", "broken"] }), makeTempDir("remote")]);
  target = sshTarget(sshTargetOptions(sshd, { dialTimeoutMs: 10_000 }));
});
afterAll(async () => {
  await closeAllSshConnections();
  await Promise.all([sshd?.stop(), server?.stop()]);
  await temp?.cleanup();
});

describe("LuaRocks over SSH", () => {
  it("installs with dependencies into a temp tree, lists, and removes", async () => {
    const tree = join(temp.dir, "tree");
    const rocks = new LuaRocks(target, { tree: { path: tree }, luaVersion: "5.4", servers: [server.url], env: { HOME: join(temp.dir, "home") } });
    expect(await rocks.install("beta")).toEqual({ name: "beta", version: "1.0-1" });
    expect(await rocks.list()).toEqual([
      { name: "alpha", version: "2.0-1" },
      { name: "beta", version: "1.0-1" },
    ]);
    await access(join(tree, "share/lua/5.4/beta.lua"));
    expect(await rocks.downgrade("alpha", { version: "1.0" })).toEqual({ name: "alpha", version: "1.0-1" });
    expect(await rocks.remove("beta")).toEqual(["1.0-1"]);
    expect(await rocks.list()).toEqual([{ name: "alpha", version: "1.0-1" }]);
    // Downloads are cached under HOME (removed with the temp dir), never in the machine's /var/cache.
    expect(existsSync(join("/var/cache/luarocks", server.url.replace(/[/:]/g, "_")))).toBe(false);
  });

  it("reports a failed build with the SSH target in the error, and uses several servers through a config file", async () => {
    const tree = join(temp.dir, "tree-2");
    const rocks = new LuaRocks(target, {
      tree: { path: tree },
      luaVersion: "5.4",
      servers: [`http://127.0.0.1:9/unreachable`, server.dir],
      env: { HOME: join(temp.dir, "home") },
    });
    const error = (await rocks.install("broken").catch((e: unknown) => e)) as LuaRocksError;
    expect(error).toBeInstanceOf(LuaRocksError);
    expect(error.target).toBe(target.description);
    expect(error.exitCode).toBe(1);
    expect(error.stderrTail).toContain("missing.lua");
    expect(await rocks.install("alpha", { version: "1.0-1" })).toEqual({ name: "alpha", version: "1.0-1" });
  });
});
