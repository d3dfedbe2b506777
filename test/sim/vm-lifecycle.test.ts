import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEEDED, startSimulator, TEMPLATES, type Simulator } from "../../sim";
import { fails, login, ok } from "./raw";

const GiB = 1024 ** 3;

describe("simulator VM lifecycle", () => {
  let sim: Simulator;
  let s: string;
  let url: string;
  let management: string;

  beforeAll(async () => {
    sim = await startSimulator({ guests: false, latency: { scale: 0 } });
    url = sim.url;
    s = await login(sim);
    [management] = await ok(url, "network.get_by_name_label", [s, SEEDED.managementNetwork]);
  });
  afterAll(() => sim.stop());

  const templateNamed = async (name: string) => {
    const refs: string[] = await ok(url, "VM.get_by_name_label", [s, name]);
    expect(refs).toHaveLength(1);
    return refs[0];
  };
  const vifArgs = (vm: string, device: string) => ({
    device,
    network: management,
    VM: vm,
    MAC: "",
    MTU: 1500,
    other_config: {},
    qos_algorithm_type: "",
    qos_algorithm_params: {},
  });

  it("seeds templates: built-in with provision XML, clone-ready, no-tools and an ambiguous name", async () => {
    const where = 'field "is_a_template" = "true" and field "is_control_domain" = "false" and field "is_a_snapshot" = "false"';
    const templates = Object.values(await ok(url, "VM.get_all_records_where", [s, where])) as Array<Record<string, any>>;
    const names = templates.map((t) => t.name_label);
    expect(names.filter((n) => n === TEMPLATES.ambiguous)).toHaveLength(2);
    expect(names).toEqual(expect.arrayContaining([TEMPLATES.builtin, TEMPLATES.cloneReady, TEMPLATES.noGuestTools]));
    const builtin = templates.find((t) => t.name_label === TEMPLATES.builtin)!;
    expect(builtin.other_config.disks).toMatch(/^<provision><disk device="0" size="\d+" sr="" bootable="true" type="system"\/><\/provision>$/);
    const controlDomains = await ok(url, "VM.get_all_records_where", [s, 'field "is_control_domain" = "true"']);
    expect(Object.keys(controlDomains)).toHaveLength(2);
  });

  it("clones a template: still a template, fresh mac_seed and base_template_name, copy-on-write disks", async () => {
    const tpl = await templateNamed(TEMPLATES.cloneReady);
    const vm = await ok(url, "VM.clone", [s, tpl, "clone-1"]);
    const record = await ok(url, "VM.get_record", [s, vm]);
    expect(record.is_a_template).toBe(true);
    expect(record.other_config.mac_seed).toMatch(/^[0-9a-f-]{36}$/);
    expect(record.other_config.base_template_name).toBe(TEMPLATES.cloneReady);
    expect(record.VBDs).toHaveLength(1);
    const vbd = await ok(url, "VBD.get_record", [s, record.VBDs[0]]);
    const tplVbd = await ok(url, "VBD.get_record", [s, (await ok(url, "VM.get_VBDs", [s, tpl]))[0]]);
    expect(vbd.VDI).not.toBe(tplVbd.VDI);
    await ok(url, "VM.set_is_a_template", [s, vm, false]);
    expect(await ok(url, "VM.get_is_a_template", [s, vm])).toBe(false);
  });

  it("snapshots a running VM as xapi does: a template with is_a_snapshot, snapshot_of, the source's other_config and snapshot disks", async () => {
    const tpl = await templateNamed(TEMPLATES.cloneReady);
    const vm = await ok(url, "VM.clone", [s, tpl, "snap-source"]);
    await ok(url, "VM.set_is_a_template", [s, vm, false]);
    await ok(url, "VM.add_to_other_config", [s, vm, "bioxen:owner", "p/s/XcpngLuaVM/x"]);
    await ok(url, "VM.start", [s, vm, false, false]);
    const snap = await ok(url, "VM.snapshot", [s, vm, "snap-1"]);
    const record = await ok(url, "VM.get_record", [s, snap]);
    expect(record).toMatchObject({ is_a_template: true, is_a_snapshot: true, snapshot_of: vm, power_state: "Halted", name_label: "snap-1" });
    expect(record.other_config["bioxen:owner"]).toBe("p/s/XcpngLuaVM/x");
    expect(await ok(url, "VM.get_snapshots", [s, vm])).toEqual([snap]);
    const snapVdi = (await ok(url, "VBD.get_record", [s, record.VBDs[0]])).VDI;
    const vdi = await ok(url, "VDI.get_record", [s, snapVdi]);
    expect(vdi.is_a_snapshot).toBe(true);
    expect(await fails(url, "VM.snapshot", [s, snap, "snap-of-snap"])).toEqual(["VM_IS_SNAPSHOT", snap, "snapshot"]);
    const copy = await ok(url, "VM.copy", [s, snap, "copy-of-snap", "OpaqueRef:NULL"]);
    expect((await ok(url, "VM.get_record", [s, copy])).other_config["bioxen:owner"]).toBe("p/s/XcpngLuaVM/x");
    await ok(url, "VM.destroy", [s, snap]);
    expect(await ok(url, "VM.get_snapshots", [s, vm])).toEqual([]);
    await ok(url, "VM.hard_shutdown", [s, vm]);
    for (const v of [vm, copy]) await ok(url, "VM.destroy", [s, v]);
  });

  it("provisions a built-in template's disks on the pool default SR and clears is_a_template", async () => {
    const tpl = await templateNamed(TEMPLATES.builtin);
    const vm = await ok(url, "VM.clone", [s, tpl, "provisioned"]);
    expect(await ok(url, "VM.get_VBDs", [s, vm])).toEqual([]);
    await ok(url, "VM.provision", [s, vm]);
    const record = await ok(url, "VM.get_record", [s, vm]);
    expect(record.is_a_template).toBe(false);
    const vbd = await ok(url, "VBD.get_record", [s, record.VBDs[0]]);
    expect(vbd).toMatchObject({ userdevice: "0", bootable: true, mode: "RW", type: "Disk" });
    const vdi = await ok(url, "VDI.get_record", [s, vbd.VDI]);
    const [pool] = await ok(url, "pool.get_all", [s]);
    expect(vdi.SR).toBe(await ok(url, "pool.get_default_SR", [s, pool]));
    expect(vdi.virtual_size).toBe(10 * GiB);
  });

  it("provisions onto the SR named in the rewritten provision XML, and fails SR_FULL when it does not fit", async () => {
    const tpl = await templateNamed(TEMPLATES.builtin);
    const [localSr] = await ok(url, "SR.get_by_name_label", [s, SEEDED.localSr]);
    const localUuid = await ok(url, "SR.get_uuid", [s, localSr]);
    const vm = await ok(url, "VM.clone", [s, tpl, "too-big"]);
    const huge = SEEDED.localSrBytes * 2;
    await ok(url, "VM.remove_from_other_config", [s, vm, "disks"]);
    await ok(url, "VM.add_to_other_config", [s, vm, "disks", `<provision><disk device="0" size="${huge}" sr="${localUuid}" bootable="true" type="system"/></provision>`]);
    const error = await fails(url, "VM.provision", [s, vm]);
    expect(error[0]).toBe("SR_FULL");
    expect(error[1]).toBe(String(huge));
    expect(await ok(url, "VM.get_VBDs", [s, vm])).toEqual([]);
  });

  it("fails provisioning onto the small SR with SR_FULL and leaves no disks", async () => {
    const [small] = await ok(url, "SR.get_by_name_label", [s, SEEDED.smallSr]);
    const smallUuid = await ok(url, "SR.get_uuid", [s, small]);
    const vm = await ok(url, "VM.clone", [s, await templateNamed(TEMPLATES.builtin), "small"]);
    const disks: string = (await ok(url, "VM.get_other_config", [s, vm])).disks;
    await ok(url, "VM.remove_from_other_config", [s, vm, "disks"]);
    await ok(url, "VM.add_to_other_config", [s, vm, "disks", disks.replace('sr=""', `sr="${smallUuid}"`)]);
    expect(await fails(url, "VM.provision", [s, vm])).toEqual(["SR_FULL", String(10 * GiB), String(SEEDED.smallSrBytes)]);
    expect(await ok(url, "SR.get_VDIs", [s, small])).toEqual([]);
  });

  it("fails VDI.create and VM.copy beyond SR capacity with SR_FULL [requested, max]", async () => {
    const [localSr] = await ok(url, "SR.get_by_name_label", [s, SEEDED.localSr]);
    const free = (await ok(url, "SR.get_physical_size", [s, localSr])) - (await ok(url, "SR.get_physical_utilisation", [s, localSr]));
    const args = { name_label: "big", name_description: "", SR: localSr, virtual_size: free + 1, type: "user", sharable: false, read_only: false, other_config: {} };
    expect(await fails(url, "VDI.create", [s, args])).toEqual(["SR_FULL", String(free + 1), String(free)]);
    const fill = await ok(url, "VDI.create", [s, { ...args, virtual_size: String(free - GiB) }]);
    const tpl = await templateNamed(TEMPLATES.cloneReady);
    expect((await fails(url, "VM.copy", [s, tpl, "copy", localSr]))[0]).toBe("SR_FULL");
    await ok(url, "VDI.destroy", [s, fill]);
    const copy = await ok(url, "VM.copy", [s, tpl, "copy", localSr]);
    expect(await ok(url, "VM.get_name_label", [s, copy])).toBe("copy");
  });

  it("enforces vCPU ordering with INVALID_VALUE and memory ordering with MEMORY_CONSTRAINT_VIOLATION", async () => {
    const vm = await ok(url, "VM.clone", [s, await templateNamed(TEMPLATES.cloneReady), "sizing"]);
    expect((await fails(url, "VM.set_VCPUs_at_startup", [s, vm, 2]))[0]).toBe("INVALID_VALUE");
    await ok(url, "VM.set_VCPUs_max", [s, vm, 4]);
    await ok(url, "VM.set_VCPUs_at_startup", [s, vm, 4]);
    expect((await fails(url, "VM.set_VCPUs_max", [s, vm, 2]))[0]).toBe("INVALID_VALUE");
    await ok(url, "VM.set_VCPUs_at_startup", [s, vm, 2]);
    await ok(url, "VM.set_VCPUs_max", [s, vm, 2]);
    expect((await fails(url, "VM.set_memory_limits", [s, vm, GiB, GiB, 2 * GiB, 2 * GiB]))[0]).toBe("MEMORY_CONSTRAINT_VIOLATION");
    await ok(url, "VM.set_memory_limits", [s, vm, GiB / 2, 2 * GiB, GiB, 2 * GiB]);
    expect(await ok(url, "VM.get_memory_dynamic_max", [s, vm])).toBe(2 * GiB);
  });

  it("creates VIFs: missing field → INTERNAL_ERROR, duplicate device refused, MAC generated, allowed devices shrink", async () => {
    const vm = await ok(url, "VM.clone", [s, await templateNamed(TEMPLATES.cloneReady), "nics"]);
    const { MAC: _mac, ...missingMac } = vifArgs(vm, "0");
    expect((await fails(url, "VIF.create", [s, missingMac]))[0]).toBe("INTERNAL_ERROR");
    expect(await ok(url, "VM.get_allowed_VIF_devices", [s, vm])).toEqual(["0", "1", "2", "3", "4", "5", "6"]);
    const vif = await ok(url, "VIF.create", [s, vifArgs(vm, "0")]);
    expect(await ok(url, "VIF.get_MAC", [s, vif])).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    expect(await fails(url, "VIF.create", [s, vifArgs(vm, "0")])).toEqual(["DEVICE_ALREADY_EXISTS", "0"]);
    expect((await ok(url, "VM.get_allowed_VIF_devices", [s, vm]))[0]).toBe("1");
  });

  it("follows xapi's power-state rules and errors", async () => {
    const tpl = await templateNamed(TEMPLATES.cloneReady);
    expect(await fails(url, "VM.start", [s, tpl, false, false])).toEqual(["VM_IS_TEMPLATE", tpl, "start"]);
    const vm = await ok(url, "VM.clone", [s, tpl, "power"]);
    await ok(url, "VM.set_is_a_template", [s, vm, false]);
    expect(await fails(url, "VM.clean_shutdown", [s, vm])).toEqual(["VM_BAD_POWER_STATE", vm, "running", "halted"]);
    expect(await fails(url, "VM.hard_shutdown", [s, vm])).toEqual(["VM_BAD_POWER_STATE", vm, "paused, suspended, running", "halted"]);
    expect(await fails(url, "VM.start", [s, vm])).toEqual(["MESSAGE_PARAMETER_COUNT_MISMATCH", "VM.start", "3", "1"]);
    await ok(url, "VM.start", [s, vm, false, false]);
    expect(await ok(url, "VM.get_power_state", [s, vm])).toBe("Running");
    expect(await fails(url, "VM.start", [s, vm, false, false])).toEqual(["VM_BAD_POWER_STATE", vm, "halted", "running"]);
    expect(await fails(url, "VM.destroy", [s, vm])).toEqual(["VM_BAD_POWER_STATE", vm, "halted, suspended", "running"]);
    await ok(url, "VM.clean_reboot", [s, vm]);
    await ok(url, "VM.clean_shutdown", [s, vm]);
    expect(await ok(url, "VM.get_power_state", [s, vm])).toBe("Halted");
    await ok(url, "VM.start", [s, vm, true, false]);
    expect(await ok(url, "VM.get_power_state", [s, vm])).toBe("Paused");
    await ok(url, "VM.hard_shutdown", [s, vm]);
    expect(await ok(url, "VM.get_power_state", [s, vm])).toBe("Halted");
  });

  it("refuses to start a VM whose memory does not fit on the host (HOST_NOT_ENOUGH_FREE_MEMORY)", async () => {
    const vm = await ok(url, "VM.clone", [s, await templateNamed(TEMPLATES.cloneReady), "huge"]);
    await ok(url, "VM.set_is_a_template", [s, vm, false]);
    await ok(url, "VM.set_memory_limits", [s, vm, GiB, 64 * GiB, GiB, 64 * GiB]);
    const error = await fails(url, "VM.start", [s, vm, false, false]);
    expect(error.slice(0, 2)).toEqual(["HOST_NOT_ENOUGH_FREE_MEMORY", String(64 * GiB)]);
    expect(await ok(url, "VM.get_power_state", [s, vm])).toBe("Halted");
  });

  it("refuses clean_shutdown without guest tools (VM_LACKS_FEATURE) but allows hard_shutdown", async () => {
    const vm = await ok(url, "VM.clone", [s, await templateNamed(TEMPLATES.noGuestTools), "no-tools"]);
    await ok(url, "VM.set_is_a_template", [s, vm, false]);
    await ok(url, "VIF.create", [s, vifArgs(vm, "0")]);
    await ok(url, "VM.start", [s, vm, false, false]);
    expect(await fails(url, "VM.clean_shutdown", [s, vm])).toEqual(["VM_LACKS_FEATURE", vm]);
    expect(await ok(url, "VM.get_guest_metrics", [s, vm])).toBe("OpaqueRef:NULL");
    await ok(url, "VM.hard_shutdown", [s, vm]);
  });

  it("reports guest metrics for a started VM with tools and drops them on shutdown", async () => {
    const vm = await ok(url, "VM.clone", [s, await templateNamed(TEMPLATES.cloneReady), "metrics"]);
    await ok(url, "VM.set_is_a_template", [s, vm, false]);
    await ok(url, "VIF.create", [s, vifArgs(vm, "0")]);
    await ok(url, "VM.start", [s, vm, false, false]);
    let token = "";
    let metrics = "OpaqueRef:NULL";
    while (metrics === "OpaqueRef:NULL") {
      token = (await ok(url, "event.from", [s, [`vm/${vm}`], token, 10])).token;
      metrics = await ok(url, "VM.get_guest_metrics", [s, vm]);
    }
    const networks = await ok(url, "VM_guest_metrics.get_networks", [s, metrics]);
    expect(networks["0/ip"]).toMatch(/^127\.\d+\.\d+\.\d+$/);
    expect(networks["0/ipv4/0"]).toBe(networks["0/ip"]);
    await ok(url, "VM.clean_shutdown", [s, vm]);
    expect(await ok(url, "VM.get_guest_metrics", [s, vm])).toBe("OpaqueRef:NULL");
  });

  it("destroys a VM with its VBDs and VIFs but keeps its VDIs; VDI.destroy refuses a VDI in use", async () => {
    const vm = await ok(url, "VM.clone", [s, await templateNamed(TEMPLATES.cloneReady), "doomed"]);
    await ok(url, "VM.set_is_a_template", [s, vm, false]);
    const vif = await ok(url, "VIF.create", [s, vifArgs(vm, "0")]);
    const [vbd] = await ok(url, "VM.get_VBDs", [s, vm]);
    const vdi = await ok(url, "VBD.get_VDI", [s, vbd]);
    await ok(url, "VM.start", [s, vm, false, false]);
    expect(await fails(url, "VDI.destroy", [s, vdi])).toEqual(["VDI_IN_USE", vdi, "destroy"]);
    await ok(url, "VM.hard_shutdown", [s, vm]);
    await ok(url, "VM.destroy", [s, vm]);
    expect((await fails(url, "VBD.get_record", [s, vbd]))[0]).toBe("HANDLE_INVALID");
    expect((await fails(url, "VIF.get_record", [s, vif]))[0]).toBe("HANDLE_INVALID");
    expect(await ok(url, "VDI.get_VBDs", [s, vdi])).toEqual([]);
    await ok(url, "VDI.destroy", [s, vdi]);
    expect((await fails(url, "VDI.get_record", [s, vdi]))[0]).toBe("HANDLE_INVALID");
  });

  it("keeps map keys unique (MAP_DUPLICATE_KEY) and tags idempotent", async () => {
    const vm = await ok(url, "VM.clone", [s, await templateNamed(TEMPLATES.cloneReady), "maps"]);
    await ok(url, "VM.add_to_other_config", [s, vm, "bioxen:owner", "a"]);
    expect(await fails(url, "VM.add_to_other_config", [s, vm, "bioxen:owner", "b"])).toEqual(["MAP_DUPLICATE_KEY", "VM", "other_config", vm, "bioxen:owner"]);
    await ok(url, "VM.add_tags", [s, vm, "lua"]);
    await ok(url, "VM.add_tags", [s, vm, "lua"]);
    expect(await ok(url, "VM.get_tags", [s, vm])).toEqual(["lua"]);
    await ok(url, "VM.remove_tags", [s, vm, "lua"]);
    expect(await ok(url, "VM.get_tags", [s, vm])).toEqual([]);
    expect(await fails(url, "VM.add_to_xenstore_data", [s, vm, "secret", "x"])).toEqual(["INVALID_VALUE", "xenstore_data", "secret"]);
    await ok(url, "VM.add_to_xenstore_data", [s, vm, "vm-data/bioxen", "1"]);
    expect(await ok(url, "VM.get_xenstore_data", [s, vm])).toEqual({ "vm-data/bioxen": "1" });
    const found = await ok(url, "VM.get_all_records_where", [s, `field "name_label" = "maps" and not (field "is_a_template" = "false")`]);
    expect(Object.keys(found)).toEqual([vm]);
  });

  it("evaluates the get_all_records_where subset: or, true, <>, and rejects other text", async () => {
    const all = Object.keys(await ok(url, "SR.get_all_records_where", [s, "true"]));
    expect(all).toHaveLength(3);
    const two = await ok(url, "SR.get_all_records_where", [s, `field "name_label" = "${SEEDED.localSr}" or field "name_label" = "${SEEDED.sharedSr}"`]);
    expect(Object.keys(two)).toHaveLength(2);
    const notShared = await ok(url, "SR.get_all_records_where", [s, `field "shared" <> "true"`]);
    expect(Object.values(notShared).map((r: any) => r.name_label).sort()).toEqual([SEEDED.localSr, SEEDED.smallSr].sort());
    expect((await fails(url, "SR.get_all_records_where", [s, "name_label == 1"]))[0]).toBe("INVALID_VALUE");
  });

  it("creates VBDs with autodetected or explicit userdevice and refuses a taken one", async () => {
    const vm = await ok(url, "VM.clone", [s, await templateNamed(TEMPLATES.cloneReady), "vbds"]);
    const [sharedSr] = await ok(url, "SR.get_by_name_label", [s, SEEDED.sharedSr]);
    const vdi = await ok(url, "VDI.create", [s, { name_label: "data", name_description: "", SR: sharedSr, virtual_size: GiB, type: "user", sharable: false, read_only: false, other_config: {} }]);
    const vbdArgs = { VM: vm, VDI: vdi, userdevice: "autodetect", bootable: false, mode: "RW", type: "Disk", empty: false, other_config: {}, qos_algorithm_type: "", qos_algorithm_params: {} };
    const vbd = await ok(url, "VBD.create", [s, vbdArgs]);
    expect(await ok(url, "VBD.get_userdevice", [s, vbd])).toBe("1");
    expect(await fails(url, "VBD.create", [s, { ...vbdArgs, userdevice: "0" }])).toEqual(["DEVICE_ALREADY_EXISTS", "0"]);
    expect(await ok(url, "VDI.get_VBDs", [s, vdi])).toEqual([vbd]);
    await ok(url, "VBD.destroy", [s, vbd]);
    expect(await ok(url, "VDI.get_VBDs", [s, vdi])).toEqual([]);
  });

  it("resizes VDIs (grow only) within SR capacity", async () => {
    const [sharedSr] = await ok(url, "SR.get_by_name_label", [s, SEEDED.sharedSr]);
    const vdi = await ok(url, "VDI.create", [s, { name_label: "r", name_description: "", SR: sharedSr, virtual_size: GiB, type: "user", sharable: false, read_only: false, other_config: {} }]);
    await ok(url, "VDI.resize", [s, vdi, 2 * GiB]);
    expect(await ok(url, "VDI.get_virtual_size", [s, vdi])).toBe(2 * GiB);
    expect((await fails(url, "VDI.resize", [s, vdi, GiB]))[0]).toBe("INVALID_VALUE");
    expect((await fails(url, "VDI.resize", [s, vdi, SEEDED.sharedSrBytes * 2]))[0]).toBe("SR_FULL");
  });

  it("resizes an attached VDI only with VDI.resize_online, and only on an SR whose driver has VDI_RESIZE_ONLINE (as xapi); allowed_operations say so", async () => {
    const vm = await ok(url, "VM.clone", [s, await templateNamed(TEMPLATES.cloneReady), "online-resize"]);
    await ok(url, "VM.set_is_a_template", [s, vm, false]);
    const disk = async (srName: string) => {
      const [sr] = await ok(url, "SR.get_by_name_label", [s, srName]);
      const vdi = await ok(url, "VDI.create", [s, { name_label: srName, name_description: "", SR: sr, virtual_size: GiB, type: "user", sharable: false, read_only: false, other_config: {} }]);
      await ok(url, "VBD.create", [s, { VM: vm, VDI: vdi, userdevice: "autodetect", bootable: false, mode: "RW", type: "Disk", empty: false, other_config: {}, qos_algorithm_type: "", qos_algorithm_params: {} }]);
      return { sr, vdi };
    };
    const shared = await disk(SEEDED.sharedSr);
    const local = await disk(SEEDED.localSr);
    const operations = async (vdi: string) => ((await ok(url, "VDI.get_allowed_operations", [s, vdi])) as string[]).sort();
    expect(await operations(shared.vdi)).toEqual(["destroy", "resize", "resize_online"]);
    expect(await operations(local.vdi)).toEqual(["destroy", "resize"]);
    await ok(url, "VM.start", [s, vm, false, false]);
    // Attached: only the live operation stays (xapi_vdi.ml: operation_can_be_performed_live).
    expect(await operations(shared.vdi)).toEqual(["resize_online"]);
    expect(await operations(local.vdi)).toEqual([]);
    // VDI.resize is never performed live; resize_online needs the driver's feature.
    expect(await fails(url, "VDI.resize", [s, shared.vdi, 2 * GiB])).toEqual(["VDI_IN_USE", shared.vdi, "resize"]);
    expect(await fails(url, "VDI.resize_online", [s, local.vdi, 2 * GiB])).toEqual(["SR_OPERATION_NOT_SUPPORTED", local.sr]);
    await ok(url, "VDI.resize_online", [s, shared.vdi, 2 * GiB]);
    expect(await ok(url, "VDI.get_virtual_size", [s, shared.vdi])).toBe(2 * GiB);
    expect(await ok(url, "VDI.get_virtual_size", [s, local.vdi])).toBe(GiB);
    await ok(url, "VM.hard_shutdown", [s, vm]);
    expect(await operations(local.vdi)).toEqual(["destroy", "resize"]);
    await ok(url, "VDI.resize", [s, local.vdi, 2 * GiB]);
    expect(await ok(url, "VDI.get_virtual_size", [s, local.vdi])).toBe(2 * GiB);
  });
});
