import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEEDED, startSimulator, TEMPLATES, type Simulator } from "../../sim";
import { fails, login, ok } from "./raw";

const GiB = 1024 ** 3;

describe("simulator hosts and placement (three hosts)", () => {
  let sim: Simulator;
  let s: string;
  let url: string;
  let hosts: string[];
  let management: string;

  beforeAll(async () => {
    sim = await startSimulator({ guests: false, latency: { scale: 0 }, hosts: 3 });
    url = sim.url;
    s = await login(sim);
    hosts = await Promise.all(["xcp-sim-1", "xcp-sim-2", "xcp-sim-3"].map(async (name) => (await ok(url, "host.get_by_name_label", [s, name]))[0]));
    [management] = await ok(url, "network.get_by_name_label", [s, SEEDED.managementNetwork]);
  });
  afterAll(() => sim.stop());

  const newVm = async (name: string) => {
    const [template] = await ok(url, "VM.get_by_name_label", [s, TEMPLATES.cloneReady]);
    const vm = await ok(url, "VM.clone", [s, template, name]);
    await ok(url, "VM.set_is_a_template", [s, vm, false]);
    return vm;
  };
  const newNetwork = (name: string) =>
    ok(url, "network.create", [s, { name_label: name, name_description: "", MTU: 1500, other_config: {}, bridge: "", managed: true, tags: [] }]);

  it("seeds N live hosts, each with a physical eth0 PIF on the management network, found by name, uuid and where", async () => {
    expect(hosts.every((h) => h.startsWith("OpaqueRef:"))).toBe(true);
    const uuid = await ok(url, "host.get_uuid", [s, hosts[2]]);
    expect(await ok(url, "host.get_by_uuid", [s, uuid])).toBe(hosts[2]);
    const where = await ok(url, "host.get_all_records_where", [s, 'field "name_label" = "xcp-sim-3"']);
    expect(Object.keys(where)).toEqual([hosts[2]]);
    const pifs: string[] = await ok(url, "network.get_PIFs", [s, management]);
    expect((await Promise.all(pifs.map((p) => ok(url, "PIF.get_host", [s, p])))).sort()).toEqual([...hosts].sort());
    for (const host of hosts) expect(await ok(url, "host_metrics.get_live", [s, await ok(url, "host.get_metrics", [s, host])])).toBe(true);
  });

  it("pool.create_VLAN_from_PIF makes the VLAN on every host with a PIF on the given PIF's network", async () => {
    const [masterPif] = await ok(url, "host.get_PIFs", [s, hosts[0]]);
    const net = await newNetwork("vlan-410");
    const made: string[] = await ok(url, "pool.create_VLAN_from_PIF", [s, masterPif, net, 410]);
    expect(made).toHaveLength(3);
    const records = await Promise.all(made.map((p) => ok(url, "PIF.get_record", [s, p])));
    expect(records.map((r) => r.host).sort()).toEqual([...hosts].sort());
    expect(records.every((r) => r.VLAN === 410 && r.network === net && r.device === "eth0")).toBe(true);
    expect((await ok(url, "network.get_PIFs", [s, net])).sort()).toEqual([...made].sort());
  });

  it("pool.create_VLAN_from_PIF fails as a whole: a host whose PIF already has the tag leaves no VLAN anywhere", async () => {
    const pifs: string[] = await ok(url, "network.get_PIFs", [s, management]);
    const third = (await Promise.all(pifs.map(async (p) => ({ p, host: await ok(url, "PIF.get_host", [s, p]) })))).find((x) => x.host === hosts[2])!.p;
    await ok(url, "VLAN.create", [s, third, 420, await newNetwork("vlan-420-on-host-3")]);
    const before = (await ok(url, "VLAN.get_all", [s])).length;
    const net = await newNetwork("vlan-420-pool");
    expect(await fails(url, "pool.create_VLAN_from_PIF", [s, pifs[0], net, 420])).toEqual(["PIF_VLAN_EXISTS", "eth0"]);
    expect(await ok(url, "network.get_PIFs", [s, net])).toEqual([]);
    expect((await ok(url, "VLAN.get_all", [s])).length).toBe(before);
  });

  it("VM.start places a VM on its affinity host and sets resident_on; without affinity on the master", async () => {
    const placed = await newVm("placed");
    await ok(url, "VM.set_affinity", [s, placed, hosts[2]]);
    await ok(url, "VM.start", [s, placed, false, false]);
    expect(await ok(url, "VM.get_resident_on", [s, placed])).toBe(hosts[2]);
    expect(await ok(url, "host.get_resident_VMs", [s, hosts[2]])).toContain(placed);
    const free = await newVm("free");
    await ok(url, "VM.start", [s, free, false, false]);
    expect(await ok(url, "VM.get_resident_on", [s, free])).toBe(hosts[0]);
    await ok(url, "VM.hard_shutdown", [s, placed]);
    expect(await ok(url, "VM.get_resident_on", [s, placed])).toBe("OpaqueRef:NULL");
    expect(await ok(url, "host.get_resident_VMs", [s, hosts[2]])).not.toContain(placed);
  });

  it("VM.start falls back from an affinity host that cannot take the VM, as xapi's choose_host_for_vm does", async () => {
    const big = await newVm("big-affine");
    await ok(url, "VM.set_memory_limits", [s, big, GiB, 20 * GiB, GiB, 20 * GiB]);
    const filler = await newVm("filler-host-2");
    await ok(url, "VM.set_memory_limits", [s, filler, GiB, 20 * GiB, GiB, 20 * GiB]);
    await ok(url, "VM.start_on", [s, filler, hosts[1], false, false]);
    expect(await ok(url, "VM.get_resident_on", [s, filler])).toBe(hosts[1]);
    await ok(url, "VM.set_affinity", [s, big, hosts[1]]);
    await ok(url, "VM.start", [s, big, false, false]);
    expect(await ok(url, "VM.get_resident_on", [s, big])).toBe(hosts[0]);
    const other = await newVm("start-on-full");
    await ok(url, "VM.set_memory_limits", [s, other, GiB, 20 * GiB, GiB, 20 * GiB]);
    expect((await fails(url, "VM.start_on", [s, other, hosts[1], false, false]))[0]).toBe("HOST_NOT_ENOUGH_FREE_MEMORY");
  });
});
