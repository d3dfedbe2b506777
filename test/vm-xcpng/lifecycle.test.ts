import { beforeAll, describe, expect, it } from "vitest";
import { XcpngLuaVmError, destroyXcpngLuaVm, ensureXcpngLuaVm, readXcpngLuaVm, updateXcpngLuaVm } from "../../sdk/vm/xcpng";
import { TEMPLATES } from "../../sim";
import { expectNoLeftovers, type XcpngSim } from "../provider/support/xcpng-sim";
import { useXcpngSim } from "../provider/support/xcpng-suite";
import { vmSpec } from "../support/xcpng-inputs";

const sim = useXcpngSim({ addressBase: "127.79" });
let env: XcpngSim;
const fast = { createMs: 30_000, readyMs: 30_000, deleteMs: 20_000 };
beforeAll(() => {
  env = sim();
});

describe("XCP-ng Lua VM lifecycle (sdk/vm/xcpng)", () => {
  it("creates a reachable VM, never takes over that finished VM in a second ensure, updates it only with allowRestart, reads drift and destroys it", async () => {
    const spec = vmSpec(env, "life", { tags: ["b", "a"] });
    const state = await ensureXcpngLuaVm(env.client, spec, fast);
    try {
      expect(state.powerState).toBe("running");
      expect(state.ipAddress).toMatch(/^127\.79\.\d+\.\d+$/);
      expect(state.hostKeyFingerprint).toBe(env.sim.sshGuests!.hostKeyFingerprint(state.vmUuid));
      expect(state.lua?.languageVersion).toBe("5.4");
      expect(state.memoryMiB).toBe(512);
      expect(state.tags).toEqual(["a", "b"]);

      expect(env.sim.record("VM", env.sim.refOf(state.vmUuid)!)!.other_config).toMatchObject({ "bioxen:instance": state.instance, "bioxen:state": "complete", "bioxen:self": state.vmUuid });
      const again = await ensureXcpngLuaVm(env.client, spec, fast);
      expect(again.vmUuid).not.toBe(state.vmUuid);
      expect(again.instance).not.toBe(state.instance);
      expect(await destroyXcpngLuaVm(env.client, again.vmUuid, spec.owner, { adopted: false, instance: again.instance }, fast)).toBe(true);
      await expect(destroyXcpngLuaVm(env.client, state.vmUuid, spec.owner, { adopted: false, instance: again.instance }, fast)).rejects.toThrow(/another instance of this resource/);

      const prior = { hostKeyFingerprint: state.hostKeyFingerprint, lua: state.lua, adopted: false, instance: state.instance };
      const bigger = { ...spec, memoryMiB: 768 };
      await expect(updateXcpngLuaVm(env.client, state.vmUuid, bigger, prior, fast)).rejects.toThrow(/allowRestart: true/);
      const updated = await updateXcpngLuaVm(env.client, state.vmUuid, { ...bigger, allowRestart: true, name: "life-renamed" }, prior, fast);
      expect(updated.memoryMiB).toBe(768);
      expect(updated.name).toBe("life-renamed");
      expect(updated.powerState).toBe("running");
      expect(updated.hostKeyFingerprint).toBe(state.hostKeyFingerprint);

      await env.client.callAsync("VM.hard_shutdown", env.sim.refOf(state.vmUuid)!);
      const drifted = await readXcpngLuaVm(env.client, state.vmUuid, spec.owner, prior);
      expect(drifted?.powerState).toBe("halted");
      expect(drifted?.ipAddress).toBeUndefined();
    } finally {
      expect(await destroyXcpngLuaVm(env.client, state.vmUuid, spec.owner, { adopted: false, instance: state.instance }, fast)).toBe(true);
    }
    expect(await readXcpngLuaVm(env.client, state.vmUuid, spec.owner, { adopted: false })).toBeUndefined();
    expect(await destroyXcpngLuaVm(env.client, state.vmUuid, spec.owner, { adopted: false, instance: state.instance }, fast)).toBe(false);
    expectNoLeftovers(env);
  });

  it("refuses to destroy a VM that does not carry its owner marker", async () => {
    const spec = vmSpec(env, "foreign", { powerState: "halted" });
    const state = await ensureXcpngLuaVm(env.client, spec, fast);
    try {
      await expect(destroyXcpngLuaVm(env.client, state.vmUuid, "someone/else/XcpngLuaVM/x", { adopted: false }, fast)).rejects.toThrow(/owned by/);
    } finally {
      await destroyXcpngLuaVm(env.client, state.vmUuid, spec.owner, { adopted: false, instance: state.instance }, fast);
    }
    expectNoLeftovers(env);
  });

  it("adopts an existing VM with a pinned host key and destroys it on delete", async () => {
    const made = await ensureXcpngLuaVm(env.client, vmSpec(env, "to-adopt"), fast);
    const ref = env.sim.refOf(made.vmUuid)!;
    await env.client.call("VM.remove_from_other_config", ref, "bioxen:owner");
    const spec = vmSpec(env, "adopter", { adopt: made.vmUuid, ssh: { user: env.user, port: env.sshPort, privateKey: env.keys.private, hostKeyFingerprint: made.hostKeyFingerprint } });
    const adopted = await ensureXcpngLuaVm(env.client, spec, fast);
    expect(adopted.vmUuid).toBe(made.vmUuid);
    expect(adopted.adopted).toBe(true);
    expect(env.sim.record("VM", ref)!.other_config["bioxen:owner"]).toBe(spec.owner);
    expect(await destroyXcpngLuaVm(env.client, made.vmUuid, spec.owner, { adopted: true }, fast)).toBe(true);
    expectNoLeftovers(env);
  });

  describe("a create failing at each step leaves nothing, or keeps the VM and says so", () => {
    const rolledBack: Array<[string, string, string?]> = [
      ["clone", "VM.clone"],
      ["provision", "VM.provision", TEMPLATES.builtin],
      ["set memory", "VM.set_memory_limits"],
      ["create VIF", "VIF.create"],
      ["start", "VM.start"],
      ["read the new VM uuid", "VM.get_uuid"],
      ["read the recorded host key", "VM.get_other_config"],
    ];
    for (const [step, method, template] of rolledBack) {
      it(`rolls back when ${step} fails`, async () => {
        env.sim.faults.add({ method, code: "INTERNAL_ERROR", params: [`injected ${step} failure`] });
        try {
          const failing = ensureXcpngLuaVm(env.client, vmSpec(env, `fail-${step.replace(/[^a-z]+/g, "-")}`, { memoryMiB: 640, ...(template ? { template } : {}) }), fast);
          await expect(failing).rejects.toThrow(/injected/);
          await expect(failing).rejects.not.toBeInstanceOf(XcpngLuaVmError);
        } finally {
          env.sim.faults.clear();
        }
        expectNoLeftovers(env);
      });
    }

    const kept: Array<[string, Parameters<typeof vmSpec>[2], RegExp]> = [
      ["no guest address (no guest tools)", { template: TEMPLATES.noGuestTools }, /guest/i],
      ["SSH unreachable", { ssh: { user: "root", port: 2299, privateKey: "" } }, /SSH|ECONNREFUSED|connect/i],
      ["Lua missing", { luaInterpreter: "/nonexistent/lua5.4" }, /lua/i],
    ];
    for (const [what, overrides, message] of kept) {
      it(`keeps the VM with its id when ${what}`, async () => {
        const spec = vmSpec(env, "kept", overrides);
        if (spec.ssh.privateKey === "") spec.ssh = { ...spec.ssh, user: env.user, privateKey: env.keys.private };
        const error = await ensureXcpngLuaVm(env.client, spec, { ...fast, readyMs: 3_000 }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(XcpngLuaVmError);
        const kept = error as XcpngLuaVmError;
        expect(kept.message).toMatch(message);
        expect(env.sim.refOf(kept.vmUuid)).toBeDefined();
        expect(kept.state.vmUuid).toBe(kept.vmUuid);
        expect(await destroyXcpngLuaVm(env.client, kept.vmUuid, spec.owner, { adopted: false }, fast)).toBe(true);
        expectNoLeftovers(env);
      });
    }

    it("keeps the VM with its id when it cannot even be read after the guest failed to come up", async () => {
      const spec = vmSpec(env, "kept-unread", { ssh: { user: env.user, port: 2299, privateKey: env.keys.private } });
      // Once the guest wait has begun, every VM.get_record fails: the failure report cannot observe the VM.
      const onProgress = (line: string) => {
        if (line.includes("waiting for SSH")) env.sim.faults.add({ method: "VM.get_record", code: "INTERNAL_ERROR", params: ["injected read failure"], times: Infinity });
      };
      let error: unknown;
      try {
        error = await ensureXcpngLuaVm(env.client, spec, { ...fast, readyMs: 2_000, onProgress }).catch((e: unknown) => e);
      } finally {
        env.sim.faults.clear();
      }
      expect(error).toBeInstanceOf(XcpngLuaVmError);
      const kept = error as XcpngLuaVmError;
      expect(env.sim.refOf(kept.vmUuid)).toBeDefined();
      expect(kept.state).toMatchObject({ vmUuid: kept.vmUuid, name: spec.name, powerState: "unknown" });
      expect(await destroyXcpngLuaVm(env.client, kept.vmUuid, spec.owner, { adopted: false }, fast)).toBe(true);
      expectNoLeftovers(env);
    });
  });
});
