/**
 * Issue #9 regressions through the real dynamic-provider host: a replace must not destroy its own
 * VM, copies of our marker (user templates, snapshots) are never taken over, a template made from
 * a managed VM does not pin its old host key, and a create whose rollback fails stays in state.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { XcpngLuaVM, type XcpngLuaVmArgs } from "../../provider/xcpng-lua-vm";
import { SEEDED, TEMPLATES } from "../../sim";
import { EngineOperationError, type Engine, type ProgramDir } from "../support/engine";
import { checkoutProgramDir, finishEngineSuite, simEngine } from "../support/engine-suite";
import { expectNoSecretLeaks, mutations, privateKeyLines } from "./support/engine-checks";
import { startTestSim } from "../support/sim";
import { XCPNG_COUNTED, expectNoLeftovers, type XcpngSim } from "./support/xcpng-sim";

// Needs a fresh `npm run build`: the provider host loads bioxen-luavm/provider/impl/xcpng-lua-vm from dist/.
const PASSWORD = "xcpng-ownership-secret-51f0a2";
let env: XcpngSim;
let program: ProgramDir;
const engines: Engine[] = [];

beforeAll(async () => {
  env = await startTestSim({ password: PASSWORD }, { sshGuests: { addressBase: "127.83" }, counted: XCPNG_COUNTED });
  program = checkoutProgramDir();
});

afterAll(() => finishEngineSuite({ engines, program, servers: [env] }));

function newEngine(): Engine {
  const engine = simEngine(env.sim, {
    project: "ownproj",
    stack: "dev",
    config: { "bioxen:sessionIdleMs": "200" },
    programDir: program.dir,
  });
  engines.push(engine);
  return engine;
}

/** A program declaring XcpngLuaVMs by name with their overrides. */
function vms(specs: Record<string, Partial<XcpngLuaVmArgs>>) {
  return () => {
    for (const [name, overrides] of Object.entries(specs)) {
      new XcpngLuaVM(name, {
        template: TEMPLATES.cloneReady,
        memoryMiB: 512,
        networks: [{ network: SEEDED.managementNetwork }],
        ssh: { user: env.user, port: env.sshPort, privateKey: env.keys.private },
        luaInterpreter: "lua5.4",
        timeouts: { create: 60, ready: 60, delete: 30 },
        ...overrides,
        ...(overrides.cloneMode === "copy" && !overrides.sr ? { sr: SEEDED.localSr } : {}),
      });
    }
  };
}

const vmRecord = (uuid: string) => {
  const ref = env.sim.refOf(uuid);
  return ref ? env.sim.record("VM", ref) : undefined;
};

/** Destroys a VM the test made as "the user", with its disks. */
async function destroyUserVm(ref: string): Promise<void> {
  const vdis = env.sim.record("VM", ref)!.VBDs.map((vbd: string) => env.sim.record("VBD", vbd)!.VDI).filter((vdi: string) => env.sim.record("VDI", vdi));
  await env.client.call("VM.destroy", ref);
  for (const vdi of vdis) await env.client.call("VDI.destroy", vdi);
}

/** Every VM of the engine's state exists and carries the instance marker its outputs record. */
function expectStateMatchesPool(engine: Engine): void {
  for (const res of engine.state) {
    const record = vmRecord(res.id);
    expect(record, `VM ${res.id} of ${res.urn} exists`).toBeDefined();
    expect(record!.other_config).toMatchObject({ "bioxen:instance": res.outputs.__instance, "bioxen:state": "complete", "bioxen:self": res.id });
  }
}

describe("XcpngLuaVM ownership (issue #9) through the real dynamic-provider host", () => {
  it("replaces (template, cloneMode, sr) by creating a new VM and deleting only the old one", async () => {
    const engine = newEngine();
    const otherTemplate = String(await env.client.callAsync("VM.clone", env.sim.objects("VM").find((o) => o.record.name_label === TEMPLATES.cloneReady)!.ref, "lua-template-b"));
    await engine.up(vms({ lua1: {} }));
    const first = engine.state[0]!.id;
    for (const [change, expected] of [
      [{ template: "lua-template-b" }, "template"],
      [{ template: "lua-template-b", cloneMode: "copy" as const }, "copy"],
      [{ template: "lua-template-b", cloneMode: "copy" as const, sr: SEEDED.sharedSr }, "sr"],
    ] as const) {
      const before = engine.state[0]!.id;
      const result = await engine.up(vms({ lua1: change }));
      expect(mutations(result), expected).toEqual(["create lua1", "delete lua1"]);
      const after = engine.state[0]!.id;
      expect(after).not.toBe(before);
      expect(vmRecord(before)).toBeUndefined();
      expectStateMatchesPool(engine);
      await engine.refresh();
      expect(engine.state.map((r) => r.id)).toEqual([after]);
    }
    expect(vmRecord(first)).toBeUndefined();
    await engine.destroy();
    await destroyUserVm(otherTemplate);
    expectNoLeftovers(env);
  }, 240_000);

  it("never provisions, starts or destroys a user's template or snapshot made from a managed VM, and does not pin its host key", async () => {
    const engine = newEngine();
    await engine.up(vms({ lua1: {} }));
    const managed = engine.state[0]!.id;
    const managedRef = env.sim.refOf(managed)!;
    // The user snapshots the running VM, then halts it and turns a clone of it into a golden template.
    const snapshot = String(await env.client.call("VM.snapshot", managedRef, "lua1-snap"));
    await env.client.callAsync("VM.hard_shutdown", managedRef);
    const golden = String(await env.client.callAsync("VM.clone", managedRef, "golden"));
    await env.client.call("VM.set_is_a_template", golden, true);
    const userObjects = () => [golden, snapshot].map((ref) => JSON.stringify(env.sim.record("VM", ref)));
    const untouched = userObjects();
    expect(env.sim.record("VM", golden)!.other_config["bioxen:owner"]).toBe("ownproj/dev/XcpngLuaVM/lua1");

    // Re-creating the resource under the same name must make a new VM from its own template.
    await engine.destroy();
    expect(vmRecord(managed)).toBeUndefined();
    expect(mutations(await engine.up(vms({ lua1: {} })))).toEqual(["create lua1"]);
    expect(engine.state[0]!.id).not.toBe(env.sim.record("VM", golden)!.uuid);
    // A VM cloned from the golden template: its own host key, not the one the template carries.
    await engine.up(vms({ lua1: {}, lua2: { template: env.sim.record("VM", golden)!.uuid } }));
    const lua2 = engine.state.find((r) => r.urn.endsWith("lua2"))!;
    expect(lua2.outputs.hostKeyFingerprint).toBe(env.sim.sshGuests!.hostKeyFingerprint(lua2.id));
    expectStateMatchesPool(engine);
    await engine.destroy();
    expect(userObjects()).toEqual(untouched);

    for (const ref of [snapshot, golden]) await destroyUserVm(ref);
    expectNoLeftovers(env);
  }, 180_000);

  it("keeps a VM whose create failed and whose rollback failed too in the state, without secrets, and deletes it later", async () => {
    const engine = newEngine();
    env.sim.faults.add({ method: "VM.start", code: "INTERNAL_ERROR", params: ["injected start failure"] });
    env.sim.faults.add({ method: "VM.destroy", code: "INTERNAL_ERROR", params: ["injected destroy failure"] });
    const failed = await engine.up(vms({ lua1: {} })).catch((error: unknown) => error);
    env.sim.faults.clear();
    expect(failed).toBeInstanceOf(EngineOperationError);
    expect(String(failed)).toMatch(/injected destroy failure.*injected start failure/s);
    expect(engine.state).toHaveLength(1);
    const kept = engine.state[0]!;
    expect(kept.initErrors?.length).toBeGreaterThan(0);
    expect(vmRecord(kept.id)).toBeDefined();
    expect(vmRecord(kept.id)!.other_config).toMatchObject({ "bioxen:instance": kept.outputs.__instance, "bioxen:state": "complete" });
    expectNoSecretLeaks(engine, [PASSWORD, env.keys.private, ...privateKeyLines(env.keys.private)]);
    expect(JSON.stringify(kept.outputs)).not.toMatch(/password|privateKey/);

    expect(mutations(await engine.up(vms({ lua1: {} })))).toEqual(["update lua1"]);
    expect(engine.state[0]!.outputs.powerState).toBe("running");
    await engine.destroy();
    expect(vmRecord(kept.id)).toBeUndefined();
    expectNoLeftovers(env);
  }, 120_000);
});
