/**
 * Data disks beyond the template's: each a VDI of its own (never shared), created with
 * `VDI.create` carrying our marker plus `bioxen:disk` (its slot in the resource's list) and
 * `bioxen:vm` (its VM's uuid), attached with `VBD.create` (+ `VBD.plug` on a running VM). They go
 * with the VM (destroyVm destroys the VDIs only it uses), grow with `VDI.resize` and never shrink.
 * A disk is recognised as the VM's own only when both markers name it and its VM: a copy made by
 * VM.clone/copy/snapshot carries another uuid and is never taken.
 */
import type { RecipeClient } from "./client";
import { isRealRef } from "./client";
import { growVdi } from "./disk";
import { XapiRecipeError, unlessGone, withContext } from "./errors";
import { claimProblem, findOwned, ownedOtherConfig, selfMarkerKey, vifVmMarkerKey, type Claim } from "./ownership";
import { bool, list, map, str, type XapiRecord } from "./records";
import { recordsWhere } from "./where";

/** The `other_config` key of a data disk's VDI holding its slot (0, 1, … in the resource's list). */
export const diskSlotMarkerKey = "bioxen:disk";
/** The VM's `other_config` key counting the data-disk slots ever created on it (so a delete finds detached ones). */
export const dataDiskSlotsKey = "bioxen:data-disks";

/** A data disk of a VM, as found on the pool. */
export interface DataDisk {
  slot: number;
  vdi: string;
  /** the VBD attaching it to the VM (absent for a detached disk) */
  vbd?: string;
  /** the VBD is plugged (the VM runs) */
  attached: boolean;
  record: XapiRecord;
}

/** What {@link createDataDisk} makes. */
export interface DataDiskOptions {
  claim: Claim;
  slot: number;
  bytes: number;
  /** SR ref; default the pool's default SR */
  sr?: string;
  name: string;
}

/** The pool's default SR. @throws XapiRecipeError when the pool has none */
export async function defaultSrRef(client: RecipeClient): Promise<string> {
  const step = "find the pool's default SR";
  const pools = (await withContext({ step }, () => client.call("pool.get_all"))) as string[];
  const sr = String(await withContext({ step }, () => client.call("pool.get_default_SR", pools[0])));
  if (!isRealRef(sr)) throw new XapiRecipeError({ step, hint: "give the disk an sr" }, "the pool has no default SR");
  return sr;
}

/** Creates the VDI of a data disk (marked as the VM's) and attaches it; nothing is left if a step fails. */
export async function createDataDisk(client: RecipeClient, vm: string, options: DataDiskOptions): Promise<DataDisk> {
  const vmUuid = String(await withContext({ step: "create data disk", object: vm }, () => client.call("VM.get_uuid", vm)));
  const object = `slot ${options.slot} "${options.name}" of VM ${vmUuid}`;
  if (!Number.isSafeInteger(options.bytes) || options.bytes <= 0) throw new XapiRecipeError({ step: "create data disk", object, hint: "pass a whole number of bytes > 0" }, `invalid size ${options.bytes}`);
  const sr = options.sr ?? (await defaultSrRef(client));
  const otherConfig = { ...ownedOtherConfig(options.claim, {}, "complete"), [diskSlotMarkerKey]: String(options.slot), [vifVmMarkerKey]: vmUuid };
  await recordSlot(client, vm, options.slot);
  const vdi = (await withContext({ step: "create data disk: VDI.create", object, hint: "check the SR's free space (SR_FULL) and that it holds user disks" }, () =>
    client.call("VDI.create", { name_label: options.name, name_description: dataDiskDescription(options.slot, vmUuid), SR: sr, virtual_size: options.bytes, type: "user", sharable: false, read_only: false, other_config: otherConfig, xenstore_data: {}, sm_config: {}, tags: [] }),
  )) as string;
  try {
    const uuid = String(await client.call("VDI.get_uuid", vdi));
    await client.call("VDI.add_to_other_config", vdi, selfMarkerKey, uuid);
    const { vbd, attached } = await attachDataDisk(client, vm, vdi);
    return { slot: options.slot, vdi, vbd, attached, record: (await client.call("VDI.get_record", vdi)) as XapiRecord };
  } catch (error) {
    await client.call("VDI.destroy", vdi).catch(() => undefined);
    throw error instanceof XapiRecipeError ? error : new XapiRecipeError({ step: "create data disk", object, hint: "the new VDI was destroyed again" }, "failed", error);
  }
}

/** Attaches a VDI as the VM's next free disk device, plugged when the VM runs; a failed plug removes the VBD again. */
export async function attachDataDisk(client: RecipeClient, vm: string, vdi: string): Promise<{ vbd: string; attached: boolean }> {
  const step = "attach data disk";
  const devices = (await withContext({ step, object: vm }, () => client.call("VM.get_allowed_VBD_devices", vm))) as string[];
  if (devices.length === 0) throw new XapiRecipeError({ step, object: vm, hint: "the VM has no free disk slot; remove a disk" }, "no free VBD device");
  const vbd = (await withContext({ step: `${step}: VBD.create`, object: `VDI ${vdi} on VM ${vm}` }, () =>
    client.call("VBD.create", { VM: vm, VDI: vdi, userdevice: devices[0], bootable: false, mode: "RW", type: "Disk", empty: false, other_config: {}, qos_algorithm_type: "", qos_algorithm_params: {}, unpluggable: true }),
  )) as string;
  if (String(await client.call("VM.get_power_state", vm)) !== "Running") return { vbd, attached: false };
  try {
    await client.call("VBD.plug", vbd);
    return { vbd, attached: true };
  } catch (error) {
    await client.call("VBD.destroy", vbd).catch(() => undefined);
    throw new XapiRecipeError({ step: `${step}: VBD.plug`, object: `VDI ${vdi} on VM ${vm}`, hint: "hot-plugging needs the guest's PV drivers; halt the VM (allowRestart) or install them" }, "failed", error);
  }
}

/** The VM's data disks (attached Disk VBDs whose VDI carries this VM's data-disk markers), by slot. */
export async function listDataDisks(client: RecipeClient, vm: string): Promise<DataDisk[]> {
  const step = "list data disks";
  const vmRecord = (await withContext({ step, object: vm }, () => client.call("VM.get_record", vm))) as XapiRecord;
  const disks: DataDisk[] = [];
  for (const vbd of list(vmRecord, "VBDs")) {
    const vbdRecord = (await withContext({ step, object: vbd }, () => client.call("VBD.get_record", vbd))) as XapiRecord;
    if (str(vbdRecord, "type") !== "Disk" || !isRealRef(vbdRecord.VDI)) continue;
    const vdi = str(vbdRecord, "VDI");
    const record = (await withContext({ step, object: vdi }, () => client.call("VDI.get_record", vdi))) as XapiRecord;
    const slot = dataDiskSlot(record, str(vmRecord, "uuid"));
    if (slot !== undefined) disks.push({ slot, vdi, vbd, attached: bool(vbdRecord, "currently_attached"), record });
  }
  return disks.sort((a, b) => a.slot - b.slot);
}

/** A data disk of `claim` for `vmUuid` in `slot` that is attached to nothing (its VBD was destroyed outside), found by name. */
export async function findDetachedDataDisk(client: RecipeClient, claim: Claim, vmUuid: string, slot: number, name: string): Promise<DataDisk | undefined> {
  if (claim.instance === undefined) return undefined;
  const found = (await findOwned(client, "VDI", claim, name)).find((o) => dataDiskSlot(o.record, vmUuid) === slot && list(o.record, "VBDs").length === 0);
  return found && { slot, vdi: found.ref, attached: false, record: found.record };
}

/** Grows a data disk's VDI to `bytes` ({@link growVdi}: online while attached). @returns whether it changed */
export async function growDataDisk(client: RecipeClient, disk: DataDisk, bytes: number): Promise<boolean> {
  return growVdi(client, { vdi: disk.vdi, record: disk.record, attached: disk.attached, label: `data disk ${disk.slot}` }, bytes);
}

/** Detaches (unplug, VBD.destroy) and destroys a data disk; parts already gone are fine. */
export async function removeDataDisk(client: RecipeClient, disk: DataDisk): Promise<void> {
  const context = { step: "remove data disk", object: `VDI ${str(disk.record, "uuid")} (data disk ${disk.slot})`, hint: "retry, or detach and destroy the VDI by hand" };
  await withContext(context, async () => {
    if (disk.vbd && disk.attached) await unlessGone(client.call("VBD.unplug", disk.vbd));
    if (disk.vbd) await unlessGone(client.call("VBD.destroy", disk.vbd));
    await unlessGone(client.call("VDI.destroy", disk.vdi));
  });
}

/** The description a data disk's VDI gets: what a delete looks detached disks up by. */
function dataDiskDescription(slot: number, vmUuid: string): string {
  return `data disk ${slot} of VM ${vmUuid} (bioxen-luavm)`;
}

/** Raises the VM's count of data-disk slots to cover `slot` (before the VDI exists, so a crash cannot hide it). */
async function recordSlot(client: RecipeClient, vm: string, slot: number): Promise<void> {
  await withContext({ step: "record data disk slot on the VM", object: vm }, async () => {
    const current = Number(map({ o: await client.call("VM.get_other_config", vm) }, "o")[dataDiskSlotsKey] ?? 0);
    if (current > slot) return;
    await client.call("VM.remove_from_other_config", vm, dataDiskSlotsKey);
    await client.call("VM.add_to_other_config", vm, dataDiskSlotsKey, String(slot + 1));
  });
}

/**
 * Destroys the data disks of `claim` made for the VM `vmUuid` that no VBD uses (detached outside,
 * or left by an interrupted step): looked up by description for each of the `slots` the VM recorded.
 * @returns the VDI refs destroyed
 */
export async function destroyDetachedDataDisks(client: RecipeClient, claim: Claim, vmUuid: string, slots: number): Promise<string[]> {
  const destroyed: string[] = [];
  for (let slot = 0; slot < slots; slot++) {
    const step = `find detached data disk ${slot} of VM ${vmUuid}`;
    for (const [ref, record] of await recordsWhere(client, "VDI", { name_description: dataDiskDescription(slot, vmUuid) }, step)) {
      if (dataDiskSlot(record, vmUuid) !== slot || list(record, "VBDs").length > 0 || claimProblem("VDI", record, claim) !== undefined) continue;
      await withContext({ step: "destroy detached data disk: VDI.destroy", object: str(record, "uuid") }, () => unlessGone(client.call("VDI.destroy", ref)));
      destroyed.push(ref);
    }
  }
  return destroyed;
}

/** The number of data-disk slots the VM record says were ever created on it. */
export function dataDiskSlotsOf(vmRecord: XapiRecord): number {
  const n = Number(map(vmRecord, "other_config")[dataDiskSlotsKey] ?? 0);
  return Number.isInteger(n) && n > 0 ? Math.min(n, 64) : 0;
}

/** The slot of a VDI that is a data disk of the VM `vmUuid` (markers written on this very VDI), else undefined. */
function dataDiskSlot(record: XapiRecord, vmUuid: string): number | undefined {
  const marker = map(record, "other_config");
  const slot = Number(marker[diskSlotMarkerKey]);
  if (marker[vifVmMarkerKey] !== vmUuid || marker[selfMarkerKey] !== str(record, "uuid") || !Number.isInteger(slot)) return undefined;
  return slot;
}
