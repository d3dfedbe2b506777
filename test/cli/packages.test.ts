import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as luaPackage from "../../provider/impl/lua-package";
import { loadEnvironmentFile, planEnvironment, type ResourcePlan } from "../../sdk/env";
import { LuaRocks } from "../../sdk/rocks";
import { localTarget } from "../../sdk/target";
import { startRocksServer, type RocksServer } from "../support/rocks-server";

const ROOT = resolve(__dirname, "../..");
let rocks: RocksServer;
let dir: string;
let home: string;
let savedHome: string | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "bioxen-cli-packages-"));
  home = join(dir, "home");
  mkdirSync(home);
  // luarocks keeps its download cache under $HOME: keep it in this test's folder.
  savedHome = process.env.HOME;
  process.env.HOME = home;
  rocks = await startRocksServer({ rocks: ["alpha", "ailing", "beta"] });
});

afterAll(async () => {
  process.env.HOME = savedHome;
  await rocks?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `bioxen-luavm <args>` (the cli/ sources, in a real process) and returns its exit code and output. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const program = `import(${JSON.stringify(join(ROOT, "cli/main.ts"))}).then((m) => (m.main ?? m.default.main)(process.argv.slice(1)))`;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ["--import", "tsx", "--eval", program, ...args], { cwd: ROOT, env: { ...process.env, HOME: home }, timeout: 240_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout: string; stderr: string };
    if (typeof failed.code !== "number") throw error;
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const tree = () => join(dir, "lua_modules");

function writeEnvironment(packages: string[]): string {
  const path = join(dir, "lab.yaml");
  writeFileSync(
    path,
    ["version: 1", "profiles:", "  bio:", "    packages:", ...packages.map((p) => `      - ${p}`), "local:", `  dev: { profile: bio, interpreter: lua5.4, tree: ${tree()} }`, ""].join("\n"),
  );
  return path;
}

/** Applies the file's package plan as the environment program would: each LuaPackage created through the provider, on the local tree. */
async function applyPackages(path: string): Promise<Record<string, unknown>[]> {
  const loaded = await loadEnvironmentFile(path);
  const plans = planEnvironment(loaded.spec, loaded.lock).filter((p): p is ResourcePlan<"LuaPackage"> => p.kind === "LuaPackage");
  const created: Record<string, unknown>[] = [];
  for (const plan of plans) {
    const { inputs } = await luaPackage.check({}, { ...plan.args, target: { kind: "local", tree: tree(), luaVersion: "5.4" } });
    created.push((await luaPackage.create(inputs)).outs!);
  }
  return created;
}

describe("bioxen-luavm lock and check", () => {
  it("lock writes <file>.lock; a lock pinning an older version installs exactly it; check passes, then fails naming a broken module, and on a stale lock", async () => {
    const alpha = `{ name: alpha, constraint: ">= 1.0", servers: ["${rocks.url}"] }`;
    const path = writeEnvironment([alpha]);

    const locked = await cli("lock", path);
    expect(locked).toMatchObject({ code: 0, stdout: `${path}.lock: 1 package(s)\n  alpha 2.0-1\n` });
    expect(readFileSync(`${path}.lock`, "utf8")).toContain('  alpha: "2.0-1"\n');

    // The lock committed last month pinned 1.0-1: applying installs that, not the newest match.
    writeFileSync(`${path}.lock`, 'version: 1\npackages:\n  alpha: "1.0-1"\n');
    expect(await applyPackages(path)).toEqual([expect.objectContaining({ name: "alpha", version: "1.0-1", installedVersion: "1.0-1", healthy: true })]);
    expect(await new LuaRocks(localTarget(), { tree: { path: tree() }, luaVersion: "5.4" }).list()).toEqual([{ name: "alpha", version: "1.0-1" }]);
    expect(await cli("check", path)).toEqual({ code: 0, stdout: "ok    pkg:local:dev/alpha\n", stderr: "" });

    writeEnvironment([alpha, `{ name: ailing, servers: ["${rocks.url}"] }`]);
    writeFileSync(`${path}.lock`, 'version: 1\npackages:\n  ailing: "1.0-1"\n  alpha: "1.0-1"\n');
    await applyPackages(path);
    const sick = await cli("check", path);
    expect(sick.code).toBe(1);
    expect(sick.stdout).toMatch(/^FAIL  pkg:local:dev\/ailing: 1\.0-1: ailing\.core: .*core\.lua:2: ailing\.core: the reference table is missing\nok    pkg:local:dev\/alpha\n$/);

    writeFileSync(`${path}.lock`, 'version: 1\npackages:\n  ailing: "1.0-1"\n  alpha: "2.0-1"\n');
    const drifted = await cli("check", path);
    expect(drifted.code).toBe(1);
    expect(drifted.stdout).toContain("FAIL  pkg:local:dev/alpha: 1.0-1 is installed, but 2.0-1 is asked for\n");

    writeFileSync(`${path}.lock`, 'version: 1\npackages:\n  alpha: "1.0-1"\n');
    const stale = await cli("check", path);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain(`${path}:6:17: profiles.bio.packages[1].name: package "ailing" is not in the lock file ${path}.lock`);

    expect((await cli("check")).code).toBe(2);
  }, 400_000);

  it("lock pins the dependencies too, as luarocks resolves them; apply installs exactly that set although a newer dependency is offered", async () => {
    const older = await startRocksServer({ versions: ["alpha-1.0-1", "beta-1.0-1"] });
    try {
      rmSync(tree(), { recursive: true, force: true });
      const path = writeEnvironment([`{ name: beta, servers: ["${older.url}"] }`]);
      expect(await cli("lock", "--lua-version", "5.4", path)).toMatchObject({ code: 0, stdout: `${path}.lock: 2 package(s)\n  alpha 1.0-1\n  beta 1.0-1\n` });
      expect(readFileSync(`${path}.lock`, "utf8")).toContain('packages:\n  alpha: "1.0-1"\n  beta: "1.0-1"\ndependencies:\n  beta: ["alpha"]\n');

      // Now the servers offer alpha 2.0-1, which luarocks alone would install for beta's "alpha >= 1.0".
      writeEnvironment([`{ name: beta, servers: ["${rocks.url}"] }`]);
      expect(await cli("lock", "--lua-version", "6.0", path)).toMatchObject({ code: 1, stderr: expect.stringContaining("--lua-version") });
      expect((await cli("lock", "--frobnicate", path)).code).toBe(2);
      expect(await applyPackages(path)).toEqual([expect.objectContaining({ name: "beta", installedVersion: "1.0-1", dependencies: [{ name: "alpha", version: "1.0-1" }], healthy: true })]);
      const installed = await new LuaRocks(localTarget(), { tree: { path: tree() }, luaVersion: "5.4" }).list();
      expect(installed).toEqual([
        { name: "alpha", version: "1.0-1" },
        { name: "beta", version: "1.0-1" },
      ]);

      expect(await cli("check", path)).toEqual({ code: 0, stdout: "ok    pkg:local:dev/beta\n", stderr: "" });
      writeFileSync(`${path}.lock`, readFileSync(`${path}.lock`, "utf8").replace('alpha: "1.0-1"', 'alpha: "2.0-1"'));
      expect(await cli("check", path)).toMatchObject({ code: 1, stdout: "FAIL  pkg:local:dev/beta: dependency alpha: 1.0-1, but the lock pins 2.0-1\n" });

      // Without the lock the same file gets the newest alpha: the pin above is the lock's doing.
      rmSync(`${path}.lock`);
      rmSync(tree(), { recursive: true, force: true });
      await applyPackages(path);
      expect(await new LuaRocks(localTarget(), { tree: { path: tree() }, luaVersion: "5.4" }).installed("alpha")).toBe("2.0-1");
    } finally {
      await older.stop();
    }
  }, 400_000);
});
