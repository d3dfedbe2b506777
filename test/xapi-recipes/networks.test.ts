import { describe, expect, it } from "vitest";
import {
  createPrivateNetwork,
  createVif,
  createVlanNetwork,
  destroyNetwork,
  destroyVm,
  findOwned,
  findTemplate,
  installVm,
  ownerMarkerKey,
  ownerTag,
  startVm,
  XapiRecipeError,
} from "../../sdk/xapi/recipes";
import { SEEDED, TEMPLATES } from "../../sim";
import { ownerFor, useRecipeSim } from "./support";

const wait = { deadline: 20_000 };
const env = useRecipeSim();

const networkCount = () => env.sim.objects("network").length;

describe("private networks", () => {
  it("creates a marked, tagged network with an automatic bridge", async () => {
    const owner = ownerFor("private");
    const network = await createPrivateNetwork(env.client, { name: "lab-net", mtu: 9000, owner });
    const record = env.sim.record("network", network)!;
    expect(record).toMatchObject({ name_label: "lab-net", MTU: 9000, PIFs: [] });
    expect(record.other_config[ownerMarkerKey]).toBe(owner);
    expect(record.tags).toEqual([ownerTag]);
    expect(record.bridge).not.toBe("");
    expect((await findOwned(env.client, "network", owner)).map((o) => o.ref)).toEqual([network]);
    await destroyNetwork(env.client, network, { owner });
    expect(env.sim.record("network", network)).toBeUndefined();
    await destroyNetwork(env.client, network, { owner });
  });

  it("refuses networks it does not own, and system networks", async () => {
    const management = env.sim.objects("network").find((o) => o.record.name_label === SEEDED.managementNetwork)!;
    await expect(destroyNetwork(env.client, management.ref, { owner: "me" })).rejects.toThrow(/no bioxen:owner marker/);
    await expect(destroyNetwork(env.client, management.ref, { owner: "me", adopted: true, removeVifs: true })).rejects.toThrow(
      /non-VLAN PIF/,
    );
    expect(env.sim.record("network", management.ref)).toBeDefined();
  });
});

describe("VLAN networks", () => {
  it("creates the VLAN on every host (pool.create_VLAN_from_PIF) and tears down every VLAN first, then the network", async () => {
    const owner = ownerFor("vlan");
    const vlansBefore = env.sim.objects("VLAN").length;
    const { network, pifs } = await createVlanNetwork(env.client, { name: "vlan-42", pifDevice: "eth0", vlan: 42, owner });
    const hosts = env.sim.objects("host").map((h) => h.ref).sort();
    expect(pifs.map((p) => env.sim.record("PIF", p)!.host).sort()).toEqual(hosts);
    const vlans = pifs.map((p) => env.sim.record("PIF", p)!.VLAN_master_of as string);
    for (const vlan of vlans) expect(env.sim.record("PIF", env.sim.record("VLAN", vlan)!.tagged_PIF)).toMatchObject({ device: "eth0", VLAN: -1 });
    expect(env.sim.record("network", network)!.PIFs.sort()).toEqual([...pifs].sort());
    // What the recipe avoids: the network cannot go while its VLAN PIFs remain.
    await expect(env.client.call("network.destroy", network)).rejects.toMatchObject({ xapiCode: "NETWORK_CONTAINS_PIF" });
    await destroyNetwork(env.client, network, { owner });
    for (const vlan of vlans) expect(env.sim.record("VLAN", vlan)).toBeUndefined();
    for (const pif of pifs) expect(env.sim.record("PIF", pif)).toBeUndefined();
    expect(env.sim.record("network", network)).toBeUndefined();
    expect(env.sim.objects("VLAN")).toHaveLength(vlansBefore);
  });

  it("reports VLAN_TAG_INVALID and removes the network it had created", async () => {
    const before = networkCount();
    const error = await createVlanNetwork(env.client, { name: "bad-tag", pifDevice: "eth0", vlan: 4095, owner: ownerFor("bad") }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(XapiRecipeError);
    expect((error as XapiRecipeError).xapiCode).toBe("VLAN_TAG_INVALID");
    expect(String(error)).toMatch(/eth0 tag 4095.*0–4094.*removed again/s);
    expect(networkCount()).toBe(before);
  });

  it("reports PIF_VLAN_EXISTS for a tag already on the PIF and leaves the first network intact", async () => {
    const owner = ownerFor("dup");
    const first = await createVlanNetwork(env.client, { name: "vlan-7", pifDevice: "eth0", vlan: 7, owner });
    const before = networkCount();
    const error = await createVlanNetwork(env.client, { name: "vlan-7-again", pifDevice: "eth0", vlan: 7, owner }).catch((e: unknown) => e);
    expect((error as XapiRecipeError).xapiCode).toBe("PIF_VLAN_EXISTS");
    expect(networkCount()).toBe(before);
    expect(first.pifs.every((p) => env.sim.record("PIF", p) !== undefined)).toBe(true);
    await destroyNetwork(env.client, first.network, { owner });
  });

  it("names the available devices when the PIF device does not exist", async () => {
    const before = networkCount();
    await expect(createVlanNetwork(env.client, { name: "nope", pifDevice: "eth9", vlan: 5, owner: ownerFor("nope") })).rejects.toThrow(
      /no physical PIF with that device — use one of: eth0/,
    );
    expect(networkCount()).toBe(before);
  });
});

describe("destroyNetwork with VIFs", () => {
  it("refuses while VIFs are attached, listing them; removes them when asked", async () => {
    const owner = ownerFor("busy");
    const tpl = await findTemplate(env.client, TEMPLATES.cloneReady);
    const vm = await installVm(env.client, tpl.ref, { name: "busy-vm", mode: "clone", owner });
    const { network } = await createVlanNetwork(env.client, { name: "busy-net", pifDevice: "eth0", vlan: 100, owner });
    const vif = await createVif(env.client, vm, network, { owner });
    await startVm(env.client, vm, wait);
    expect(env.sim.record("VIF", vif)!.currently_attached).toBe(true);

    const error = await destroyNetwork(env.client, network, { owner }).catch((e: unknown) => e);
    expect(String(error)).toContain(env.sim.record("VIF", vif)!.uuid);
    expect(String(error)).toMatch(/device 0 of VM "busy-vm".*removeVifs: true/s);
    expect(env.sim.record("network", network)).toBeDefined();

    await destroyNetwork(env.client, network, { owner, removeVifs: true });
    expect(env.sim.record("VIF", vif)).toBeUndefined();
    expect(env.sim.record("network", network)).toBeUndefined();
    await destroyVm(env.client, vm, { owner, cleanTimeoutMs: 5_000, ...wait });
  });
});
