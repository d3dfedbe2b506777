/**
 * Growing a VDI — a VM's root disk here, data disks in data-disk.ts — never shrinking (that would
 * lose data). xapi refuses `VDI.resize` on an attached VDI (VDI_IN_USE) whatever the SR; an
 * attached one grows with `VDI.resize_online`, which xapi lists in the VDI's allowed_operations
 * only when the SR's driver advertises VDI_RESIZE_ONLINE (xapi_vdi.ml check_operation_error).
 */
import type { RecipeClient } from "./client";
import { isRealRef } from "./client";
import { XapiRecipeError, hasXapiCode, withContext } from "./errors";
import { bool, int, list, str, type XapiRecord } from "./records";

/** The VBD and VDI of a VM's root disk. */
export interface RootDisk {
  vbd: string;
  vdi: string;
  vdiRecord: XapiRecord;
  /** the VBD is plugged (the VM runs) */
  attached: boolean;
}

/** A VDI to grow: its record, whether a running VM has it plugged, and what to call it in errors. */
export interface GrowableVdi {
  vdi: string;
  record: XapiRecord;
  attached: boolean;
  /** e.g. "root disk", "data disk 1" */
  label: string;
}

/**
 * True when xapi lists `resize_online` among the VDI's allowed_operations: its SR grows it while
 * attached (an xapi without the call still answers MESSAGE_REMOVED: XCP-ng 8.2/8.3 do).
 */
export function growsOnline(record: XapiRecord): boolean {
  return list(record, "allowed_operations").includes("resize_online");
}

/** XAPI codes by which a grow of an attached VDI says "only detached" (this SR, or this xapi, has no online resize). */
const ONLY_DETACHED = ["VDI_IN_USE", "SR_OPERATION_NOT_SUPPORTED", "OPERATION_NOT_ALLOWED", "MESSAGE_REMOVED", "MESSAGE_METHOD_UNKNOWN"];

/** True when `error` (from {@link growVdi} on an attached VDI) says the VDI grows only detached: halting the VM would let it grow. */
export function growsOnlyDetached(error: unknown): boolean {
  return ONLY_DETACHED.some((code) => hasXapiCode(error, code));
}

/**
 * Grows the VDI to `bytes`: attached with `VDI.resize_online` (SR_OPERATION_NOT_SUPPORTED where
 * the SR lacks VDI_RESIZE_ONLINE, MESSAGE_REMOVED on an xapi without the call), detached with
 * `VDI.resize`. Equal: nothing. Smaller: refused, data would be lost.
 * @returns whether it changed
 * @throws XapiRecipeError carrying the XAPI code (one of those above: the disk grows only detached)
 */
export async function growVdi(client: RecipeClient, disk: GrowableVdi, bytes: number): Promise<boolean> {
  const current = int(disk.record, "virtual_size");
  const object = `VDI ${str(disk.record, "uuid")} (${disk.label})`;
  if (bytes < current) throw new XapiRecipeError({ step: `grow ${disk.label}`, object, hint: "disks only grow; keep the size ≥ the current one, or replace the VM" }, `refusing to shrink from ${current} to ${bytes} bytes: data would be lost`);
  if (bytes === current) return false;
  const call = disk.attached ? "VDI.resize_online" : "VDI.resize";
  const hint = disk.attached ? "this SR (or this xapi) resizes only detached disks: halt the VM (allowRestart)" : "check the SR's free space";
  await withContext({ step: `grow ${disk.label}: ${call}`, object, hint }, () => client.call(call, disk.vdi, bytes));
  return true;
}

/** The root disk: the bootable Disk VBD, else the Disk VBD with the lowest userdevice. */
export async function findRootDisk(client: RecipeClient, vm: string): Promise<RootDisk> {
  const step = "find root disk";
  const vbds = (await withContext({ step, object: vm }, () => client.call("VM.get_VBDs", vm))) as string[];
  const disks: Array<{ vbd: string; record: XapiRecord }> = [];
  for (const vbd of vbds) {
    const record = (await withContext({ step, object: vbd }, () => client.call("VBD.get_record", vbd))) as XapiRecord;
    if (str(record, "type") === "Disk" && isRealRef(record.VDI)) disks.push({ vbd, record });
  }
  disks.sort(
    (a, b) =>
      Number(bool(b.record, "bootable")) - Number(bool(a.record, "bootable")) ||
      userdevice(a.record) - userdevice(b.record),
  );
  const root = disks[0];
  if (!root) {
    throw new XapiRecipeError({ step, object: vm, hint: "the VM has no disk; provision it from a template with a disk" }, "no Disk VBD");
  }
  const vdi = str(root.record, "VDI");
  const vdiRecord = (await withContext({ step, object: vdi }, () => client.call("VDI.get_record", vdi))) as XapiRecord;
  return { vbd: root.vbd, vdi, vdiRecord, attached: bool(root.record, "currently_attached") };
}

/** What {@link growRootDisk} did. */
export interface DiskResize {
  vdi: string;
  previousBytes: number;
  bytes: number;
  changed: boolean;
}

/**
 * Grows the root disk's VDI to `bytes` (see {@link growVdi}: online while the VM runs, where xapi
 * allows it). Equal size: nothing to do. Smaller: an error, because shrinking a disk would lose
 * data. The guest must grow its filesystem itself.
 */
export async function growRootDisk(client: RecipeClient, vm: string, bytes: number): Promise<DiskResize> {
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new XapiRecipeError({ step: "grow root disk", object: vm, hint: "pass a whole number of bytes" }, `invalid disk size ${bytes}`);
  }
  const { vdi, vdiRecord, attached } = await findRootDisk(client, vm);
  const changed = await growVdi(client, { vdi, record: vdiRecord, attached, label: "root disk" }, bytes);
  return { vdi, previousBytes: int(vdiRecord, "virtual_size"), bytes, changed };
}

function userdevice(record: XapiRecord): number {
  const n = Number(str(record, "userdevice"));
  return Number.isFinite(n) ? n : Number.MAX_SAFE_INTEGER;
}
