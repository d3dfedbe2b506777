/** Cloning or copying a template into a new VM that is marked as ours before anything else happens. */
import { randomUUID } from "node:crypto";
import type { RecipeClient, XapiCallOptions } from "./client";
import { NULL_REF, taskWait } from "./client";
import { XapiRecipeError, withContext } from "./errors";
import { destroyNewVm } from "./destroy-vm";
import { checkOwner, claimOf, ownerTag, selfMarkerKey, writeMarker, type Claim } from "./ownership";
import { resolveRef } from "./refs";

/** Options for {@link cloneFromTemplate}; deadline (default: the client's task timeout) and signal apply to the clone/copy task. */
export interface CloneOptions extends XapiCallOptions {
  /** name_label of the new VM. */
  name: string;
  /** "clone": copy-on-write, fast; "copy": full copy of the disks onto `sr`. */
  mode: "clone" | "copy";
  /** SR ref or uuid for "copy" (default: the SR each disk is on); not allowed with "clone". */
  sr?: string;
  /** Owner identity and instance for the marker (written with state "creating"); a bare owner gets a fresh instance. */
  owner: string | Claim;
}

/**
 * `Async.VM.clone(tpl, name)` or `Async.VM.copy(tpl, name, sr)`, then marks the new VM at once
 * (every inherited `bioxen:` key replaced by this instance's marker, state "creating", and the
 * `bioxen-luavm` tag). If marking fails the new VM and
 * its disks are destroyed and the error rethrown. Returns the new VM's ref (still a template
 * until {@link provisionVm}).
 */
export async function cloneFromTemplate(client: RecipeClient, template: string, options: CloneOptions): Promise<string> {
  const claim = claimOf(options.owner);
  checkOwner(claim.owner);
  const step = `${options.mode} template`;
  const object = `${template} → "${options.name}"`;
  if (options.mode === "clone" && options.sr !== undefined) {
    throw new XapiRecipeError({ step, object, hint: 'use mode "copy" to place the disks on a chosen SR' }, "a clone stays on the template's SR");
  }
  // If waiting for the task fails after XAPI made the VM, the task (and its result) is gone:
  // the VMs of this name before the call tell which one is the new, still unmarked, clone.
  const namedBefore = new Set((await withContext({ step: `${step}: list VMs named so`, object }, () => client.call("VM.get_by_name_label", options.name))) as string[]);
  const vm = (await withContext({ step: `${step}: Async.VM.${options.mode}`, object }, async () => {
    if (options.mode === "clone") return client.callAsyncWith(taskWait(options), "VM.clone", template, options.name);
    const sr = options.sr === undefined ? NULL_REF : await resolveRef(client, "SR", options.sr);
    return client.callAsyncWith(taskWait(options), "VM.copy", template, options.name, sr);
  }).catch(async (error: unknown) => {
    const hint = await removeUnreportedClone(client, options.name, namedBefore);
    throw hint ? new XapiRecipeError({ step: `${step}: Async.VM.${options.mode}`, object, hint }, "failed", error) : error;
  })) as string;
  try {
    await markVm(client, vm, { owner: claim.owner, instance: claim.instance ?? randomUUID() });
  } catch (error) {
    await destroyNewVm(client, vm).catch(() => undefined);
    throw new XapiRecipeError({ step: `${step}: mark ownership`, object, hint: "the new VM was destroyed again" }, "failed", error);
  }
  return vm;
}

/**
 * Destroys the VM a failed clone/copy task made anyway (new under this name, still carrying no
 * marker of its own). Returns a hint saying what happened, or undefined when there was none.
 */
async function removeUnreportedClone(client: RecipeClient, name: string, namedBefore: Set<string>): Promise<string | undefined> {
  try {
    const fresh = ((await client.call("VM.get_by_name_label", name)) as string[]).filter((ref) => !namedBefore.has(ref));
    if (fresh.length !== 1) return undefined;
    const record = (await client.call("VM.get_record", fresh[0]!)) as Record<string, unknown>;
    const marker = (record.other_config ?? {}) as Record<string, string>;
    if (marker[selfMarkerKey] === record.uuid || record.is_a_snapshot === true) return undefined;
    await destroyNewVm(client, fresh[0]!);
    return `the VM XAPI made anyway (${String(record.uuid)}) was destroyed again`;
  } catch (cleanupError) {
    return `a VM named "${name}" may remain: check it and destroy it by hand (${cleanupError instanceof Error ? cleanupError.message : String(cleanupError)})`;
  }
}

/**
 * Writes our marker, dropping every `bioxen:` key the template carried (its owner, instance,
 * recorded SSH host key…: a template made from a VM of ours carries them all), and adds the tag.
 */
async function markVm(client: RecipeClient, vm: string, claim: Required<Claim>): Promise<void> {
  await writeMarker(client, "VM", vm, claim, "creating");
  await client.call("VM.add_tags", vm, ownerTag);
}
