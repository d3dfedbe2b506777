import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { destroyXcpngLuaVm, ensureXcpngLuaVm, updateXcpngLuaVm } from "../../sdk/vm/xcpng";
import { SEEDED } from "../../sim";
import { startTestSim } from "../support/sim";
import { XCPNG_COUNTED, finishXcpngSim, type XcpngSim } from "../provider/support/xcpng-sim";
import { vmSpec } from "../support/xcpng-inputs";

let env: XcpngSim;
const fast = { createMs: 30_000, readyMs: 30_000, deleteMs: 20_000 };
let hostUuids: Record<string, string>;

beforeAll(async () => {
  env = await startTestSim({ hosts: 3 }, { sshGuests: { addressBase: "127.72" }, counted: XCPNG_COUNTED });
  hostUuids = Object.fromEntries(env.sim.objects("host").map((h) => [String(h.record.name_label), String(h.record.uuid)]));
  await env.client.call("network.create", { name_label: "placement-private", name_description: "", MTU: 1500, other_config: {}, bridge: "", managed: true, tags: [] });
});

afterAll(() => finishXcpngSim(env, false));

const vmCount = () => env.sim.objects("VM").length;
const destroy = (state: { vmUuid: string; instance?: string }, owner: string) => destroyXcpngLuaVm(env.client, state.vmUuid, owner, { adopted: false, instance: state.instance }, fast);

describe("XCP-ng Lua VM placement (sdk/vm/xcpng, three simulated hosts)", () => {
  it("refuses an unknown affinity host before creating anything, naming the hosts that exist", async () => {
    const before = vmCount();
    const error = await ensureXcpngLuaVm(env.client, vmSpec(env, "nowhere", { affinityHost: "xcp-sim-9", powerState: "halted" }), fast).catch((e: Error) => e);
    expect(String(error)).toMatch(/no such host in this pool/);
    expect(String(error)).toContain(`xcp-sim-3 (${hostUuids["xcp-sim-3"]})`);
    expect(vmCount()).toBe(before);
  });

  it("starts the VM on its affinity host, moves the affinity in place without a restart, and clears it", async () => {
    const spec = vmSpec(env, "placed", { affinityHost: "xcp-sim-3" });
    const state = await ensureXcpngLuaVm(env.client, spec, fast);
    try {
      expect(state.affinityHostUuid).toBe(hostUuids["xcp-sim-3"]);
      expect(state.residentOnUuid).toBe(hostUuids["xcp-sim-3"]);
      const domid = env.sim.record("VM", env.sim.refOf(state.vmUuid)!)!.domid;
      const prior = { hostKeyFingerprint: state.hostKeyFingerprint, lua: state.lua, adopted: false, instance: state.instance };
      const moved = await updateXcpngLuaVm(env.client, state.vmUuid, { ...spec, affinityHost: hostUuids["xcp-sim-2"]! }, prior, fast);
      expect(moved.affinityHostUuid).toBe(hostUuids["xcp-sim-2"]);
      expect(moved.residentOnUuid).toBe(hostUuids["xcp-sim-3"]);
      expect(env.sim.record("VM", env.sim.refOf(state.vmUuid)!)!.domid).toBe(domid);
      const cleared = await updateXcpngLuaVm(env.client, state.vmUuid, { ...spec, affinityHost: "" }, prior, fast);
      expect(cleared.affinityHostUuid).toBeUndefined();
      expect(env.sim.record("VM", env.sim.refOf(state.vmUuid)!)!.affinity).toBe("OpaqueRef:NULL");
    } finally {
      expect(await destroy(state, spec.owner)).toBe(true);
    }
  });

  it("refuses a private network shared with a VM placed on another host, at create and at update, before any change", async () => {
    const networks = [{ network: SEEDED.managementNetwork }, { network: "placement-private" }];
    const first = vmSpec(env, "private-a", { affinityHost: "xcp-sim-2", powerState: "halted", networks });
    const a = await ensureXcpngLuaVm(env.client, first, fast);
    const second = vmSpec(env, "private-b", { affinityHost: "xcp-sim-2", powerState: "halted", networks });
    const b = await ensureXcpngLuaVm(env.client, second, fast);
    try {
      const before = vmCount();
      const split = ensureXcpngLuaVm(env.client, vmSpec(env, "private-c", { affinityHost: "xcp-sim-3", powerState: "halted", networks }), fast);
      await expect(split).rejects.toThrow(/affinity host xcp-sim-3 differs from that of private-a \(.*\) on host xcp-sim-2, private-b/);
      await expect(split).rejects.toThrow(/cannot reach each other/);
      expect(vmCount()).toBe(before);
      const prior = { adopted: false, instance: b.instance };
      await expect(updateXcpngLuaVm(env.client, b.vmUuid, { ...second, affinityHost: "xcp-sim-1" }, prior, fast)).rejects.toThrow(/differs from that of private-a/);
      expect(env.sim.record("VM", env.sim.refOf(b.vmUuid)!)!.affinity).toBe(env.sim.refOf(hostUuids["xcp-sim-2"]!));
    } finally {
      await destroy(a, first.owner);
      await destroy(b, second.owner);
    }
  });
});
