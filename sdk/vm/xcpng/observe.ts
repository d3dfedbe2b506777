/** Reading what a VM is now: power, resources, tags, VIFs and the addresses its guest reports. */
import type { XapiClient } from "../../xapi";
import { findRootDisk, growsOnline, hostOf, type RootDisk, isRealRef, ownerMarkerKey, ownerTag, parseCidr, pickGuestAddress, vifVmMarkerKey } from "../../xapi/recipes";
import { withContext } from "../../xapi/recipes/errors";
import { observeDisks } from "./disks";
import type { XcpngDiskState, XcpngLuaVmState, XcpngNicSpec } from "./types";

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/** Facts that XAPI does not hold and the caller carries over from earlier observations. */
export interface CarriedFacts {
  hostKeyFingerprint?: string;
  lua?: XcpngLuaVmState["lua"];
  adopted: boolean;
  /** the resource instance whose marker the VM carries (absent for a 0.1.0 resource) */
  instance?: string;
  /** expected CIDRs by device, so the same address rule applies as when waiting */
  networks?: XcpngNicSpec[];
  configDriveVdiUuid?: string;
  cloudInitHostKey?: XcpngLuaVmState["cloudInitHostKey"];
}

/** A VIF of the VM. */
export interface VmNic {
  ref: string;
  device: string;
  network: string;
  networkUuid: string;
  otherConfig: Record<string, string>;
}

/** The VM's VIFs by device. */
export async function vmNics(client: XapiClient, vm: string): Promise<Map<string, VmNic>> {
  const refs = (await withContext({ step: "list VIFs", object: vm }, () => client.call("VM.get_VIFs", vm))) as string[];
  const nics = new Map<string, VmNic>();
  for (const ref of refs) {
    const record = (await withContext({ step: "read VIF", object: ref }, () => client.call("VIF.get_record", ref))) as Record<string, unknown>;
    const network = String(record.network);
    const networkUuid = String(await withContext({ step: "read network uuid", object: network }, () => client.call("network.get_uuid", network)));
    nics.set(String(record.device), { ref, device: String(record.device), network, networkUuid, otherConfig: (record.other_config ?? {}) as Record<string, string> });
  }
  return nics;
}

/** The current state of the VM `vm`. */
export async function observeVm(client: XapiClient, vm: string, carried: CarriedFacts): Promise<XcpngLuaVmState> {
  const record = (await withContext({ step: "read VM", object: vm }, () => client.call("VM.get_record", vm))) as Record<string, unknown>;
  // Three independent chains of reads, in flight together (a create or refresh waits for the
  // longest, not the sum). No method is called by two chains, so the nth call of a method stays
  // the same call from run to run (the fault matrix names calls that way).
  const [{ nics, addresses }, { disk, disks }, [affinity, residentOn]] = await Promise.all([
    nicsAndAddresses(client, vm, record, carried.networks ?? []),
    rootAndDataDisks(client, vm),
    (async () => [await hostOf(client, record.affinity), await hostOf(client, record.resident_on)] as const)(),
  ]);
  // Another owner's VIFs on this VM (a VmNetwork's attachments) are theirs, not this VM's drift;
  // a VM without our marker (being imported) owns every VIF it has.
  const vmOwner = ((record.other_config ?? {}) as Record<string, string>)[ownerMarkerKey];
  const own = [...nics.values()].filter((n) => vmOwner === undefined || !isOtherOwners(n.otherConfig, vmOwner, String(record.uuid)));
  const networkUuids = Object.fromEntries(own.map((n) => [n.device, n.networkUuid]));
  const powerState = String(record.power_state).toLowerCase();
  return {
    vmUuid: String(record.uuid),
    name: String(record.name_label),
    powerState,
    vcpus: Number(record.VCPUs_at_startup),
    memoryMiB: Math.round(Number(record.memory_dynamic_max) / MiB),
    diskGiB: disk ? Number(disk.vdiRecord.virtual_size) / GiB : 0,
    ...(disk ? { rootDiskResizeOnline: growsOnline(disk.vdiRecord) } : {}),
    description: String(record.name_description ?? ""),
    vcpusMax: Number(record.VCPUs_max),
    memoryMaxMiB: Math.round(Number(record.memory_static_max) / MiB),
    disks,
    tags: [...new Set(((record.tags ?? []) as string[]).filter((t) => t !== ownerTag))].sort(),
    ...(powerState === "running" && addresses["0"] ? { ipAddress: addresses["0"] } : {}),
    addresses: powerState === "running" ? addresses : {},
    networkUuids,
    ...(carried.hostKeyFingerprint ? { hostKeyFingerprint: carried.hostKeyFingerprint } : {}),
    ...(carried.lua ? { lua: carried.lua } : {}),
    adopted: carried.adopted,
    ...(carried.instance ? { instance: carried.instance } : {}),
    ...(carried.configDriveVdiUuid ? { configDriveVdiUuid: carried.configDriveVdiUuid } : {}),
    ...(carried.cloudInitHostKey ? { cloudInitHostKey: carried.cloudInitHostKey } : {}),
    ...(affinity ? { affinityHostUuid: affinity.uuid, affinityHostName: affinity.name } : {}),
    ...(residentOn ? { residentOnUuid: residentOn.uuid } : {}),
  };
}

/** The VM's VIFs, then the addresses its guest reports on them. */
async function nicsAndAddresses(client: XapiClient, vm: string, record: Record<string, unknown>, nicSpecs: XcpngNicSpec[]): Promise<{ nics: Map<string, VmNic>; addresses: Record<string, string> }> {
  const nics = await vmNics(client, vm);
  return { nics, addresses: await guestAddresses(client, record, [...nics.keys()], nicSpecs) };
}

/** The root disk (undefined when it cannot be found) and the data disks. */
async function rootAndDataDisks(client: XapiClient, vm: string): Promise<{ disk: RootDisk | undefined; disks: XcpngDiskState[] }> {
  const disk = await findRootDisk(client, vm).catch(() => undefined);
  return { disk, disks: await observeDisks(client, vm) };
}

async function guestAddresses(client: XapiClient, record: Record<string, unknown>, devices: string[], nics: XcpngNicSpec[]): Promise<Record<string, string>> {
  if (!isRealRef(record.guest_metrics)) return {};
  const metrics = String(record.guest_metrics);
  const networks = (await client.call("VM_guest_metrics.get_networks", metrics).catch(() => ({}))) as Record<string, string>;
  const found: Record<string, string> = {};
  for (const device of devices.sort()) {
    const cidr = nics[Number(device)]?.expectedCidr;
    const address = pickGuestAddress(networks, device, cidr ? parseCidr(cidr) : undefined);
    if (address) found[device] = address;
  }
  return found;
}

/**
 * True when the VIF carries an ownership marker naming someone else than `owner` (e.g. a
 * VmNetwork attachment) written for this VM — not a copy a clone of a template made from another VM inherited.
 */
export function isOtherOwners(otherConfig: Record<string, string>, owner: string | undefined, vmUuid: string): boolean {
  const marker = otherConfig[ownerMarkerKey];
  const writtenFor = otherConfig[vifVmMarkerKey];
  return marker !== undefined && marker !== owner && (writtenFor === undefined || writtenFor === vmUuid);
}
