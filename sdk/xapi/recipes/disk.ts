/** Growing a VM's root disk (never shrinking: that would lose data). */
import type { RecipeClient } from "./client";
import { isRealRef } from "./client";
import { XapiRecipeError, withContext } from "./errors";
import { bool, int, str, type XapiRecord } from "./records";

/** The VBD and VDI of a VM's root disk. */
export interface RootDisk {
  vbd: string;
  vdi: string;
  vdiRecord: XapiRecord;
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
  return { vbd: root.vbd, vdi, vdiRecord };
}

/** What {@link growRootDisk} did. */
export interface DiskResize {
  vdi: string;
  previousBytes: number;
  bytes: number;
  changed: boolean;
}

/**
 * Grows the root disk's VDI to `bytes` (`VDI.resize`). Equal size: nothing to do. Smaller: an
 * error, because shrinking a disk would lose data. The guest must grow its filesystem itself.
 */
export async function growRootDisk(client: RecipeClient, vm: string, bytes: number): Promise<DiskResize> {
  const step = "grow root disk";
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new XapiRecipeError({ step, object: vm, hint: "pass a whole number of bytes" }, `invalid disk size ${bytes}`);
  }
  const { vdi, vdiRecord } = await findRootDisk(client, vm);
  const previousBytes = int(vdiRecord, "virtual_size");
  const object = `VDI ${str(vdiRecord, "uuid")}`;
  if (bytes < previousBytes) {
    throw new XapiRecipeError(
      { step, object, hint: "disks can only grow; to get a smaller disk, replace the VM" },
      `refusing to shrink the disk from ${previousBytes} to ${bytes} bytes: data would be lost`,
    );
  }
  if (bytes === previousBytes) return { vdi, previousBytes, bytes, changed: false };
  await withContext(
    { step: `${step}: VDI.resize`, object, hint: "some SRs resize only while the VM is halted; check the SR's free space" },
    () => client.call("VDI.resize", vdi, bytes),
  );
  return { vdi, previousBytes, bytes, changed: true };
}

function userdevice(record: XapiRecord): number {
  const n = Number(str(record, "userdevice"));
  return Number.isFinite(n) ? n : Number.MAX_SAFE_INTEGER;
}
