import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEEDED, startSimulator, TEMPLATES, type Simulator } from "../../sim";
import { fails, login, ok } from "./raw";

describe("simulator networks and VLANs", () => {
  let sim: Simulator;
  let s: string;
  let url: string;
  let eth0: string;

  beforeAll(async () => {
    sim = await startSimulator({ guests: false, latency: { scale: 0 } });
    url = sim.url;
    s = await login(sim);
    const [management] = await ok(url, "network.get_by_name_label", [s, SEEDED.managementNetwork]);
    const pifs: string[] = await ok(url, "network.get_PIFs", [s, management]);
    expect(pifs).toHaveLength(2);
    const master = await ok(url, "pool.get_master", [s, (await ok(url, "pool.get_all", [s]))[0]]);
    eth0 = (await Promise.all(pifs.map(async (p) => ({ p, host: await ok(url, "PIF.get_host", [s, p]) })))).find((x) => x.host === master)!.p;
  });
  afterAll(() => sim.stop());

  const createNetwork = (name: string, extra: Record<string, unknown> = {}) =>
    ok(url, "network.create", [s, { name_label: name, name_description: "", MTU: 0, other_config: {}, bridge: "", managed: true, tags: [], ...extra }]);

  it("seeds a management network with a physical eth0 PIF per host", async () => {
    const pif = await ok(url, "PIF.get_record", [s, eth0]);
    expect(pif).toMatchObject({ device: "eth0", VLAN: -1, physical: true, management: true, currently_attached: true });
  });

  it("creates private networks with an automatic bridge and MTU 1500 for MTU ≤ 0", async () => {
    const a = await createNetwork("private-a");
    const b = await createNetwork("private-b");
    const [ra, rb] = [await ok(url, "network.get_record", [s, a]), await ok(url, "network.get_record", [s, b])];
    expect(ra.bridge).toMatch(/^xapi\d+$/);
    expect(rb.bridge).not.toBe(ra.bridge);
    expect(ra.MTU).toBe(1500);
    expect(ra.PIFs).toEqual([]);
  });

  it("refuses a missing other_config, a bad bridge name and a duplicate bridge", async () => {
    expect((await fails(url, "network.create", [s, { name_label: "x", name_description: "" }]))[0]).toBe("INTERNAL_ERROR");
    expect(await fails(url, "network.create", [s, { name_label: "x", name_description: "", other_config: {}, bridge: "xapi99" }])).toEqual(["INVALID_VALUE", "bridge", "xapi99"]);
    await createNetwork("bridged", { bridge: "br-lua" });
    expect(await fails(url, "network.create", [s, { name_label: "y", name_description: "", other_config: {}, bridge: "br-lua" }])).toEqual(["BRIDGE_NAME_EXISTS", "br-lua"]);
  });

  it("creates VLANs with xapi's checks: tag range, duplicate, kernel in use", async () => {
    const net = await createNetwork("vlan-100");
    expect(await fails(url, "VLAN.create", [s, eth0, 4095, net])).toEqual(["VLAN_TAG_INVALID", "4095"]);
    expect(await fails(url, "VLAN.create", [s, eth0, 999, net])).toEqual(["VLAN_IN_USE", "eth0", "999"]);
    const vlan = await ok(url, "VLAN.create", [s, eth0, "100", net]);
    const record = await ok(url, "VLAN.get_record", [s, vlan]);
    expect(record.tag).toBe(100);
    const untagged = await ok(url, "PIF.get_record", [s, record.untagged_PIF]);
    expect(untagged).toMatchObject({ device: "eth0", VLAN: 100, physical: false, network: net, VLAN_master_of: vlan });
    const other = await createNetwork("vlan-100-again");
    expect(await fails(url, "VLAN.create", [s, eth0, 100, other])).toEqual(["PIF_VLAN_EXISTS", "eth0"]);
    expect(await fails(url, "VLAN.create", [s, record.untagged_PIF, 5, other])).toEqual(["PIF_IS_VLAN", record.untagged_PIF]);
  });

  it("creates a VLAN on every host with pool.create_VLAN_from_PIF", async () => {
    const net = await createNetwork("vlan-300");
    const pifs: string[] = await ok(url, "pool.create_VLAN_from_PIF", [s, eth0, net, 300]);
    expect(pifs).toHaveLength(2);
    const hosts = await Promise.all(pifs.map((p) => ok(url, "PIF.get_host", [s, p])));
    expect(new Set(hosts).size).toBe(2);
    expect((await ok(url, "network.get_PIFs", [s, net])).sort()).toEqual([...pifs].sort());
  });

  it("refuses to destroy a network with a PIF, an attached VIF, or a system network; removes unattached VIFs with it", async () => {
    const net = await createNetwork("vlan-200");
    const vlan = await ok(url, "VLAN.create", [s, eth0, 200, net]);
    const pif = await ok(url, "VLAN.get_untagged_PIF", [s, vlan]);
    expect(await fails(url, "network.destroy", [s, net])).toEqual(["NETWORK_CONTAINS_PIF", pif]);
    await ok(url, "VLAN.destroy", [s, vlan]);
    expect(await ok(url, "network.get_PIFs", [s, net])).toEqual([]);

    const [tpl] = await ok(url, "VM.get_by_name_label", [s, TEMPLATES.cloneReady]);
    const vm = await ok(url, "VM.clone", [s, tpl, "on-vlan"]);
    await ok(url, "VM.set_is_a_template", [s, vm, false]);
    const vifArgs = { device: "0", network: net, VM: vm, MAC: "", MTU: 1500, other_config: {}, qos_algorithm_type: "", qos_algorithm_params: {} };
    const vif = await ok(url, "VIF.create", [s, vifArgs]);
    await ok(url, "VM.start", [s, vm, false, false]);
    expect(await fails(url, "network.destroy", [s, net])).toEqual(["NETWORK_CONTAINS_VIF", vif]);
    await ok(url, "VIF.unplug", [s, vif]);
    await ok(url, "network.destroy", [s, net]);
    expect((await fails(url, "VIF.get_record", [s, vif]))[0]).toBe("HANDLE_INVALID");

    const [internal] = await ok(url, "network.get_by_name_label", [s, SEEDED.internalNetwork]);
    expect(await fails(url, "network.destroy", [s, internal])).toEqual(["CANNOT_DESTROY_SYSTEM_NETWORK", internal]);
  });

  it("hot-plugs VIFs only on running VMs", async () => {
    const net = await createNetwork("hotplug");
    const [tpl] = await ok(url, "VM.get_by_name_label", [s, TEMPLATES.cloneReady]);
    const vm = await ok(url, "VM.clone", [s, tpl, "hotplug"]);
    await ok(url, "VM.set_is_a_template", [s, vm, false]);
    const vif = await ok(url, "VIF.create", [s, { device: "1", network: net, VM: vm, MAC: "", MTU: 1500, other_config: {}, qos_algorithm_type: "", qos_algorithm_params: {} }]);
    expect(await fails(url, "VIF.plug", [s, vif])).toEqual(["VM_BAD_POWER_STATE", vm, "running", "halted"]);
    await ok(url, "VM.start", [s, vm, false, false]);
    expect(await fails(url, "VIF.plug", [s, vif])).toEqual(["DEVICE_ALREADY_ATTACHED", vif]);
    await ok(url, "VIF.unplug", [s, vif]);
    expect(await ok(url, "VIF.get_currently_attached", [s, vif])).toBe(false);
    await ok(url, "VIF.plug", [s, vif]);
    expect(await ok(url, "VIF.get_currently_attached", [s, vif])).toBe(true);
  });
});
