/**
 * Issue #16, load: 30 XcpngLuaVMs with 3 LuaPackages each and 2 VmNetworks in ONE up through the
 * real dynamic-provider host (engine harness), on simulator guests that are real sshd processes;
 * then a no-op up (no XAPI call, no SSH login), a refresh (nothing changes) and a destroy (nothing
 * of ours left, no XAPI session open). Measures the provider hosts' peak resident memory and the
 * XAPI calls per VM; docs/reliability.md reports the figures (printed by this test).
 *
 * Needs a fresh `npm run build`: the provider host loads bioxen-luavm/provider/impl/* from dist/.
 */
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimTraffic } from "../../sim";
import type { Engine, OperationResult, ProgramDir } from "../support/engine";
import { checkoutProgramDir, finishEngineSuite, makeTempHome, simEngine, type TempHome } from "../support/engine-suite";
import { startRocksServer, type RocksServer } from "../support/rocks-server";
import { startTestSim } from "../support/sim";
import { expectNoSecretLeaks, mutations, privateKeyLines } from "../provider/support/engine-checks";
import { XCPNG_COUNTED, type XcpngSim } from "../provider/support/xcpng-sim";
import { countObjects, ownedObjects, snapshotObjects } from "../stack/sim-checks";
import { LOAD_NETWORKS, LOAD_ROCKS, loadProgram } from "./load-program";

const VM_COUNT = 30;
const PASSWORD = "load-xapi-secret-81c4e0";
const RESOURCES = VM_COUNT + LOAD_NETWORKS.length + VM_COUNT * LOAD_ROCKS.length;
const PEAK_RSS_LINE = /^bioxen-peak-rss-kib:(\d+)$/;

let env: XcpngSim;
let rocks: RocksServer;
let program: ProgramDir;
let temp: TempHome;
let engine: Engine | undefined;
/** XAPI sessions open before the test (the test client's). */
let sessionsAtStart: number;

beforeAll(async () => {
  temp = makeTempHome("bioxen-load-engine-");
  program = checkoutProgramDir();
  [env, rocks] = await Promise.all([
    startTestSim({ password: PASSWORD }, { sshGuests: { addressBase: "127.93" }, counted: XCPNG_COUNTED }),
    startRocksServer({ rocks: [...LOAD_ROCKS] }),
  ]);
  sessionsAtStart = env.sim.sessionCount();
});

afterAll(() => finishEngineSuite({ engines: [engine], program, servers: [env, rocks], folders: [temp?.dir] }), 300_000);

/** What one operation cost: XAPI calls by method, SSH logins, wall time and the host's peak RSS. */
interface Cost {
  xapiCalls: number;
  byMethod: Record<string, number>;
  sshLogins: number;
  seconds: number;
  peakRssMiB: number;
}

function callsSince(before: SimTraffic): { xapiCalls: number; byMethod: Record<string, number> } {
  const after = env.sim.traffic();
  const byMethod = Object.fromEntries(
    Object.entries(after.byMethod).map(([m, n]) => [m, n - (before.byMethod[m] ?? 0)] as const).filter(([, n]) => n > 0),
  );
  return { xapiCalls: after.calls - before.calls, byMethod };
}

const costs: Record<string, Cost> = {};
const results: OperationResult[] = [];

/** Runs one operation, records its cost and checks every XAPI session was logged out when its host stopped. */
async function measured(label: string, operation: () => Promise<OperationResult>): Promise<OperationResult> {
  const traffic = env.sim.traffic();
  const logins = env.sim.sshGuests!.sshLogins();
  const logStart = engine!.hostLogs.length;
  const started = performance.now();
  const result = await operation();
  const peaks = engine!.hostLogs.slice(logStart).map((l) => PEAK_RSS_LINE.exec(l.line)?.[1]).filter((v): v is string => v !== undefined).map(Number);
  costs[label] = {
    ...callsSince(traffic),
    sshLogins: env.sim.sshGuests!.sshLogins() - logins,
    seconds: Math.round((performance.now() - started) / 100) / 10,
    peakRssMiB: Math.round(Math.max(0, ...peaks) / 1024),
  };
  results.push(result);
  console.log(`load ${label}: ${JSON.stringify(costs[label])}`);
  expect(env.sim.sessionCount(), `XAPI sessions open after ${label}`).toBe(sessionsAtStart);
  return result;
}

describe(`load: ${VM_COUNT} VMs × ${LOAD_ROCKS.length} packages and ${LOAD_NETWORKS.length} networks in one up`, () => {
  it("creates everything in one up; a no-op up makes no XAPI call and no SSH login; refresh keeps it; destroy leaves nothing", async () => {
    engine = simEngine(env.sim, {
      project: "loadproj",
      stack: "dev",
      config: { "bioxen:maxConcurrentCreates": "8" },
      programDir: program.dir,
      host: { env: { HOME: temp.home }, callTimeoutMs: 240_000, nodeArgs: ["--require", resolve(__dirname, "host-memory.cjs")] },
    });
    const stackEnv = { rocksServer: rocks.url, sshUser: env.user, sshPort: env.sshPort, privateKey: env.keys.private };
    const baseline = countObjects(env.sim);

    const up = await measured("up", () => engine!.up(loadProgram(stackEnv, VM_COUNT)));
    expect(mutations(up).filter((m) => m.startsWith("create "))).toHaveLength(RESOURCES);
    expect(engine.state.filter((r) => r.type.endsWith("XcpngLuaVM"))).toHaveLength(VM_COUNT);
    for (const res of engine.state.filter((r) => r.type.endsWith("LuaPackage"))) expect(res.outputs.installedVersion).toMatch(/^\d/);
    expect(env.sim.objects("VM").length).toBe(baseline.VM + VM_COUNT);

    const before = snapshotObjects(env.sim);
    const again = await measured("no-op up", () => engine!.up(loadProgram(stackEnv, VM_COUNT)));
    expect(mutations(again)).toEqual([]);
    expect(again.calls.filter((c) => c.method === "diff")).toHaveLength(RESOURCES);
    expect(costs["no-op up"]!.xapiCalls, JSON.stringify(costs["no-op up"]!.byMethod)).toBe(0);
    expect(costs["no-op up"]!.sshLogins).toBe(0);
    expect(snapshotObjects(env.sim)).toEqual(before);

    const refreshed = await measured("refresh", () => engine!.refresh());
    expect(mutations(refreshed)).toEqual([]);
    expect(engine.state).toHaveLength(RESOURCES);
    expect(snapshotObjects(env.sim)).toEqual(before);

    const destroyed = await measured("destroy", () => engine!.destroy());
    expect(mutations(destroyed)).toHaveLength(RESOURCES);
    expect(engine.state).toEqual([]);
    expect(ownedObjects(env.sim)).toEqual([]);
    expect(countObjects(env.sim)).toEqual(baseline);

    expectNoSecretLeaks(engine, [PASSWORD, ...privateKeyLines(env.keys.private)], results);
    for (const cost of Object.values(costs)) expect(cost.peakRssMiB, "the host reported its peak memory").toBeGreaterThan(0);
    const perVm = (label: string) => Math.round((costs[label]!.xapiCalls / VM_COUNT) * 10) / 10;
    // The figures docs/reliability.md reports.
    console.log(
      `load figures (${VM_COUNT} VMs, ${RESOURCES} resources):\n` +
        Object.entries(costs).map(([label, c]) => `  ${label}: ${c.seconds} s, ${c.xapiCalls} XAPI calls (${perVm(label)}/VM), ${c.sshLogins} SSH logins, host peak RSS ${c.peakRssMiB} MiB`).join("\n") +
        `\n  up XAPI calls by method: ${JSON.stringify(costs.up!.byMethod)}`,
    );
  }, 900_000);
});
