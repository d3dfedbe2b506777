/** The pool a fresh simulator holds: its hosts (two by default), storage, networks and templates. */
import type { PoolRefs } from "./rpc/core";
import { randomMac } from "./model/ids";
import type { Store } from "./model/store";
import { xapiDate } from "./model/time";
import { createVbd, createVdi } from "./methods/disks";
import { createVif } from "./methods/nics";
import { createVmMetrics, duplicateVm } from "./methods/vm-copy";
import { CLOUD_INIT_KEY, NO_BAKED_KEYS_KEY, NO_GUEST_TOOLS_KEY } from "./methods/vm-state";

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** Names of the seeded templates, for tests and examples. */
export const TEMPLATES = {
  /** Built-in style: `other_config.disks` provision XML (sr=""), guest tools. */
  builtin: "Debian Bookworm 12",
  /** Clone-ready: a 4 GiB system disk already, guest tools. */
  cloneReady: "bioxen-lua-5.4",
  /** Clone-ready but without guest tools: never reports an IP, clean_shutdown fails. */
  noGuestTools: "bioxen-lua-5.4-no-tools",
  /** Clone-ready, runs cloud-init, no SSH key baked in: reachable only with a key a config drive injects. */
  cloudInit: "bioxen-lua-5.4-cloud-init",
  /** Two templates carry this name, so a lookup by name is ambiguous. */
  ambiguous: "Ubuntu Jammy Jellyfish 22.04",
} as const;

/** Names of the seeded SRs and networks. */
export const SEEDED = {
  localSr: "Local storage",
  sharedSr: "NFS shared storage",
  /** A small SR for SR_FULL tests (smaller than the built-in templates' disks). */
  smallSr: "Small test storage",
  managementNetwork: "Pool-wide network associated with eth0",
  internalNetwork: "Host internal management network",
  /** Capacities in bytes. */
  localSrBytes: 100 * GiB,
  sharedSrBytes: 500 * GiB,
  smallSrBytes: 2 * GiB,
} as const;

/** Addresses of the hosts: the master's, the first member's; further members get 127.0.0.(N+1). */
export interface SeedAddresses {
  master: string;
  member: string;
}

/** Name of the seeded host `index` (0 = the master): "xcp-sim-1", "xcp-sim-2", … */
export function simHostName(index: number): string {
  return `xcp-sim-${index + 1}`;
}

function hostAddress(addresses: SeedAddresses, index: number): string {
  if (index === 0) return addresses.master;
  return index === 1 ? addresses.member : `127.0.0.${index + 1}`;
}

function provisionXml(sizeBytes: number): string {
  return `<provision><disk device="0" size="${sizeBytes}" sr="" bootable="true" type="system"/></provision>`;
}

function seedHost(store: Store, name: string, address: string, network: string): { host: string; pif: string } {
  const metrics = store.create("host_metrics", { memory_total: 32 * GiB, memory_free: 28 * GiB, live: true, last_updated: xapiDate() });
  const host = store.create("host", {
    name_label: name,
    name_description: "Simulated XCP-ng host",
    hostname: name,
    address,
    metrics,
    enabled: true,
    API_version_major: 2,
    API_version_minor: 21,
    software_version: { product_brand: "XCP-ng", product_version: "8.3.0", platform_version: "3.4.0", xapi: "24.19", xen: "4.17.5", hostname: name },
    cpu_info: { cpu_count: "2", socket_count: "1", vendor: "GenuineIntel", modelname: "Simulated CPU" },
    capabilities: ["xen-3.0-x86_64", "hvm-3.0-x86_32", "hvm-3.0-x86_64"],
    edition: "xcp-ng",
  });
  const dom0 = store.create("VM", {
    name_label: `Control domain on host: ${name}`,
    is_control_domain: true,
    power_state: "Running",
    resident_on: host,
    domid: 0,
    memory_static_max: 4 * GiB,
    memory_dynamic_max: 4 * GiB,
    memory_dynamic_min: 4 * GiB,
    memory_static_min: 4 * GiB,
    memory_target: 4 * GiB,
    VCPUs_max: 2,
    VCPUs_at_startup: 2,
    domain_type: "pv",
    metrics: createVmMetrics(store),
  });
  const pif = store.create("PIF", {
    device: "eth0",
    network,
    host,
    MAC: randomMac(),
    VLAN: -1,
    physical: true,
    currently_attached: true,
    management: true,
    ip_configuration_mode: "Static",
    IP: address,
    netmask: "255.0.0.0",
    IPv6: [""],
  });
  store.update("host", host, { control_domain: dom0, resident_VMs: [dom0], PIFs: [pif] });
  return { host, pif };
}

interface TemplateSpec {
  name: string;
  memoryBytes: number;
  otherConfig: Record<string, string>;
  isDefault: boolean;
}

function seedTemplate(store: Store, spec: TemplateSpec): string {
  return store.create("VM", {
    name_label: spec.name,
    name_description: spec.isDefault ? "Template that allows VM installation from Xen-aware Debian-based distros." : "bioxen-luavm simulator template",
    is_a_template: true,
    is_default_template: spec.isDefault,
    power_state: "Halted",
    memory_static_max: spec.memoryBytes,
    memory_dynamic_max: spec.memoryBytes,
    memory_dynamic_min: spec.memoryBytes,
    memory_static_min: Math.min(spec.memoryBytes, 256 * MiB),
    memory_target: spec.memoryBytes,
    VCPUs_max: 1,
    VCPUs_at_startup: 1,
    HVM_boot_params: { order: "cdn" },
    platform: { viridian: "false", device_id: "0001", secureboot: "false" },
    other_config: spec.otherConfig,
    metrics: createVmMetrics(store),
  });
}

/** Adds a template whose system disk already exists on `sr`. */
function seedCloneReadyTemplate(store: Store, name: string, sr: string, otherConfig: Record<string, string>): string {
  const vm = seedTemplate(store, { name, memoryBytes: 512 * MiB, otherConfig, isDefault: false });
  const vdi = createVdi(store, {
    name_label: `${name} system disk`,
    SR: sr,
    virtual_size: 4 * GiB,
    type: "system",
    other_config: {},
  });
  createVbd(store, { VM: vm, VDI: vdi, userdevice: "0", bootable: true, mode: "RW", type: "Disk", empty: false });
  return vm;
}

/** What a pool holds besides the fixed seed. */
export interface SeedSize {
  /** Hosts, each with an eth0 PIF on the management network; default 2 (master and one member). */
  hosts?: number;
  /** Halted "filler-N" VMs; default 0. */
  fillerVms?: number;
}

/** Fills an empty store with the pool (`size.hosts` hosts, `size.fillerVms` halted VMs) and returns the refs handlers need. */
export function seedPool(store: Store, addresses: SeedAddresses, size: SeedSize = {}): PoolRefs {
  const hostCount = size.hosts ?? 2;
  if (!Number.isInteger(hostCount) || hostCount < 1) throw new Error(`simulator: hosts must be an integer ≥ 1, got ${hostCount}`);
  const management = store.create("network", {
    name_label: SEEDED.managementNetwork,
    bridge: "xenbr0",
    MTU: 1500,
    other_config: { automatic: "true" },
  });
  store.create("network", {
    name_label: SEEDED.internalNetwork,
    name_description: "Network on which guests will be assigned a private link-local IP address which can be used to talk XenAPI",
    bridge: "xenapi",
    other_config: { is_guest_installer_network: "true", is_host_internal_management_network: "true", ip_begin: "169.254.0.1", ip_end: "169.254.255.254", netmask: "255.255.0.0" },
  });
  const hosts = Array.from({ length: hostCount }, (_, i) => seedHost(store, simHostName(i), hostAddress(addresses, i), management));
  store.update("network", management, { PIFs: hosts.map((h) => h.pif) });
  const localSr = store.create("SR", {
    name_label: SEEDED.localSr,
    type: "ext",
    content_type: "user",
    physical_size: SEEDED.localSrBytes,
    shared: false,
    other_config: { "i18n-key": "local-storage" },
  });
  const sharedSr = store.create("SR", {
    name_label: SEEDED.sharedSr,
    type: "nfs",
    content_type: "",
    physical_size: SEEDED.sharedSrBytes,
    shared: true,
  });
  store.create("SR", {
    name_label: SEEDED.smallSr,
    type: "ext",
    content_type: "user",
    physical_size: SEEDED.smallSrBytes,
    shared: false,
  });
  const pool = store.create("pool", {
    name_label: "bioxen-sim-pool",
    master: hosts[0]!.host,
    default_SR: sharedSr,
    suspend_image_SR: sharedSr,
    crash_dump_SR: sharedSr,
    cpu_info: { cpu_count: "4", socket_count: "2", vendor: "GenuineIntel" },
  });
  const builtin = { default_template: "true", linux_template: "true", "install-methods": "cdrom,nfs,http,ftp" };
  seedTemplate(store, { name: TEMPLATES.builtin, memoryBytes: GiB, isDefault: true, otherConfig: { ...builtin, disks: provisionXml(10 * GiB) } });
  seedTemplate(store, { name: TEMPLATES.ambiguous, memoryBytes: 2 * GiB, isDefault: true, otherConfig: { ...builtin, disks: provisionXml(10 * GiB) } });
  seedTemplate(store, { name: TEMPLATES.ambiguous, memoryBytes: 2 * GiB, isDefault: false, otherConfig: { linux_template: "true", disks: provisionXml(8 * GiB) } });
  const cloneReady = seedCloneReadyTemplate(store, TEMPLATES.cloneReady, localSr, {});
  seedCloneReadyTemplate(store, TEMPLATES.noGuestTools, localSr, { [NO_GUEST_TOOLS_KEY]: "true" });
  seedCloneReadyTemplate(store, TEMPLATES.cloudInit, localSr, { [CLOUD_INIT_KEY]: "true", [NO_BAKED_KEYS_KEY]: "true" });
  seedFillerVms(store, { template: cloneReady, sr: localSr, network: management }, size.fillerVms ?? 0);
  return { pool, master: hosts[0]!.host, masterAddress: addresses.master };
}

/**
 * Halted VMs cloned from `template` (copy-on-write disks on `sr`), named "filler-N", each with a
 * VIF on `network` and marked as a finished VM of another stack's resource: the bulk of a large pool.
 */
function seedFillerVms(store: Store, from: { template: string; sr: string; network: string }, count: number): void {
  for (let i = 0; i < count; i++) {
    const vm = duplicateVm(store, from.template, `filler-${i}`, { full: false, targetSr: from.sr });
    const { uuid, other_config } = store.get("VM", vm);
    const owner = `filler/pool/XcpngLuaVM/vm-${i}`;
    const marker = { "bioxen:owner": owner, "bioxen:instance": `filler-${i}`, "bioxen:state": "complete", "bioxen:self": uuid };
    store.update("VM", vm, { is_a_template: false, other_config: { ...other_config, ...marker }, tags: ["bioxen-luavm"] });
    createVif(store, { device: "0", network: from.network, VM: vm, MAC: randomMac(), MTU: 1500, other_config: {}, currently_attached: false });
  }
}
