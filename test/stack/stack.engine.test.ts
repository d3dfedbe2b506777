/**
 * Issue 4's acceptance test: one stack — 3 XcpngLuaVMs, a VmNetwork, a LocalLua, 6 LuaPackages —
 * driven through the REAL dynamic-provider host by the engine harness: preview, up, a no-op up,
 * a change that restarts vm-c at a new address (its package follows in place), removing that
 * package at the new address, refresh after outside changes, a repairing up and destroy; no
 * secret leaks, no object or XAPI session left behind.
 *
 * Needs a fresh `npm run build`: the provider host loads bioxen-luavm/provider/impl/* from dist/.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LuaRocks } from "../../sdk/rocks";
import { sshTarget } from "../../sdk/ssh";
import { UNKNOWN, isSecret, type Engine, type OperationResult, type ProgramDir } from "../support/engine";
import { checkoutProgramDir, finishEngineSuite, makeTempHome, simEngine, type TempHome } from "../support/engine-suite";
import { startRocksServer, type RocksServer } from "../support/rocks-server";
import { expectNoSecretLeaks, mutations, privateKeyLines } from "../provider/support/engine-checks";
import { startTestSim } from "../support/sim";
import { XCPNG_COUNTED, type XcpngSim } from "../provider/support/xcpng-sim";
import { expectStrictReplay } from "../support/strict-replay";
import { countObjects, ownedObjects, snapshotObjects } from "./sim-checks";
import { VMS, stackProgram, type StackShape } from "./stack-program";
import { poolUuidOf } from "../support/xcpng-inputs";

const PASSWORD = "stack-xapi-secret-3f9a27";
const FIRST: StackShape = { vmCMemoryMiB: 256, alphaOnVmA: "1.0", packageOnVmC: true };
const CHANGED: StackShape = { vmCMemoryMiB: 512, alphaOnVmA: "2.0", packageOnVmC: true };
/** CHANGED without vm-c's package, before vm-c is powered off outside: a refresh cannot reach a package on a halted VM. */
const TRIMMED: StackShape = { ...CHANGED, packageOnVmC: false };

let env: XcpngSim;
let rocks: RocksServer;
let program: ProgramDir;
let temp: TempHome;
let engine: Engine | undefined;
let baseline: { sessions: number; objects: Record<string, number> };

beforeAll(async () => {
  temp = makeTempHome("bioxen-stack-engine-");
  program = checkoutProgramDir();
  [env, rocks] = await Promise.all([
    startTestSim({ password: PASSWORD, recordCalls: true }, { sshGuests: { addressBase: "127.85" }, counted: XCPNG_COUNTED }),
    startRocksServer({ rocks: ["alpha", "beta", "bx-pool-01", "bx-pool-02"] }),
  ]);
  baseline = { sessions: env.sim.sessionCount(), objects: countObjects(env.sim) };
});

afterAll(() => finishEngineSuite({ engines: [engine], program, servers: [env, rocks], folders: [temp?.dir] }), 120_000);

function outputsOf(name: string): Record<string, unknown> {
  const res = engine!.state.find((r) => r.urn.endsWith(`::${name}`));
  if (!res) throw new Error(`no ${name} in state`);
  return res.outputs as Record<string, unknown>;
}

/** Every operation's result, for the plaintext-output check. */
const results: OperationResult[] = [];

/** Runs one engine operation, keeps its result, and asserts the host logged every XAPI session out when it stopped. */
async function step(operation: () => Promise<OperationResult>): Promise<OperationResult> {
  const result = await operation();
  results.push(result);
  expect(env.sim.sessionCount(), `sessions open after ${result.operation}`).toBe(baseline.sessions);
  return result;
}

/** The rocks in a VM's user tree, read over SSH (at the VM's current address) as an operator would. */
function rocksOn(vmName: string): LuaRocks {
  const vm = outputsOf(vmName);
  const target = sshTarget({ host: String(vm.ipAddress), port: env.sshPort, username: env.user, privateKey: env.keys.private, hostKey: { fingerprint: String(vm.hostKeyFingerprint) } });
  return new LuaRocks(target, { luaVersion: "5.4", servers: [rocks.url] });
}

// The hook and test timeouts are ceilings for a loaded machine, not expectations: alone, the test takes about 15 s.
describe("a whole stack through the real dynamic-provider host", () => {
  it("previews, ups, no-ops, changes, refreshes drift, repairs and destroys, leaking no secret and no object", async () => {
    engine = simEngine(env.sim, {
      project: "stackproj",
      stack: "dev",
      programDir: program.dir,
      // luarocks keeps its download cache under $HOME: keep the local packages' in the test's folder.
      host: { env: { HOME: temp.home }, callTimeoutMs: 120_000 },
    });
    const stackEnv = { rocksServer: rocks.url, sshUser: env.user, sshPort: env.sshPort, privateKey: env.keys.private };

    // preview: only Check (nothing exists yet), unknown VM uuids reach the network and packages.
    const preview = await step(() => engine!.preview(stackProgram(stackEnv, FIRST)));
    expect([...new Set(preview.calls.map((c) => c.method))]).toEqual(["getPluginInfo", "configure", "check"]);
    expect(engine.state).toEqual([]);
    const plannedLab = [...preview.resources].find(([urn]) => urn.endsWith("::lab"))![1];
    expect(plannedLab.outputs.attach).toEqual([{ vmUuid: UNKNOWN }, { vmUuid: UNKNOWN }, { vmUuid: UNKNOWN }]);
    expect(env.sim.objects("VM").length).toBe(baseline.objects.VM);

    // up: everything created, VMs before what needs them.
    const first = await step(() => engine!.up(stackProgram(stackEnv, FIRST)));
    expect(mutations(first).sort()).toEqual(["create a-alpha", "create a-pool", "create b-pool", "create c-pool", "create lab", "create local-alpha", "create local-beta", "create lua", "create vm-a", "create vm-b", "create vm-c"]);
    const vmIds = VMS.map((name) => engine!.state.find((r) => r.urn.endsWith(`::${name}`))!.id);
    for (const [i, name] of VMS.entries()) {
      expect(env.sim.record("VM", env.sim.refOf(vmIds[i]!)!)!.other_config["bioxen:owner"]).toBe(`stackproj/dev/XcpngLuaVM/${name}`);
      expect(outputsOf(name)).toMatchObject({ powerState: "running", luaLanguageVersion: "5.4" });
      expect(isSecret(outputsOf(name).sshTarget)).toBe(true);
    }
    const attachments = () => outputsOf("lab").attachments as Array<{ vmUuid: string; vifUuid: string; device: string }>;
    expect(attachments().map((a) => [a.vmUuid, a.device])).toEqual(vmIds.map((id) => [id, "1"]));
    expect(outputsOf("a-alpha")).toMatchObject({ installedVersion: "1.0-1" });
    expect(outputsOf("b-pool")).toMatchObject({ installedVersion: "0.1-1" });
    expect(outputsOf("local-beta")).toMatchObject({ installedVersion: "1.0-1", treePath: join(program.dir, "lua_modules") });
    expect(outputsOf("c-pool")).toMatchObject({ installedVersion: "0.1-1" });
    for (const name of ["a-alpha", "a-pool", "b-pool", "c-pool", "local-alpha", "local-beta"]) expect(isSecret(outputsOf(name).target)).toBe(true);

    // up again: no provider call and no XAPI call changes anything.
    const before = snapshotObjects(env.sim);
    const again = await step(() => engine!.up(stackProgram(stackEnv, FIRST)));
    expect(mutations(again)).toEqual([]);
    expect(again.calls.filter((c) => c.method === "diff")).toHaveLength(11);
    expect(snapshotObjects(env.sim)).toEqual(before);

    // preview of the change: Check and Diff only, state and pool untouched.
    const stateBefore = engine.serializedState();
    const previewChange = await step(() => engine!.preview(stackProgram(stackEnv, CHANGED)));
    expect([...new Set(previewChange.calls.map((c) => c.method))].sort()).toEqual(["check", "configure", "diff", "getPluginInfo"]);
    expect(engine.serializedState()).toBe(stateBefore);
    expect(snapshotObjects(env.sim)).toEqual(before);

    // change: vm-c's memory (halt + start, allowed) and alpha's version on vm-a. vm-c's lease
    // expires first, so it comes back at a new address (as real DHCP may do): its package follows
    // in place, checked at the new address, and is not replaced.
    const labVifs = attachments().map((a) => a.vifUuid);
    const oldVmCAddress = String(outputsOf("vm-c").ipAddress);
    env.sim.sshGuests!.expireLeases(vmIds[2]!);
    const changed = await step(() => engine!.up(stackProgram(stackEnv, CHANGED)));
    expect(mutations(changed).sort()).toEqual(["update a-alpha", "update c-pool", "update vm-c"]);
    const newVmCAddress = String(outputsOf("vm-c").ipAddress);
    expect(newVmCAddress).not.toBe(oldVmCAddress);
    expect(outputsOf("c-pool")).toMatchObject({ installedVersion: "0.1-1", target: { value: { host: newVmCAddress, machineId: `xcpng:${await poolUuidOf(env)}:${vmIds[2]}` } } });
    expect(outputsOf("vm-c")).toMatchObject({ memoryMiB: 512, powerState: "running" });
    expect(engine.state.find((r) => r.urn.endsWith("::vm-c"))!.id).toBe(vmIds[2]);
    expect(outputsOf("a-alpha")).toMatchObject({ version: "2.0", installedVersion: "2.0-1" });
    // The VM update left the network's VIF on vm-c in place.
    for (const vif of labVifs) expect(env.sim.refOf(vif)).toBeDefined();

    // c-pool removed: its delete reaches vm-c at the new address.
    const trimmed = await step(() => engine!.up(stackProgram(stackEnv, TRIMMED)));
    expect(mutations(trimmed)).toEqual(["delete c-pool"]);
    expect(await rocksOn("vm-c").installed("bx-pool-02")).toBeUndefined();

    // outside changes: vm-c powered off through XAPI, b-pool removed over SSH.
    await env.client.callAsync("VM.hard_shutdown", env.sim.refOf(vmIds[2]!)!);
    await rocksOn("vm-b").remove("bx-pool-02");
    const refreshed = await step(() => engine!.refresh());
    expect(mutations(refreshed)).toEqual([]);
    expect(outputsOf("vm-c")).toMatchObject({ powerState: "halted" });
    expect(engine.state.find((r) => r.urn.endsWith("::vm-c"))!.inputs.powerState).toBe("halted");
    expect(engine.state.some((r) => r.urn.endsWith("::b-pool"))).toBe(false);

    // up repairs exactly the drift.
    const repaired = await step(() => engine!.up(stackProgram(stackEnv, TRIMMED)));
    expect(mutations(repaired).sort()).toEqual(["create b-pool", "update vm-c"]);
    expect(outputsOf("vm-c")).toMatchObject({ powerState: "running" });
    expect(await rocksOn("vm-b").installed("bx-pool-02")).toBe("0.1-1");

    expectNoSecretLeaks(engine, [PASSWORD, ...privateKeyLines(env.keys.private)], results);

    // destroy: dependents first; nothing of ours left, no session open.
    const destroyed = await step(() => engine!.destroy());
    const order = mutations(destroyed);
    expect(order).toHaveLength(10);
    for (const name of ["lab", "a-alpha", "a-pool"]) expect(order.indexOf(`delete ${name}`)).toBeLessThan(order.indexOf("delete vm-a"));
    expect(order.indexOf("delete local-beta")).toBeLessThan(order.indexOf("delete local-alpha"));
    expect(order.indexOf("delete local-alpha")).toBeLessThan(order.indexOf("delete lua"));
    expect(engine.state).toEqual([]);
    expect(ownedObjects(env.sim)).toEqual([]);
    expect(countObjects(env.sim)).toEqual(baseline.objects);

    expectNoSecretLeaks(engine, [PASSWORD, ...privateKeyLines(env.keys.private)], results);
  }, 180_000);

  it("made only XAPI calls real xapi accepts: every recorded call replayed through the strict check", () => {
    expectStrictReplay(env.sim, ["session.login_with_password", "Async.VM.clone", "VIF.create", "network.create", "event.from", "VM.hard_shutdown", "VM.destroy", "session.logout"]);
  });
});
