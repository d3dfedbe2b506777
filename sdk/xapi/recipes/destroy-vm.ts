/**
 * Destroying a VM with its own disks: shut it down if needed, collect its Disk VBDs' VDIs,
 * `VM.destroy` (which leaves VDIs behind), then destroy each VDI that nothing else uses. Objects
 * already gone are skipped, so a retried delete succeeds.
 */
import type { RecipeClient, WaitOptions } from "./client";
import { isRealRef } from "./client";
import { XapiRecipeError, isGone, withContext } from "./errors";
import { assertOwned } from "./ownership";
import { shutdownVm } from "./power";
import { bool, list, str, type XapiRecord } from "./records";

/** Options for {@link destroyVm}. */
export interface DestroyVmOptions extends WaitOptions {
  /** When given, refuse unless the VM carries this owner's marker. */
  owner?: string;
  /** Skip the ownership check for a VM the user adopted. */
  adopted?: boolean;
  /** How long a clean shutdown may take before a hard one (default 60 s). */
  cleanTimeoutMs?: number;
}

/** What {@link destroyVm} did. */
export interface DestroyVmResult {
  /** False when the VM was already gone. */
  destroyed: boolean;
  /** VDIs destroyed with the VM. */
  vdisDestroyed: string[];
  /** VDIs kept: shared with another VM, sharable, or ISO. */
  vdisKept: string[];
}

const DEFAULT_CLEAN_TIMEOUT_MS = 60_000;

/** Shuts down (if needed) and destroys a VM and the VDIs only it used. */
export async function destroyVm(client: RecipeClient, vm: string, options: DestroyVmOptions): Promise<DestroyVmResult> {
  const step = "destroy VM";
  let record: XapiRecord;
  try {
    record = options.owner
      ? await assertOwned(client, "VM", vm, options.owner, { adopted: options.adopted })
      : ((await client.call("VM.get_record", vm)) as XapiRecord);
  } catch (error) {
    if (isGone(error)) return { destroyed: false, vdisDestroyed: [], vdisKept: [] };
    throw error instanceof XapiRecipeError ? error : new XapiRecipeError({ step, object: vm }, "failed", error);
  }
  const object = `${str(record, "uuid")} "${str(record, "name_label")}"`;
  if (bool(record, "is_control_domain")) {
    throw new XapiRecipeError({ step, object, hint: "this is a host's control domain" }, "refusing to destroy dom0");
  }
  if (str(record, "power_state") !== "Halted") {
    await shutdownVm(client, vm, { ...options, cleanTimeoutMs: options.cleanTimeoutMs ?? DEFAULT_CLEAN_TIMEOUT_MS });
  }
  return destroyHaltedVm(client, vm, list(record, "VBDs"), object);
}

/**
 * Destroys a halted VM (or template) and its own VDIs. Used by {@link destroyVm} and to roll
 * back a clone whose later steps failed.
 */
export async function destroyHaltedVm(client: RecipeClient, vm: string, vbds: string[], object: string): Promise<DestroyVmResult> {
  const vdis = await diskVdisOf(client, vbds);
  let destroyed = true;
  await withContext({ step: "destroy VM: VM.destroy", object }, async () => {
    await client.call("VM.destroy", vm).catch((error: unknown) => {
      if (!isGone(error)) throw error;
      destroyed = false;
    });
  });
  const result: DestroyVmResult = { destroyed, vdisDestroyed: [], vdisKept: [] };
  for (const vdi of vdis) {
    const keep = await isKept(client, vdi, vm);
    if (keep === "gone") continue;
    if (keep) {
      result.vdisKept.push(vdi);
      continue;
    }
    await withContext({ step: "destroy VM: VDI.destroy", object: `VDI ${vdi} of VM ${object}`, hint: "destroy the VDI by hand once it is free" }, async () => {
      await client.call("VDI.destroy", vdi).catch((error: unknown) => {
        if (!isGone(error)) throw error;
      });
    });
    result.vdisDestroyed.push(vdi);
  }
  return result;
}

/** The VDIs behind the Disk VBDs (CD drives are never ours to destroy). */
async function diskVdisOf(client: RecipeClient, vbds: string[]): Promise<string[]> {
  const vdis: string[] = [];
  for (const vbd of vbds) {
    try {
      const r = (await client.call("VBD.get_record", vbd)) as XapiRecord;
      if (str(r, "type") === "Disk" && isRealRef(r.VDI)) vdis.push(str(r, "VDI"));
    } catch (error) {
      if (!isGone(error)) throw new XapiRecipeError({ step: "destroy VM: read VBD", object: vbd }, "failed", error);
    }
  }
  return vdis;
}

/** True if the VDI must survive: sharable, on an ISO SR, or used by another non-dom0 VM. */
async function isKept(client: RecipeClient, vdi: string, vm: string): Promise<boolean | "gone"> {
  try {
    const r = (await client.call("VDI.get_record", vdi)) as XapiRecord;
    if (bool(r, "sharable")) return true;
    if (isRealRef(r.SR) && str((await client.call("SR.get_record", str(r, "SR"))) as XapiRecord, "content_type") === "iso") return true;
    for (const vbd of list(r, "VBDs")) {
      const owner = str((await client.call("VBD.get_record", vbd)) as XapiRecord, "VM");
      if (owner === vm || !isRealRef(owner)) continue;
      if (!bool((await client.call("VM.get_record", owner)) as XapiRecord, "is_control_domain")) return true;
    }
    return false;
  } catch (error) {
    if (isGone(error)) return "gone";
    throw new XapiRecipeError({ step: "destroy VM: read VDI", object: vdi }, "failed", error);
  }
}
