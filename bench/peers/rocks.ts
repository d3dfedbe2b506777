/**
 * LuaRocks on the local machine against a local rocks server (test/support/rocks-server.ts):
 * install alpha 1.0-1, upgrade it to 2.0-1, remove it — through sdk/rocks vs raw `luarocks` with
 * the same tree, server and Lua version flags.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { LuaRocks } from "../../sdk/rocks";
import { localTarget } from "../../sdk/target/local";
import { startRocksServer } from "../../test/support/rocks-server";
import { compareInRounds, msOf, type Comparison } from "./rounds";

const run = promisify(execFile);
const ROUNDS = 5;
const ROCK = "alpha";

/** Runs the LuaRocks comparison and removes the server and trees it made. */
export async function compareRocks(): Promise<Comparison[]> {
  const [server, dir] = await Promise.all([startRocksServer({ rocks: [ROCK] }), mkdtemp(join(tmpdir(), "bioxen-bench-rocks-"))]);
  try {
    const env = { HOME: join(dir, "home") };
    const rocks = new LuaRocks(localTarget(), { tree: { path: join(dir, "ours") }, luaVersion: "5.4", servers: [server.url], env });
    await rocks.treeRoot(); // resolved once per instance, outside the measurement
    const raw = (...args: string[]) =>
      run("luarocks", ["--lua-version", "5.4", "--tree", join(dir, "raw"), "--only-server", server.url, ...args], { env: { ...process.env, ...env }, cwd: "/" });
    return await compareInRounds({
      rounds: ROUNDS,
      ours: {
        name: "bioxen-luavm LuaRocks",
        run: async () => ({
          install: await msOf(() => rocks.install(ROCK, { version: "1.0-1" })),
          upgrade: await msOf(() => rocks.upgrade(ROCK, { version: "2.0-1" })),
          remove: await msOf(() => rocks.remove(ROCK)),
        }),
      },
      peer: {
        name: "raw luarocks",
        run: async () => ({
          install: await msOf(() => raw("install", "--deps-mode", "one", ROCK, "1.0-1")),
          upgrade: await msOf(() => raw("install", "--deps-mode", "one", ROCK, "2.0-1")),
          remove: await msOf(() => raw("remove", ROCK)),
        }),
      },
      measures: {
        install: { workload: "LuaRocks: install a tiny rock", unit: "ms", target: 1.1 },
        upgrade: { workload: "LuaRocks: upgrade it to a given version", unit: "ms", target: 1.1 },
        remove: { workload: "LuaRocks: remove it", unit: "ms", target: 1.1 },
      },
    });
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
