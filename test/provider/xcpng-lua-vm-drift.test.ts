import { beforeAll, describe, expect, it } from "vitest";
import * as impl from "../../provider/impl/xcpng-lua-vm";
import { lifecycleOptions } from "../../provider/impl/xcpng-lua-vm/outputs";
import { hostOf } from "../../sdk/xapi/recipes";
import { SEEDED } from "../../sim";
import { expectStrictReplay } from "../support/strict-replay";
import { expectNoLeftovers, type XcpngSim } from "./support/xcpng-sim";
import { checkFailures, useXcpngSim } from "./support/xcpng-suite";
import { providerInputs, testOwner } from "../support/xcpng-inputs";

const sim = useXcpngSim({ addressBase: "127.91", simulator: { recordCalls: true }, provider: true });
let env: XcpngSim;
beforeAll(() => {
  env = sim();
});

function inputs(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return providerInputs(env, "drift", overrides);
}

const failuresOf = (news: Record<string, unknown>) => checkFailures(impl.check, news);

const vm = (uuid: string) => env.sim.record("VM", env.sim.refOf(uuid)!)!;

describe("XcpngLuaVM disks, live changes, reboot trigger and description: check and diff", () => {
  it("checks disks, ceilings, description and rebootTrigger with the path of each mistake", async () => {
    expect(await failuresOf(inputs({ disks: [{ sizeGiB: 0 }, { sizeGiB: 1, colour: "red" }, { sizeGiB: 1, sr: "" }] }))).toEqual([
      expect.stringMatching(/^disks\[0\]\.sizeGiB: must be a number of GiB > 0/),
      expect.stringMatching(/^disks\[1\]\.colour: is not a disk field/),
      expect.stringMatching(/^disks\[2\]\.sr: must be an SR name or uuid/),
    ]);
    expect(await failuresOf(inputs({ vcpus: 4, maxVcpus: 2 }))).toEqual([expect.stringMatching(/^maxVcpus: must be ≥ vcpus/)]);
    expect(await failuresOf(inputs({ memoryMiB: 1024, maxMemoryMiB: 512 }))).toEqual([expect.stringMatching(/^maxMemoryMiB: must be ≥ memoryMiB/)]);
    expect(await failuresOf(inputs({ rebootTrigger: { at: 1 } }))).toEqual([expect.stringMatching(/^rebootTrigger: must be a string or number/)]);
    expect(await failuresOf(inputs({ disks: [{ sizeGiB: 2, sr: SEEDED.localSr, name: "data" }], maxVcpus: 4, maxMemoryMiB: 2048, description: "lab", rebootTrigger: 1 }))).toEqual([]);
  });

  it("takes per-phase timeouts in seconds and hands them to the sdk in ms", async () => {
    expect(await failuresOf(inputs({ timeouts: { clone: 60, start: 30, address: 120, ssh: 30, lua: 10, boot: 5 } }))).toEqual([expect.stringMatching(/^timeouts\.boot: is not a timeout of this resource \(allowed: create, ready, delete, clone, start, address, ssh, lua\)/)]);
    expect(await failuresOf(inputs({ timeouts: { address: 0 } }))).toEqual([expect.stringMatching(/^timeouts\.address: must be a number of seconds > 0/)]);
    expect(lifecycleOptions({ timeouts: { ready: 60, address: 20, lua: 5 } })).toEqual({ readyMs: 60_000, phases: { address: 20_000, lua: 5_000 } });
  });

  it("lets vCPUs and memory change on a running VM within the observed ceilings, refuses beyond them or a disk shrink", async () => {
    const owner = testOwner("d");
    const olds = { ...inputs({ __owner: owner, disks: [{ sizeGiB: 4 }] }), cloneMode: "clone", vcpus: 1, tags: [], powerState: "running", allowRestart: false, vmUuid: "u", vcpusMax: 4, memoryMaxMiB: 1024 };
    expect(await impl.diff("u", olds, inputs({ __owner: owner, disks: [{ sizeGiB: 4 }], vcpus: 3, memoryMiB: 1024 }))).toMatchObject({ changes: true, replaces: [] });
    await expect(impl.diff("u", olds, inputs({ __owner: owner, disks: [{ sizeGiB: 4 }], vcpus: 6 }))).rejects.toThrow(/vcpus needs the VM halted.*allowRestart: true/);
    await expect(impl.diff("u", olds, inputs({ __owner: owner, disks: [{ sizeGiB: 4 }], memoryMiB: 2048 }))).rejects.toThrow(/memoryMiB needs the VM halted/);
    await expect(impl.diff("u", olds, inputs({ __owner: owner, disks: [{ sizeGiB: 3 }], allowRestart: true }))).rejects.toThrow(/disks\[0\]\.sizeGiB 3 is smaller.*only grow/);
    expect(await impl.diff("u", olds, inputs({ __owner: owner, disks: [{ sizeGiB: 4 }, { sizeGiB: 1 }] }))).toMatchObject({ changes: true });
    expect(await impl.diff("u", olds, inputs({ __owner: owner, disks: [{ sizeGiB: 4 }], rebootTrigger: "x" }))).toMatchObject({ changes: true });
  });
});

describe("XcpngLuaVM drift against the simulator", () => {
  it("shows a detached disk, a moved VIF, a renamed VM and a changed description and tags on refresh; the next update repairs them without a new disk", async () => {
    const { inputs: checked } = await impl.check({}, inputs({ disks: [{ sizeGiB: 1, name: "data" }], description: "lab VM", tags: ["lab"] }));
    const created = await impl.create(checked);
    try {
      expect(created.outs).toMatchObject({ disks: [{ sizeGiB: 1, name: "data" }], description: "lab VM", networks: [{ network: SEEDED.managementNetwork }] });
      expect((await impl.diff(created.id, created.outs, checked)).changes).toBe(false);
      const ref = env.sim.refOf(created.id)!;
      const [dataVbd] = vm(created.id).VBDs.filter((vbd: string) => env.sim.record("VBD", vbd)!.userdevice !== "0");
      const dataVdi = env.sim.record("VBD", dataVbd)!.VDI as string;
      const dataVdiUuid = env.sim.record("VDI", dataVdi)!.uuid;

      // Outside Pulumi: detach the disk, move the VIF to the internal network, rename, re-describe, re-tag.
      await env.client.call("VBD.unplug", dataVbd);
      await env.client.call("VBD.destroy", dataVbd);
      const [vif] = vm(created.id).VIFs;
      await env.client.call("VIF.unplug", vif);
      await env.client.call("VIF.destroy", vif);
      const [internal] = (await env.client.call("network.get_by_name_label", SEEDED.internalNetwork)) as string[];
      const moved = (await env.client.call("VIF.create", { device: "0", network: internal!, VM: ref, MAC: "", MTU: 1500, other_config: {}, qos_algorithm_type: "", qos_algorithm_params: {} })) as string;
      await env.client.call("VIF.plug", moved);
      await env.client.call("VM.set_name_label", ref, "renamed-by-hand");
      await env.client.call("VM.set_name_description", ref, "edited");
      await env.client.call("VM.add_tags", ref, "extra");

      const refreshed = await impl.read(created.id, created.outs);
      const internalUuid = env.sim.record("network", internal!)!.uuid;
      expect(refreshed.props).toMatchObject({ name: "renamed-by-hand", description: "edited", tags: ["extra", "lab"], disks: [], networks: [{ network: internalUuid }] });
      expect(refreshed.inputs).toMatchObject({ disks: [], networks: [{ network: internalUuid }] });
      expect((await impl.diff(created.id, refreshed.props!, checked)).changes).toBe(true);

      const repaired = await impl.update(created.id, refreshed.props!, checked);
      expect(repaired.outs).toMatchObject({ name: "drift", description: "lab VM", tags: ["lab"], disks: [{ sizeGiB: 1, name: "data" }], networks: [{ network: SEEDED.managementNetwork }] });
      const again = await impl.read(created.id, repaired.outs!);
      expect((await impl.diff(created.id, again.props!, checked)).changes).toBe(false);
      const attached = vm(created.id).VBDs.map((vbd: string) => env.sim.record("VBD", vbd)!.VDI);
      expect(attached).toContain(dataVdi);
      expect(env.sim.record("VDI", dataVdi)!.uuid).toBe(dataVdiUuid);
    } finally {
      await impl.delete(created.id, created.outs);
    }
    expectNoLeftovers(env);
  });

  it("changes vCPUs live below maxVcpus without a new domain, and reboots when rebootTrigger changes", async () => {
    const { inputs: checked } = await impl.check({}, inputs({ maxVcpus: 4, rebootTrigger: "a" }));
    const created = await impl.create(checked);
    try {
      const domid = vm(created.id).domid;
      expect(created.outs).toMatchObject({ vcpus: 1, vcpusMax: 4 });
      const live = (await impl.check(checked, { ...checked, vcpus: 2 })).inputs;
      const updated = await impl.update(created.id, created.outs, live);
      expect(updated.outs).toMatchObject({ vcpus: 2, vcpusMax: 4, powerState: "running" });
      expect(vm(created.id).domid).toBe(domid);
      const reboot = (await impl.check(live, { ...live, rebootTrigger: "b" })).inputs;
      const rebooted = await impl.update(created.id, updated.outs!, reboot);
      expect(rebooted.outs).toMatchObject({ vcpus: 2, powerState: "running", rebootTrigger: "b" });
      expect(vm(created.id).domid).not.toBe(domid);
    } finally {
      await impl.delete(created.id, created.outs);
    }
    expectNoLeftovers(env);
  });

  it("grows the root disk of a running VM on an SR that resizes online without allowRestart or a halt; reads name the affinity host without a host call per read", async () => {
    const { inputs: checked } = await impl.check({}, inputs({ cloneMode: "copy", sr: SEEDED.sharedSr, diskGiB: 4, affinityHost: "xcp-sim-2" }));
    const created = await impl.create(checked);
    try {
      const hostUuid = String(env.sim.objects("host").find((h) => h.record.name_label === "xcp-sim-2")!.record.uuid);
      expect(created.outs).toMatchObject({ rootDiskGiB: 4, rootDiskResizeOnline: true, affinityHost: "xcp-sim-2", affinityHostUuid: hostUuid, affinityHostName: "xcp-sim-2" });

      // Reads share the provider's client, which keeps the hosts it read: at most one read per host (uuid, name), none in a later read.
      const hostCalls = () => Object.entries(env.sim.traffic().byMethod).filter(([method]) => method.startsWith("host.")).reduce((n, [, count]) => n + count, 0);
      const hostCallsBefore = hostCalls();
      const first = await impl.read(created.id, created.outs);
      const betweenReads = hostCalls();
      const second = await impl.read(created.id, first.props!);
      expect(betweenReads - hostCallsBefore).toBeLessThanOrEqual(4);
      expect(hostCalls() - betweenReads).toBe(0);
      expect(second.props).toMatchObject({ affinityHostUuid: hostUuid, affinityHostName: "xcp-sim-2", residentOn: expect.any(String) });
      // hostOf itself, on a client that never listed the hosts: one read of the host (uuid, name), then none.
      const hostRef = env.sim.refOf(hostUuid)!;
      const beforeHostOf = hostCalls();
      expect(await hostOf(env.client, hostRef)).toEqual({ ref: hostRef, uuid: hostUuid, name: "xcp-sim-2" });
      expect(await hostOf(env.client, hostRef)).toEqual({ ref: hostRef, uuid: hostUuid, name: "xcp-sim-2" });
      expect(hostCalls() - beforeHostOf).toBe(2);

      const grow = (await impl.check(checked, { ...checked, diskGiB: 6 })).inputs;
      expect(await impl.diff(created.id, second.props!, grow)).toMatchObject({ changes: true, replaces: [] });
      const domid = vm(created.id).domid;
      const updated = await impl.update(created.id, second.props!, grow);
      expect(updated.outs).toMatchObject({ rootDiskGiB: 6, powerState: "running" });
      expect(vm(created.id).domid).toBe(domid);
    } finally {
      await impl.delete(created.id, created.outs);
    }
    expectNoLeftovers(env);
  });

  it("made only calls real xapi accepts (strict replay of every recorded call)", () => {
    expectStrictReplay(env.sim, ["VDI.create", "VBD.create", "VBD.plug", "VM.set_VCPUs_number_live", "Async.VM.clean_reboot", "VM.set_name_description", "VDI.resize_online", "VM.set_affinity"]);
  });
});
