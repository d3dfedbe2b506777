/**
 * State written by bioxen-luavm 0.1.0 (test/fixtures/state/0.1.0.json) over a pool holding what
 * 0.1.0 made: the fixture program's VM (with its disks and VIF), network, VIF and rock, whose
 * XAPI objects carry the markers as 0.1.0 wrote them (`other_config` "bioxen:owner" only, no
 * instance, state or self keys; disks unmarked). The engine, the real dynamic-provider host and
 * the serialized 0.1.0 providers of the fixture then run up, refresh, a package removal and a
 * destroy: nothing is created or replaced, every read finds its object, every delete removes it.
 * Needs a fresh `npm run build` (the host loads dist/ through the program folder's link).
 */
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { markerPrefix, ownedOtherConfig, ownerMarkerKey, withoutMarkers } from "../../sdk/xapi/recipes";
import type { Engine, OperationResult, ProgramDir } from "../support/engine";
import { checkoutProgramDir, finishEngineSuite } from "../support/engine-suite";
import { startRocksServer, type RocksServer } from "../support/rocks-server";
import { startTestSim } from "../support/sim";
import { expectNoLeftovers } from "../support/sim-suite";
import { mutations } from "../provider/support/engine-checks";
import { XCPNG_COUNTED, type XcpngSim } from "../provider/support/xcpng-sim";
import { boundState, fixtureEngine, fixtureProgram, loadStateFixture, placeholderValues, type FixtureWorld } from "./state-fixture";
import { poolUuidOf } from "../support/xcpng-inputs";

const FIXTURE = loadStateFixture("0.1.0");
const COUNTED = [...XCPNG_COUNTED, "network"];

let env: XcpngSim;
let rocks: RocksServer;
let program: ProgramDir;
let tree: string;
const engines: Engine[] = [];

beforeAll(async () => {
  [env, rocks] = await Promise.all([startTestSim({}, { sshGuests: { addressBase: "127.84" }, counted: COUNTED }), startRocksServer({ rocks: ["alpha"] })]);
  program = checkoutProgramDir();
  tree = mkdtempSync(join(tmpdir(), "bioxen-compat-pool-tree-"));
});

afterAll(() => finishEngineSuite({ engines, program, servers: [rocks, env], folders: [tree] }));

function newEngine(): Engine {
  const engine = fixtureEngine(env.sim, program.dir);
  engines.push(engine);
  return engine;
}

/** Classes whose objects 0.1.0 marked at creation; it wrote no marker on disks. */
const MARKED_BY_010 = ["VM", "VIF", "network"] as const;

/** Rewrites the markers of every object of ours as 0.1.0 wrote them; returns "class uuid" of each object rewritten. */
async function markAsVersion010(): Promise<string[]> {
  const rewritten: string[] = [];
  for (const cls of [...MARKED_BY_010, "VDI"]) {
    for (const { ref, record } of env.sim.objects(cls)) {
      const otherConfig = (record.other_config ?? {}) as Record<string, string>;
      if (!Object.keys(otherConfig).some((key) => key.startsWith(markerPrefix))) continue;
      const owner = otherConfig[ownerMarkerKey];
      const legacy = cls === "VDI" || owner === undefined ? withoutMarkers(otherConfig) : ownedOtherConfig(owner, otherConfig);
      await env.client.call(`${cls}.set_other_config`, ref, legacy);
      rewritten.push(`${cls} ${String(record.uuid)}`);
    }
  }
  return rewritten.sort();
}

/** "class uuid" of every object that carries a `bioxen:` key, with those keys. */
function markedObjects(): Record<string, Record<string, string>> {
  const marked: Record<string, Record<string, string>> = {};
  for (const cls of [...MARKED_BY_010, "VDI"]) {
    for (const { record } of env.sim.objects(cls)) {
      const keys = Object.entries((record.other_config ?? {}) as Record<string, string>).filter(([key]) => key.startsWith(markerPrefix));
      if (keys.length > 0) marked[`${cls} ${String(record.uuid)}`] = Object.fromEntries(keys);
    }
  }
  return marked;
}

/** Every object of the counted classes, as "class uuid". */
function poolObjects(): string[] {
  return COUNTED.flatMap((cls) => env.sim.objects(cls).map(({ record }) => `${cls} ${String(record.uuid)}`)).sort();
}

/** The versions of rock `name` in a LuaRocks tree, for whichever Lua version the guest's luarocks defaults to. */
function installedRock(tree: string, name: string): string[] {
  const rocksDirs = join(tree, "lib/luarocks");
  if (!existsSync(rocksDirs)) return [];
  return readdirSync(rocksDirs)
    .filter((dir) => dir.startsWith("rocks-") && existsSync(join(rocksDirs, dir, name)))
    .flatMap((dir) => readdirSync(join(rocksDirs, dir, name)));
}

function methodCount(result: OperationResult, method: string): number {
  return result.calls.filter((c) => c.method === method).length;
}

it("XcpngLuaVM, VmNetwork, LuaPackage and LocalLua state of 0.1.0: up and refresh change nothing, deletes remove each object, nothing is replaced", async () => {
  const world: FixtureWorld = { sshUser: env.user, sshPort: env.sshPort, privateKey: env.keys.private, rocksUrl: rocks.url, tree };

  // The pool as 0.1.0 left it: the fixture program's objects, marked as 0.1.0 marked them.
  const maker = newEngine();
  await maker.up(fixtureProgram(world));
  const values = placeholderValues(maker.state, { ...world, xapiUrl: env.sim.url, poolUuid: await poolUuidOf(env), programDir: program.dir });
  maker.state = [];
  const rewritten = await markAsVersion010();
  expect(rewritten.filter((o) => o.startsWith("VM ")), "the current version's markers were rewritten").toEqual([`VM ${values.VM_UUID}`]);
  const legacyMarkers = markedObjects();
  expect(Object.keys(legacyMarkers).sort()).toEqual(expect.arrayContaining([`VM ${values.VM_UUID}`, `network ${values.NETWORK_UUID}`, `VIF ${values.VIF_UUID}`]));
  expect(Object.values(legacyMarkers).every((marker) => Object.keys(marker).join() === ownerMarkerKey)).toBe(true);
  const objectsBefore = poolObjects();
  const guestTree = join(values.GUEST_ROOT!, values.VM_UUID!, "home/.luarocks");
  expect(installedRock(guestTree, "alpha")).toEqual(["1.0-1"]);

  // The 0.1.0 state, serialized providers included, bound to that pool.
  const engine = newEngine();
  engine.state = boundState(FIXTURE, values);
  const ids = engine.state.map((r) => r.id);

  const up = await engine.up(fixtureProgram(world));
  expect(mutations(up)).toEqual([]);
  expect(methodCount(up, "diff")).toBe(4);

  const refreshed = await engine.refresh();
  expect(methodCount(refreshed, "read")).toBe(4);
  expect(engine.state.map((r) => r.id)).toEqual(ids);
  expect(engine.state.find((r) => r.urn.endsWith("::seq"))!.outputs.installedVersion).toBe("1.0-1");
  expect(mutations(await engine.up(fixtureProgram(world)))).toEqual([]);
  expect(poolObjects()).toEqual(objectsBefore);
  expect(markedObjects()).toEqual(legacyMarkers);

  // The package alone: removed from the guest, the VM untouched.
  const withoutPackage = await engine.up(fixtureProgram(world, { omitPackage: true }));
  expect(mutations(withoutPackage)).toEqual(["delete seq"]);
  expect(installedRock(guestTree, "alpha")).toEqual([]);
  expect(poolObjects()).toEqual(objectsBefore);

  const destroyed = await engine.destroy();
  expect(mutations(destroyed).sort()).toEqual(["delete lab", "delete local", "delete worker"]);
  expect(engine.state).toEqual([]);
  expect(env.sim.refOf(values.VM_UUID!)).toBeUndefined();
  expect(env.sim.refOf(values.NETWORK_UUID!)).toBeUndefined();
  expect(env.sim.refOf(values.VIF_UUID!)).toBeUndefined();
  expectNoLeftovers(env);
  // 0.1.0 recorded createdTree=false: the LocalLua tree was the user's, and stays.
  expect(existsSync(tree)).toBe(true);
}, 240_000);
