import { beforeAll, describe, expect, it } from "vitest";
import { destroyXcpngLuaVm, ensureXcpngLuaVm, readXcpngLuaVm, updateXcpngLuaVm, type XcpngLuaVmSpec, type XcpngLuaVmState } from "../../sdk/vm/xcpng";
import { SEEDED } from "../../sim";
import { expectNoLeftovers, type XcpngSim } from "../provider/support/xcpng-sim";
import { useXcpngSim } from "../provider/support/xcpng-suite";
import { vmSpec } from "../support/xcpng-inputs";

const sim = useXcpngSim({ addressBase: "127.90" });
let env: XcpngSim;
const fast = { createMs: 30_000, readyMs: 30_000, deleteMs: 20_000 };
beforeAll(() => {
  env = sim();
});

function priorOf(state: XcpngLuaVmState) {
  return { hostKeyFingerprint: state.hostKeyFingerprint, lua: state.lua, adopted: false, instance: state.instance };
}

/** Calls of `method` so far. */
function callsOf(method: string): number {
  return env.sim.traffic().byMethod[method] ?? 0;
}

/** VM.start calls so far (sync or Async): a halt for a change shows as one more. */
function vmStarts(): number {
  return Object.entries(env.sim.traffic().byMethod).reduce((n, [method, count]) => n + (/^(Async\.)?VM\.start$/.test(method) ? count : 0), 0);
}

/**
 * An update that needs VDI.resize_online on an xapi without it (MESSAGE_REMOVED, as XCP-ng
 * 8.2/8.3 answer): refused with `refusal` and no halt without allowRestart, done with one halt with it.
 */
async function expectHaltWithoutResizeOnline(state: XcpngLuaVmState, grown: XcpngLuaVmSpec, refusal: RegExp): Promise<XcpngLuaVmState> {
  const startsBefore = vmStarts();
  env.sim.faults.add({ method: "VDI.resize_online", code: "MESSAGE_REMOVED", times: Infinity });
  try {
    await expect(updateXcpngLuaVm(env.client, state.vmUuid, grown, priorOf(state), fast)).rejects.toThrow(refusal);
    expect(vmStarts()).toBe(startsBefore);
    const halted = await updateXcpngLuaVm(env.client, state.vmUuid, { ...grown, allowRestart: true }, priorOf(state), fast);
    expect(halted.powerState).toBe("running");
    expect(vmStarts()).toBe(startsBefore + 1);
    return halted;
  } finally {
    env.sim.faults.clear();
  }
}

function vmRecord(uuid: string) {
  return env.sim.record("VM", env.sim.refOf(uuid)!)!;
}

describe("XCP-ng Lua VM data disks, live changes and reboots (sdk/vm/xcpng)", () => {
  it("creates owned data disks, grows them (halting only with allowRestart), re-attaches one detached outside, removes one dropped from the spec and destroys them with the VM", async () => {
    const local = SEEDED.localSr;
    const spec = vmSpec(env, "disks", { disks: [{ sizeGiB: 1, sr: local }, { sizeGiB: 2, name: "scratch" }] });
    const state = await ensureXcpngLuaVm(env.client, spec, fast);
    try {
      expect(state.disks?.map((d) => [d.slot, d.sizeGiB, d.name])).toEqual([
        [0, 1, "disks data 0"],
        [1, 2, "scratch"],
      ]);
      const vdiRef = (uuid: string) => env.sim.refOf(uuid)!;
      const first = env.sim.record("VDI", vdiRef(state.disks![0]!.vdiUuid))!;
      expect(first.other_config).toMatchObject({ "bioxen:owner": spec.owner, "bioxen:instance": state.instance, "bioxen:self": state.disks![0]!.vdiUuid, "bioxen:vm": state.vmUuid, "bioxen:disk": "0" });
      expect(first.sharable).toBe(false);
      expect(env.sim.record("VBD", first.VBDs[0])!.currently_attached).toBe(true);

      // Growing on Local storage: its driver has no VDI_RESIZE_ONLINE (SR_OPERATION_NOT_SUPPORTED), so only a halted VM's disk grows.
      const grown = { ...spec, disks: [{ sizeGiB: 3, sr: local }, { sizeGiB: 2, name: "scratch" }] };
      await expect(updateXcpngLuaVm(env.client, state.vmUuid, grown, priorOf(state), fast)).rejects.toThrow(/allowRestart: true/);
      const afterGrow = await updateXcpngLuaVm(env.client, state.vmUuid, { ...grown, allowRestart: true }, priorOf(state), fast);
      expect(afterGrow.disks?.map((d) => d.sizeGiB)).toEqual([3, 2]);
      expect(afterGrow.powerState).toBe("running");
      await expect(updateXcpngLuaVm(env.client, state.vmUuid, { ...spec, allowRestart: true }, priorOf(state), fast)).rejects.toThrow(/refusing to shrink/);

      // Detached outside: the VBD is gone, the VDI stays; refresh shows it missing, update re-attaches the same VDI.
      const scratch = env.sim.record("VDI", vdiRef(state.disks![1]!.vdiUuid))!;
      await env.client.call("VBD.unplug", scratch.VBDs[0]);
      await env.client.call("VBD.destroy", scratch.VBDs[0]);
      const drifted = await readXcpngLuaVm(env.client, state.vmUuid, spec.owner, priorOf(state));
      expect(drifted?.disks?.map((d) => d.slot)).toEqual([0]);
      const repaired = await updateXcpngLuaVm(env.client, state.vmUuid, grown, priorOf(state), fast);
      expect(repaired.disks?.map((d) => d.vdiUuid)).toEqual([state.disks![0]!.vdiUuid, state.disks![1]!.vdiUuid]);

      // Dropped from the spec: detached and destroyed (while running).
      const fewer = await updateXcpngLuaVm(env.client, state.vmUuid, { ...grown, disks: [{ sizeGiB: 3, sr: local }] }, priorOf(state), fast);
      expect(fewer.disks?.map((d) => d.slot)).toEqual([0]);
      expect(env.sim.refOf(state.disks![1]!.vdiUuid)).toBeUndefined();
    } finally {
      expect(await destroyXcpngLuaVm(env.client, state.vmUuid, spec.owner, { adopted: false, instance: state.instance }, fast)).toBe(true);
    }
    expect(env.sim.refOf(state.disks![0]!.vdiUuid)).toBeUndefined();
    expectNoLeftovers(env);
  });

  it("destroys with the VM a data disk detached outside (found by the VM's recorded slots), and never another VM's", async () => {
    const spec = vmSpec(env, "detached", { powerState: "halted", disks: [{ sizeGiB: 1 }] });
    const state = await ensureXcpngLuaVm(env.client, spec, fast);
    expect(vmRecord(state.vmUuid).other_config["bioxen:data-disks"]).toBe("1");
    const vdi = env.sim.refOf(state.disks![0]!.vdiUuid)!;
    await env.client.call("VBD.destroy", env.sim.record("VDI", vdi)!.VBDs[0]);
    const other = await ensureXcpngLuaVm(env.client, vmSpec(env, "detached-other", { powerState: "halted", disks: [{ sizeGiB: 1 }] }), fast);
    const otherVdi = env.sim.refOf(other.disks![0]!.vdiUuid)!;
    await env.client.call("VBD.destroy", env.sim.record("VDI", otherVdi)!.VBDs[0]);
    expect(await destroyXcpngLuaVm(env.client, state.vmUuid, spec.owner, { adopted: false, instance: state.instance }, fast)).toBe(true);
    expect(env.sim.record("VDI", vdi)).toBeUndefined();
    expect(env.sim.record("VDI", otherVdi)).toBeDefined();
    await destroyXcpngLuaVm(env.client, other.vmUuid, vmRecord(other.vmUuid).other_config["bioxen:owner"], { adopted: false, instance: other.instance }, fast);
    expect(env.sim.record("VDI", otherVdi)).toBeUndefined();
    expectNoLeftovers(env);
  });

  it("grows a data disk of a running VM online where the SR's driver allows it (no halt); an xapi without VDI.resize_online needs allowRestart", async () => {
    const disk = (sizeGiB: number) => ({ ...spec, disks: [{ sizeGiB, sr: SEEDED.sharedSr }] });
    const spec = vmSpec(env, "disk-online", {});
    const state = await ensureXcpngLuaVm(env.client, disk(1), fast);
    try {
      const startsBefore = vmStarts();
      const online = await updateXcpngLuaVm(env.client, state.vmUuid, disk(2), priorOf(state), fast);
      expect(online.disks?.map((d) => d.sizeGiB)).toEqual([2]);
      expect(online.powerState).toBe("running");
      expect(vmStarts()).toBe(startsBefore);

      // XCP-ng's xapi until VDI.resize_online came back answers MESSAGE_REMOVED: the disk grows only halted.
      const halted = await expectHaltWithoutResizeOnline(state, disk(3), /only while the VM is halted.*allowRestart: true/s);
      expect(halted.disks?.map((d) => d.sizeGiB)).toEqual([3]);
    } finally {
      await destroyXcpngLuaVm(env.client, state.vmUuid, spec.owner, { adopted: false, instance: state.instance }, fast);
    }
    expectNoLeftovers(env);
  });

  it("grows the root disk of a running VM online where its VDI allows resize_online (no halt); halts only when xapi refuses it attached, and only with allowRestart", async () => {
    const onShared = vmSpec(env, "root-online", { cloneMode: "copy", sr: SEEDED.sharedSr, diskGiB: 4 });
    const state = await ensureXcpngLuaVm(env.client, onShared, fast);
    try {
      expect(state).toMatchObject({ diskGiB: 4, rootDiskResizeOnline: true });
      const startsBefore = vmStarts();
      const onlineBefore = callsOf("VDI.resize_online");
      const domid = vmRecord(state.vmUuid).domid;
      const online = await updateXcpngLuaVm(env.client, state.vmUuid, { ...onShared, diskGiB: 6 }, priorOf(state), fast);
      expect(online).toMatchObject({ diskGiB: 6, powerState: "running" });
      expect(vmStarts()).toBe(startsBefore);
      expect(vmRecord(state.vmUuid).domid).toBe(domid);
      expect(callsOf("VDI.resize_online")).toBe(onlineBefore + 1);

      const halted = await expectHaltWithoutResizeOnline(state, { ...onShared, diskGiB: 7 }, /disk can only change while it is halted \(the root disk's SR, or this xapi, grows it only detached\).*allowRestart: true/s);
      expect(halted.diskGiB).toBe(7);
    } finally {
      await destroyXcpngLuaVm(env.client, state.vmUuid, onShared.owner, { adopted: false, instance: state.instance }, fast);
    }
    expectNoLeftovers(env);
  });

  it("reports a root disk on Local storage as not growing online, and refuses its growth on a running VM without allowRestart", async () => {
    const local = vmSpec(env, "root-local", { diskGiB: 4 });
    const state = await ensureXcpngLuaVm(env.client, local, fast);
    try {
      expect(state).toMatchObject({ diskGiB: 4, rootDiskResizeOnline: false });
      const startsBefore = vmStarts();
      const onlineBefore = callsOf("VDI.resize_online");
      await expect(updateXcpngLuaVm(env.client, state.vmUuid, { ...local, diskGiB: 5 }, priorOf(state), fast)).rejects.toThrow(/grows it only detached.*allowRestart: true/s);
      expect(callsOf("VDI.resize_online")).toBe(onlineBefore);
      const grown = await updateXcpngLuaVm(env.client, state.vmUuid, { ...local, diskGiB: 5, allowRestart: true }, priorOf(state), fast);
      expect(grown).toMatchObject({ diskGiB: 5, powerState: "running", rootDiskResizeOnline: false });
      expect(vmStarts()).toBe(startsBefore + 1);
    } finally {
      await destroyXcpngLuaVm(env.client, state.vmUuid, local.owner, { adopted: false, instance: state.instance }, fast);
    }
    expectNoLeftovers(env);
  });

  it("a data disk that does not fit its SR fails the create and leaves nothing", async () => {
    const spec = vmSpec(env, "disk-full", { disks: [{ sizeGiB: 100_000 }] });
    await expect(ensureXcpngLuaVm(env.client, spec, fast)).rejects.toThrow(/SR_FULL/);
    expectNoLeftovers(env);
  });

  it("changes vCPUs and memory of a running VM live (same domain), a ceiling only with allowRestart, and reboots on request", async () => {
    const spec = vmSpec(env, "live", { vcpus: 1, maxVcpus: 4, memoryMiB: 512, maxMemoryMiB: 1024, description: "first" });
    const state = await ensureXcpngLuaVm(env.client, spec, fast);
    try {
      expect(state).toMatchObject({ vcpus: 1, vcpusMax: 4, memoryMiB: 512, memoryMaxMiB: 1024, description: "first" });
      const domid = vmRecord(state.vmUuid).domid;
      const live = await updateXcpngLuaVm(env.client, state.vmUuid, { ...spec, vcpus: 3, memoryMiB: 768, description: "second" }, priorOf(state), fast);
      expect(live).toMatchObject({ vcpus: 3, memoryMiB: 768, powerState: "running", description: "second" });
      expect(vmRecord(state.vmUuid).domid).toBe(domid);
      expect(vmRecord(state.vmUuid).memory_dynamic_max).toBe(768 * 1024 ** 2);

      const beyond = { ...spec, vcpus: 6, maxVcpus: 6 };
      await expect(updateXcpngLuaVm(env.client, state.vmUuid, beyond, priorOf(state), fast)).rejects.toThrow(/allowRestart: true/);
      expect(vmRecord(state.vmUuid).domid).toBe(domid);

      const rebooted = await updateXcpngLuaVm(env.client, state.vmUuid, { ...spec, vcpus: 3, memoryMiB: 768 }, priorOf(state), { ...fast, reboot: true });
      expect(rebooted.powerState).toBe("running");
      expect(vmRecord(state.vmUuid).domid).not.toBe(domid);
      expect(rebooted.ipAddress).toBeDefined();
    } finally {
      await destroyXcpngLuaVm(env.client, state.vmUuid, spec.owner, { adopted: false, instance: state.instance }, fast);
    }
    expectNoLeftovers(env);
  });
});

