import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LuaRocks, LuaRocksError } from "../../sdk/rocks";
import { localTarget } from "../../sdk/target/local";
import type { TargetProcess } from "../../sdk/target/types";
import { POOL_ROCKS, startRocksServer, type RocksServer } from "../support/rocks-server";
import { makeTempDir, recordingTarget } from "./helpers";

const local = localTarget();
let server: RocksServer;
let temp: { dir: string; cleanup: () => Promise<void> };

beforeAll(async () => {
  [server, temp] = await Promise.all([startRocksServer({ rocks: POOL_ROCKS }), makeTempDir("concurrency")]);
});
afterAll(async () => {
  await server?.stop();
  await temp?.cleanup();
});

const expectedList = POOL_ROCKS.map((name) => ({ name, version: "0.1-1" }));

function options(tree: string) {
  return { tree: { path: tree }, luaVersion: "5.4" as const, servers: [server.url], env: { HOME: join(temp.dir, "home") } };
}

describe("concurrent operations on one tree", () => {
  it("10 concurrent installs through one LuaRocks all succeed and all are listed", async () => {
    const rocks = new LuaRocks(local, options(join(temp.dir, "shared-object")));
    const results = await Promise.all(POOL_ROCKS.map((name) => rocks.install(name)));
    expect(results).toEqual(expectedList);
    expect(await rocks.list()).toEqual(expectedList);
  });

  it("the target-side flock alone keeps 10 concurrent installs safe (no shared in-process lock)", async () => {
    const tree = join(temp.dir, "separate-objects");
    // Distinct target keys: each LuaRocks sees a different machine, so only flock serializes them.
    const targets = POOL_ROCKS.map((_, i) => recordingTarget(local, `local-copy-${i}`));
    const results = await Promise.all(POOL_ROCKS.map((name, i) => new LuaRocks(targets[i], options(tree)).install(name)));
    expect(results).toEqual(expectedList);
    expect(await new LuaRocks(local, options(tree)).list()).toEqual(expectedList);
    for (const target of targets) {
      const install = target.calls.find((argv) => argv.includes("install"))!;
      expect(install.slice(0, 1)).toEqual(["flock"]);
      expect(install).toContain(join(tree, ".bioxen-luarocks.lock"));
    }
  });

  it("reports a tree lock held by someone else until the deadline as a lock timeout", async () => {
    const tree = join(temp.dir, "held");
    const rocks = new LuaRocks(local, options(tree));
    await rocks.treeRoot();
    const holder = await holdLock(join(tree, ".bioxen-luarocks.lock"));
    try {
      const error = (await rocks.install(POOL_ROCKS[0], { deadline: 3_000 }).catch((e: unknown) => e)) as LuaRocksError;
      expect(error).toBeInstanceOf(LuaRocksError);
      expect(error.exitCode).toBe(75);
      expect(error.message).toMatch(/held .*\.bioxen-luarocks\.lock/);
    } finally {
      await holder.kill();
    }
    expect(await rocks.list()).toEqual([]);
  });
});

/** Takes the lock with the real flock and keeps it until killed; resolves once it is held. */
async function holdLock(lockFile: string): Promise<TargetProcess> {
  const holder = await local.spawn(["flock", lockFile, "lua5.4", "-e", 'io.write("locked\\n") io.flush() io.read()']);
  const signal = AbortSignal.timeout(20_000);
  await new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(new Error(`flock on ${lockFile} not taken within 20 s`));
    signal.addEventListener("abort", onAbort, { once: true });
    holder.stdout.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("locked")) {
        signal.removeEventListener("abort", onAbort);
        resolve();
      }
    });
  }).catch(async (error) => {
    await holder.kill();
    throw error;
  });
  return holder;
}
