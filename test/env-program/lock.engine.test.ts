import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import main from "../../program";
import { lockEnvironmentFile } from "../../sdk/env";
import { LuaRocks } from "../../sdk/rocks";
import { localTarget } from "../../sdk/target";
import { Engine, createProgramDir, type OperationResult, type ProgramDir } from "../support/engine";
import { startRocksServer, type RocksServer } from "../support/rocks-server";

// The provider host loads bioxen-luavm/provider/impl/* from dist/: needs a fresh `npm run build`.
const ROOT = resolve(__dirname, "../..");
const MUTATING = ["create", "update", "delete"];

let rocks: RocksServer;
let older: RocksServer;
let program: ProgramDir;
let temp: string;
let engine: Engine | undefined;

beforeAll(async () => {
  temp = mkdtempSync(join(tmpdir(), "bioxen-env-lock-engine-"));
  mkdirSync(join(temp, "home"));
  program = createProgramDir({ "bioxen-luavm": ROOT });
  // `older` offers alpha 1.0-1 only; `rocks` offers alpha 2.0-1 too, which beta's "alpha >= 1.0" accepts.
  [rocks, older] = await Promise.all([startRocksServer({ rocks: ["alpha", "beta"] }), startRocksServer({ versions: ["alpha-1.0-1", "beta-1.0-1"] })]);
});

afterAll(async () => {
  try {
    if (engine?.state.length) await engine.destroy();
  } finally {
    await Promise.all([rocks?.stop(), older?.stop()]);
    program?.remove();
    rmSync(temp, { recursive: true, force: true });
  }
});

const envFile = () => join(program.dir, "env.yaml");
const tree = () => join(program.dir, "lua_modules");

/** A local installation with one declared package, beta, from `server`. */
function writeEnvironment(server: RocksServer): void {
  writeFileSync(envFile(), ["version: 1", "local:", `  dev: { interpreter: lua5.4, tree: lua_modules, packages: [{ name: beta, servers: ["${server.url}"] }] }`, ""].join("\n"));
}

function mutations(result: OperationResult): string[] {
  return result.calls.filter((c) => MUTATING.includes(c.method)).map((c) => `${c.method} ${c.urn.split("::").pop()}`).sort();
}

function outputsOf(name: string): Record<string, unknown> {
  const resource = engine!.state.find((r) => r.urn.endsWith(`::${name}`));
  if (!resource) throw new Error(`no ${name} in state`);
  return resource.outputs as Record<string, unknown>;
}

const installed = () => new LuaRocks(localTarget(), { tree: { path: tree() }, luaVersion: "5.4", env: { HOME: join(temp, "home") } }).list();

describe("an environment file with a lock, through the root program and the real dynamic-provider host", () => {
  it("installs exactly the locked versions, dependencies included, although the servers offer a newer dependency; a new lock moves them in place", async () => {
    const options = { env: { HOME: join(temp, "home") } };
    writeEnvironment(older);
    await lockEnvironmentFile(envFile(), options);
    expect(readFileSync(`${envFile()}.lock`, "utf8")).toContain('packages:\n  alpha: "1.0-1"\n  beta: "1.0-1"\ndependencies:\n  beta: ["alpha"]\n');
    writeEnvironment(rocks); // the lock still fits: it names versions, not servers

    engine = new Engine({
      project: "envlock",
      stack: "e2e",
      config: { "bioxen:environment": "env.yaml" },
      programDir: program.dir,
      host: { env: { HOME: join(temp, "home") } },
    });
    const deploy = () => main(program.dir);

    const first = await engine.up(deploy);
    expect(mutations(first)).toEqual(["create local:dev", "create pkg:local:dev/beta"]);
    expect(outputsOf("pkg:local:dev/beta")).toMatchObject({ version: "1.0-1", installedVersion: "1.0-1", dependencies: [{ name: "alpha", version: "1.0-1" }], healthy: true });
    expect(await installed()).toEqual([
      { name: "alpha", version: "1.0-1" },
      { name: "beta", version: "1.0-1" },
    ]);
    expect(mutations(await engine.up(deploy))).toEqual([]);

    await lockEnvironmentFile(envFile(), options); // against `rocks` now: alpha 2.0-1
    const relocked = await engine.up(deploy);
    expect(mutations(relocked)).toEqual(["update pkg:local:dev/beta"]);
    expect(outputsOf("pkg:local:dev/beta")).toMatchObject({ dependencies: [{ name: "alpha", version: "2.0-1" }] });
    expect(await installed()).toEqual([
      { name: "alpha", version: "2.0-1" },
      { name: "beta", version: "1.0-1" },
    ]);

    expect(mutations(await engine.destroy())).toEqual(["delete local:dev", "delete pkg:local:dev/beta"]);
    expect(engine.state).toEqual([]);
  }, 300_000);
});
