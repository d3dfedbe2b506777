import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { XcpngLuaVmError, XcpngPhaseTimeoutError, destroyXcpngLuaVm, ensureXcpngLuaVm } from "../../sdk/vm/xcpng";
import { TEMPLATES } from "../../sim";
import { expectNoLeftovers, type XcpngSim } from "../provider/support/xcpng-sim";
import { useXcpngSim } from "../provider/support/xcpng-suite";
import { vmSpec } from "../support/xcpng-inputs";

const sim = useXcpngSim({ addressBase: "127.92" });
let env: XcpngSim;
const budget = { createMs: 30_000, readyMs: 30_000, deleteMs: 20_000 };
beforeAll(() => {
  env = sim();
});

/** The phase error under a kept-VM error, and how long the create took. */
async function failedPhase(spec: ReturnType<typeof vmSpec>, phases: Record<string, number>): Promise<{ error: XcpngPhaseTimeoutError; kept?: XcpngLuaVmError; ms: number }> {
  const started = Date.now();
  const error = await ensureXcpngLuaVm(env.client, spec, { ...budget, phases }).catch((e: unknown) => e);
  const ms = Date.now() - started;
  const kept = error instanceof XcpngLuaVmError ? error : undefined;
  // A failure before the VM runs rolls it back: the phase error is then the cause of the rollback's error.
  const phase = (error as Error).cause;
  expect(phase).toBeInstanceOf(XcpngPhaseTimeoutError);
  return { error: phase as XcpngPhaseTimeoutError, kept, ms };
}

describe("per-phase timeouts (sdk/vm/xcpng)", () => {
  it("address: a template without guest tools fails in the address phase's own time, naming guest tools and DHCP; the VM is kept", async () => {
    const spec = vmSpec(env, "phase-address", { template: TEMPLATES.noGuestTools });
    const { error, kept, ms } = await failedPhase(spec, { address: 1_500 });
    expect(error.phase).toBe("address");
    expect(error.message).toMatch(/phase "address" timed out .*timeouts\.address = 2 s.*guest tools.*DHCP/);
    expect(ms).toBeLessThan(15_000);
    expect(kept?.message).toMatch(/phase "address"/);
    await destroyXcpngLuaVm(env.client, kept!.vmUuid, spec.owner, { adopted: false }, budget);
    expectNoLeftovers(env);
  });

  it("ssh: an sshd that never answers fails in the ssh phase, naming sshd and the firewall", async () => {
    const spec = vmSpec(env, "phase-ssh", { ssh: { user: env.user, port: 2299, privateKey: env.keys.private } });
    const { error, kept, ms } = await failedPhase(spec, { ssh: 1_500 });
    expect(error.phase).toBe("ssh");
    expect(error.message).toMatch(/phase "ssh" timed out .*sshd.*firewall/);
    expect(ms).toBeLessThan(15_000);
    await destroyXcpngLuaVm(env.client, kept!.vmUuid, spec.owner, { adopted: false }, budget);
    expectNoLeftovers(env);
  });

  it("clone: a VM.clone slower than timeouts.clone fails in the clone phase, naming the SR and the pool's tasks; nothing is left", async () => {
    env.sim.latency.set({ scale: 1, methods: { "VM.clone": 4_000 } });
    let error: unknown;
    try {
      error = await ensureXcpngLuaVm(env.client, vmSpec(env, "phase-clone"), { ...budget, phases: { clone: 1_000 } }).catch((e: unknown) => e);
    } finally {
      env.sim.latency.set({ scale: 0 });
    }
    // Nothing was made that the caller could name: the phase error itself, no kept VM.
    expect(error).toBeInstanceOf(XcpngPhaseTimeoutError);
    expect((error as XcpngPhaseTimeoutError).phase).toBe("clone");
    expect((error as Error).message).toMatch(/phase "clone" timed out .*timeouts\.clone = 1 s.*SR's free space.*xe task-list/);
    await sleep(4_000); // the clone the pool was still running has finished by now
    expectNoLeftovers(env);
  });

  it("lua: an interpreter that never answers fails in the lua phase, naming the template's Lua; the VM is kept", async () => {
    const spec = { ...vmSpec(env, "phase-lua"), luaInterpreter: join(__dirname, "../fixtures/lua/hanging-lua") };
    const started = Date.now();
    const error = await ensureXcpngLuaVm(env.client, spec, { ...budget, phases: { lua: 1_500 } }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(error).toBeInstanceOf(XcpngLuaVmError);
    const phase = (error as Error).cause;
    expect(phase).toBeInstanceOf(XcpngPhaseTimeoutError);
    expect((phase as XcpngPhaseTimeoutError).phase).toBe("lua");
    expect((phase as Error).message).toMatch(/phase "lua" timed out .*timeouts\.lua = 2 s.*template's Lua.*luaInterpreter/);
    await destroyXcpngLuaVm(env.client, (error as XcpngLuaVmError).vmUuid, spec.owner, { adopted: false }, budget);
    expectNoLeftovers(env);
  });

  it("start: a VM.start slower than timeouts.start fails in the start phase, naming host memory; nothing is left", async () => {
    env.sim.latency.set({ scale: 1, methods: { "VM.start": 4_000 } });
    try {
      const { error, kept } = await failedPhase(vmSpec(env, "phase-start"), { start: 1_000 });
      expect(error.phase).toBe("start");
      expect(error.message).toMatch(/phase "start" timed out .*free memory/);
      expect(kept).toBeUndefined();
      expect(String(error.cause === undefined ? "" : (error.cause as Error).message)).not.toBe("");
    } finally {
      env.sim.latency.set({ scale: 0 });
    }
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expectNoLeftovers(env);
  });
});
