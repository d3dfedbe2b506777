/**
 * Bringing the VM's data disks to `spec.disks`: slot i is `spec.disks[i]`. A missing disk is
 * re-attached when its VDI still exists detached (detached outside), else created; a smaller one
 * grows (online when the SR allows, otherwise halted — only with allowHalt); a renamed one gets
 * its given name back; slots beyond the list are detached and destroyed. A disk is never shrunk.
 */
import type { WaitOptions } from "../../base/deadline";
import type { XapiClient } from "../../xapi";
import {
  XapiRecipeError,
  attachDataDisk,
  createDataDisk,
  findDetachedDataDisk,
  growDataDisk,
  growsOnlyDetached,
  listDataDisks,
  removeDataDisk,
  shutdownVm,
  type Claim,
  type DataDisk,
} from "../../xapi/recipes";
import { withContext } from "../../xapi/recipes/errors";
import { refByUuidOrName } from "./lookup";
import type { XcpngDiskState, XcpngLuaVmSpec } from "./types";

const GiB = 1024 ** 3;

/** The name a data disk gets when the spec names none. */
export function defaultDiskName(vmName: string, slot: number): string {
  return `${vmName} data ${slot}`;
}

/** The data disks of the VM as observed (see XcpngLuaVmState.disks). */
export async function observeDisks(client: XapiClient, vm: string): Promise<XcpngDiskState[]> {
  const disks = await listDataDisks(client, vm);
  const states: XcpngDiskState[] = [];
  for (const disk of disks) {
    const sr = String(disk.record.SR);
    const srUuid = String(await withContext({ step: "read data disk SR", object: sr }, () => client.call("SR.get_uuid", sr)));
    states.push({ slot: disk.slot, sizeGiB: Number(disk.record.virtual_size) / GiB, name: String(disk.record.name_label), srUuid, vdiUuid: String(disk.record.uuid) });
  }
  return states;
}

/**
 * Creates, re-attaches, grows, renames and removes data disks (see the file comment).
 * @returns true when it halted the running VM to grow a disk (the caller starts it again)
 */
export async function syncDisks(client: XapiClient, vm: string, spec: XcpngLuaVmSpec, claim: Claim, wait: { allowHalt: boolean } & WaitOptions): Promise<boolean> {
  const wanted = spec.disks ?? [];
  const found = new Map((await listDataDisks(client, vm)).map((d) => [d.slot, d]));
  const vmUuid = String(await client.call("VM.get_uuid", vm));
  for (const [slot, disk] of found) if (slot >= wanted.length) await removeDataDisk(client, disk);
  let halted = false;
  for (const [slot, want] of wanted.entries()) {
    const name = want.name ?? defaultDiskName(spec.name, slot);
    const bytes = Math.round(want.sizeGiB * GiB);
    let disk = found.get(slot);
    if (!disk) {
      disk = await findDetachedDataDisk(client, claim, vmUuid, slot, name);
      if (disk) await attachDataDisk(client, vm, disk.vdi);
      else disk = await createDataDisk(client, vm, { claim, slot, bytes, name, ...(want.sr ? { sr: await refByUuidOrName(client, "SR", want.sr) } : {}) });
    }
    if (want.name !== undefined && disk.record.name_label !== want.name) {
      const vdi = disk.vdi;
      await withContext({ step: "rename data disk", object: String(disk.record.uuid) }, () => client.call("VDI.set_name_label", vdi, name));
    }
    halted = (await grow(client, vm, disk, bytes, { ...wait, allowHalt: wait.allowHalt || halted })) || halted;
  }
  return halted;
}

/** Grows one disk, online first (attached: VDI.resize_online); halts the VM for it only when xapi refuses while attached and a halt is allowed. */
async function grow(client: XapiClient, vm: string, disk: DataDisk, bytes: number, wait: { allowHalt: boolean } & WaitOptions): Promise<boolean> {
  try {
    await growDataDisk(client, disk, bytes);
    return false;
  } catch (error) {
    if (!growsOnlyDetached(error)) throw error;
    if (!wait.allowHalt) {
      throw new XapiRecipeError(
        { step: `grow data disk ${disk.slot}`, object: String(disk.record.uuid), hint: "set allowRestart: true to let the VM be shut down for it, or powerState: \"halted\"" },
        "this SR resizes the disk only while the VM is halted",
        error,
      );
    }
  }
  await shutdownVm(client, vm, { cleanTimeoutMs: 60_000, deadline: wait.deadline, signal: wait.signal });
  await growDataDisk(client, { ...disk, attached: false }, bytes);
  return true;
}

