/**
 * Destroying a VM with its own disks: shut it down if needed, collect its Disk VBDs' VDIs,
 * `VM.destroy` (which leaves VDIs behind), then destroy each VDI that nothing else uses. Objects
 * already gone are skipped, so a retried delete succeeds. With an owner, the VDIs about to be
 * destroyed get the owner's marker first (instance: the claim's, or "legacy"), so a
 * retry after `VM.destroy` still finds them.
 */
import type { RecipeClient, WaitOptions } from "./client";
import { isRealRef } from "./client";
import { XapiRecipeError, isGone, unlessGone, withContext } from "./errors";
import { assertOwned, claimOf, findOwned, writeMarker, type Claim } from "./ownership";
import { shutdownVm } from "./power";
import { bool, list, str, type XapiRecord } from "./records";

/** Options for {@link destroyVm}. */
export interface DestroyVmOptions extends WaitOptions {
  /** When given, refuse unless the VM carries this owner's (instance's) marker. */
  owner?: string | Claim;
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
    const claim = options.owner ? claimOf(options.owner) : undefined;
    if (isGone(error)) return { destroyed: false, vdisDestroyed: claim ? await destroyOrphanVdis(client, vdiClaimOf(claim)) : [], vdisKept: [] };
    throw error instanceof XapiRecipeError ? error : new XapiRecipeError({ step, object: vm }, "failed", error);
  }
  const object = `${str(record, "uuid")} "${str(record, "name_label")}"`;
  if (bool(record, "is_control_domain")) {
    throw new XapiRecipeError({ step, object, hint: "this is a host's control domain" }, "refusing to destroy dom0");
  }
  if (str(record, "power_state") !== "Halted") {
    await shutdownVm(client, vm, { ...options, cleanTimeoutMs: options.cleanTimeoutMs ?? DEFAULT_CLEAN_TIMEOUT_MS });
  }
  const claim = options.owner ? claimOf(options.owner) : undefined;
  return destroyHaltedVm(client, vm, list(record, "VBDs"), object, claim ? vdiClaimOf(claim) : undefined);
}

/** Destroys a halted VM (or template) and its own VDIs: the end of {@link destroyVm} and {@link destroyNewVm}. */
async function destroyHaltedVm(
  client: RecipeClient,
  vm: string,
  vbds: string[],
  object: string,
  vdiClaim?: Required<Claim>,
): Promise<DestroyVmResult> {
  const result: DestroyVmResult = { destroyed: true, vdisDestroyed: [], vdisKept: [] };
  const doomed: string[] = [];
  for (const vdi of await diskVdisOf(client, vbds)) {
    const keep = await isKept(client, vdi, vm);
    if (keep === true) result.vdisKept.push(vdi);
    else if (keep === false) doomed.push(vdi);
  }
  if (vdiClaim) for (const vdi of doomed) await markVdi(client, vdi, vdiClaim);
  await withContext({ step: "destroy VM: VM.destroy", object }, async () => {
    await client.call("VM.destroy", vm).catch((error: unknown) => {
      if (!isGone(error)) throw error;
      result.destroyed = false;
    });
  });
  for (const vdi of doomed) await destroyVdi(client, vdi, object);
  result.vdisDestroyed.push(...doomed);
  return result;
}

/** The marker a delete writes on the VDIs it is about to destroy: the VM's claim; "legacy" as instance for a 0.1.0 resource's VM. */
function vdiClaimOf(claim: Claim): Required<Claim> {
  return { owner: claim.owner, instance: claim.instance ?? "legacy" };
}

/** Rolls back a VM this run just created (still halted): destroys it and its own VDIs. */
export async function destroyNewVm(client: RecipeClient, vm: string): Promise<DestroyVmResult> {
  const vbds = list({ VBDs: await client.call("VM.get_VBDs", vm).catch(() => []) }, "VBDs");
  return destroyHaltedVm(client, vm, vbds, vm);
}

/** Destroys a VDI; already gone is fine. */
async function destroyVdi(client: RecipeClient, vdi: string, object: string): Promise<void> {
  const context = { step: "destroy VM: VDI.destroy", object: `VDI ${vdi} of VM ${object}`, hint: "retry the delete, or destroy the VDI by hand" };
  await withContext(context, () => unlessGone(client.call("VDI.destroy", vdi)));
}

/**
 * The name a VDI gets when a delete marks it for removal: a retried delete finds its VDIs by this
 * name (one filtered query) instead of listing every VDI of the pool.
 */
function removalLabel(claim: Required<Claim>): string {
  return `bioxen-luavm: removing (${claim.instance})`;
}

/** Marks (and names) a VDI as ours to destroy, so a retried delete finds it after the VM is gone. */
async function markVdi(client: RecipeClient, vdi: string, claim: Required<Claim>): Promise<void> {
  await withContext({ step: "destroy VM: mark VDI for removal", object: vdi }, async () => {
    await client.call("VDI.set_name_label", vdi, removalLabel(claim));
    await writeMarker(client, "VDI", vdi, claim, "complete");
  });
}

/** VDIs marked with exactly `claim` that no VBD uses any more: left by an interrupted earlier delete. */
export async function destroyOrphanVdis(client: RecipeClient, claim: Required<Claim>): Promise<string[]> {
  const orphans = (await findOwned(client, "VDI", claim, removalLabel(claim))).filter((o) => list(o.record, "VBDs").length === 0);
  for (const orphan of orphans) await destroyVdi(client, orphan.ref, `(earlier delete of ${claim.owner})`);
  return orphans.map((o) => o.ref);
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
    // The SR's content type only: its record lists every VDI on it, which grows with the pool.
    if (isRealRef(r.SR) && (await client.call("SR.get_content_type", str(r, "SR"))) === "iso") return true;
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
