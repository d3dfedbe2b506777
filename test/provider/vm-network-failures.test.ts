import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as vmNetwork from "../../provider/impl/vm-network";
import type { VmNetworkOutputs } from "../../provider/impl/vm-network/outputs";
import { setConfiguredValues } from "../../provider/runtime/config";
import { closeAllXapiClients } from "../../provider/runtime/connections";
import { createVif, findTemplate, waitForGuestAddresses } from "../../sdk/xapi/recipes";
import { TEMPLATES } from "../../sim";
import { expectNoLeftovers, startGuestVm, startNetworkSim, testOwner, type GuestVm, type NetworkSim } from "./vm-network-support";

let env: NetworkSim;
let running: GuestVm;
const ENV_KEYS = ["BIOXEN_XAPI_URL", "BIOXEN_XAPI_USERNAME", "BIOXEN_XAPI_PASSWORD"];
const savedEnv = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
/** Deletes of what a test created, run even when it fails (delete is idempotent). */
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  for (const key of ENV_KEYS) delete process.env[key];
  env = await startNetworkSim({ guests: false });
  running = await startGuestVm(env, "fail-guest");
});

afterEach(() => {
  env.sim.faults.clear();
  setConfiguredValues({});
});

afterAll(async () => {
  for (const [key, value] of Object.entries(savedEnv)) if (value !== undefined) process.env[key] = value;
  try {
    for (const cleanup of cleanups) await cleanup();
    await running?.destroy();
    await closeAllXapiClients();
    if (env) expectNoLeftovers(env);
  } finally {
    await env?.stop();
  }
});

function inputsFor(name: string, extra: Record<string, unknown> = {}) {
  return { connection: env.connection, name, description: "", mtu: 1500, attach: [], __owner: testOwner(name), ...extra };
}

async function created(inputs: Record<string, unknown>) {
  const result = await vmNetwork.create(inputs);
  cleanups.push(() => vmNetwork.delete(result.id, { ...result.outs, connection: env.connection }));
  return result;
}

const networkCount = () => env.sim.objects("network").length;

describe("VmNetwork failure paths", () => {
  it("rejects an unknown VM uuid before anything is attached and removes the new network", async () => {
    const before = networkCount();
    const missing = "00000000-0000-4000-8000-00000000abcd";
    const attempt = vmNetwork.create(inputsFor("bad-vm", { attach: [{ vmUuid: running.uuid }, { vmUuid: missing }] }));
    await expect(attempt).rejects.toThrow(`VmNetwork "bad-vm": create failed: attach[1]: find VM (${missing}): no VM with this uuid`);
    await expect(attempt).rejects.toThrow(/were removed again/);
    expect(networkCount()).toBe(before);
    expect(env.sim.objects("VIF").filter((o) => o.record.VM === running.ref)).toHaveLength(1);
  });

  it("refuses to attach a template", async () => {
    const tpl = await findTemplate(env.client, TEMPLATES.cloneReady);
    await expect(vmNetwork.create(inputsFor("tpl", { attach: [{ vmUuid: tpl.uuid }] }))).rejects.toThrow(/template, snapshot or control domain/);
  });

  it.each([
    [{ pifDevice: "eth0", tag: 999 }, /create VLAN: pool.create_VLAN_from_PIF \(eth0 tag 999\): failed: .*VLAN_IN_USE.*the new network was removed again/],
    [{ pifDevice: "eth9", tag: 7 }, /the pool master has no physical PIF with that device — use one of: eth0/],
  ])("surfaces VLAN errors with context (%j) and leaves nothing behind", async (vlan, message) => {
    const before = networkCount();
    await expect(vmNetwork.create(inputsFor("vlan-bad", { vlan }))).rejects.toThrow(message);
    expect(networkCount()).toBe(before);
    expect(env.sim.objects("VLAN").filter((o) => o.record.tag === vlan.tag)).toEqual([]);
  });

  it("reports a tag that exists already on the PIF", async () => {
    await created(inputsFor("vlan-first", { vlan: { pifDevice: "eth0", tag: 77 } }));
    const before = networkCount();
    await expect(vmNetwork.create(inputsFor("vlan-second", { vlan: { pifDevice: "eth0", tag: 77 } }))).rejects.toThrow(/PIF_VLAN_EXISTS/);
    expect(networkCount()).toBe(before);
  });

  it("times out waiting for a guest without tools, naming the cause, and rolls everything back", async () => {
    const silent = await startGuestVm(env, "no-tools", TEMPLATES.noGuestTools, false);
    try {
      const before = { networks: networkCount(), vifs: env.sim.objects("VIF").length };
      const attempt = vmNetwork.create(inputsFor("silent", { attach: [{ vmUuid: silent.uuid }], timeouts: { ready: 0.5 } }));
      await expect(attempt).rejects.toThrow(/no guest metrics after .* s — are guest tools \(xe-guest-utilities\) installed/);
      expect({ networks: networkCount(), vifs: env.sim.objects("VIF").length }).toEqual(before);
    } finally {
      await silent.destroy();
    }
  });

  it("keeps the network in the state (id + properties) when the rollback fails too", async () => {
    env.sim.faults.add({ method: "VM.get_by_uuid", code: "INTERNAL_ERROR", params: ["injected"] });
    env.sim.faults.add({ method: "network.destroy", code: "INTERNAL_ERROR", params: ["injected"] });
    const inputs = { ...inputsFor("stuck", { attach: [{ vmUuid: running.uuid }] }), __provider: "provider text" };
    const error = (await vmNetwork.create(inputs).catch((e: unknown) => e)) as { id?: string; properties?: Record<string, unknown>; message: string };
    expect(error.message).toMatch(/removing the new network .* also failed/);
    expect(env.sim.refOf(error.id!)).toBeDefined();
    expect(error.properties).toMatchObject({ name: "stuck", networkUuid: error.id, __provider: "provider text" });
    // No secret in partial properties: the password is left out; later calls take it from the inputs (or config).
    expect(JSON.stringify(error.properties)).not.toMatch(/password/);
    const recorded = { ...error.properties!, connection: inputs.connection };
    cleanups.push(() => vmNetwork.delete(error.id!, recorded));
    await vmNetwork.delete(error.id!, recorded);
    expect(env.sim.refOf(error.id!)).toBeUndefined();
  });

  it("deletes only networks carrying its own marker, and refuses while others' VIFs remain", async () => {
    const inputs = inputsFor("guarded");
    const { id, outs } = await created(inputs);
    await expect(vmNetwork.delete(id, { ...outs, __owner: "someone/else" })).rejects.toThrow(/owned by .*not "someone\/else"/);
    const foreign = await createVif(env.client, running.ref, env.sim.refOf(id)!, { owner: "another/project" });
    await expect(vmNetwork.delete(id, outs)).rejects.toThrow(/VIFs still attached: VIF .* \(device \d of VM "fail-guest"\)/);
    expect(env.sim.refOf(id)).toBeDefined();
    await env.client.call("VIF.unplug", foreign);
    await env.client.call("VIF.destroy", foreign);
    await vmNetwork.delete(id, outs);
    expect(env.sim.refOf(id)).toBeUndefined();
  });

  it("attaches a halted VM without waiting (no address) and reads its address once it runs", async () => {
    const halted = await startGuestVm(env, "later", TEMPLATES.cloneReady, false);
    try {
      await env.client.call("VM.hard_shutdown", halted.ref);
      const { id, outs } = await created(inputsFor("halted", { attach: [{ vmUuid: halted.uuid }] }));
      const [attachment] = (outs as VmNetworkOutputs).attachments;
      expect(attachment).toEqual({ vmUuid: halted.uuid, vifUuid: expect.any(String), device: "1" });
      await env.client.call("VM.start", halted.ref, false, false);
      const reported = await waitForGuestAddresses(env.client, halted.ref, { devices: ["1"], deadline: 10_000 });
      const address = ((await vmNetwork.read(id, outs)).props as VmNetworkOutputs).attachments[0]?.address;
      expect(address).toBe(reported["1"]);
      expect(address).toMatch(/^127\.66\./);
      await vmNetwork.delete(id, outs);
    } finally {
      await halted.destroy();
    }
  });

  it("uses the provider settings when there is no connection input, and names what to set when nothing is configured", async () => {
    const { connection: _c, ...inputs } = inputsFor("configured");
    await expect(vmNetwork.create(inputs)).rejects.toThrow(/set connection.url or stack config bioxen:xapiUrl \(or environment variable BIOXEN_XAPI_URL\)/);
    setConfiguredValues({ xapiUrl: env.sim.url, xapiUsername: env.sim.username, xapiPassword: env.sim.password });
    const { id, outs } = await created(inputs);
    expect(JSON.stringify(outs)).not.toContain(env.sim.password);
    expect((await vmNetwork.read(id, outs)).id).toBe(id);
    await vmNetwork.delete(id, outs);
    expect(env.sim.refOf(id)).toBeUndefined();
  });
});
