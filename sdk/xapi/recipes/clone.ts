/** Cloning or copying a template into a new VM that is marked as ours before anything else happens. */
import { randomUUID } from "node:crypto";
import type { RecipeClient, XapiCallOptions } from "./client";
import { NULL_REF, taskWait } from "./client";
import { XapiRecipeError, withContext } from "./errors";
import { destroyNewVm } from "./destroy-vm";
import { checkOwner, claimOf, ownerTag, writeMarker, type Claim } from "./ownership";
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
  const vm = (await withContext({ step: `${step}: Async.VM.${options.mode}`, object }, async () => {
    if (options.mode === "clone") return client.callAsyncWith(taskWait(options), "VM.clone", template, options.name);
    const sr = options.sr === undefined ? NULL_REF : await resolveRef(client, "SR", options.sr);
    return client.callAsyncWith(taskWait(options), "VM.copy", template, options.name, sr);
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
 * Writes our marker, dropping every `bioxen:` key the template carried (its owner, instance,
 * recorded SSH host key…: a template made from a VM of ours carries them all), and adds the tag.
 */
async function markVm(client: RecipeClient, vm: string, claim: Required<Claim>): Promise<void> {
  await writeMarker(client, "VM", vm, claim, "creating");
  await client.call("VM.add_tags", vm, ownerTag);
}
