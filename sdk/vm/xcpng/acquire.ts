/**
 * Getting the VM a spec describes: the adopted VM, the VM a crashed or interrupted create of the
 * same owner left unfinished (marker state "creating", written on that very VM; finished if it is
 * still an unprovisioned clone), or a new clone/copy of the template. Every VM returned carries
 * this instance's marker with state "creating". A finished VM — e.g. the predecessor of a
 * replacement — is never returned, nor a snapshot, nor a copy of a VM of ours.
 */
import type { WaitOptions } from "../../base/deadline";
import type { XapiClient } from "../../xapi";
import {
  XapiRecipeError,
  destroyVm,
  findTemplate,
  findUnfinished,
  installVm,
  instanceMarkerKey,
  ownerMarkerKey,
  ownerTag,
  provisionVm,
  selfMarkerKey,
  stateMarkerKey,
  writeMarker,
  type Claim,
} from "../../xapi/recipes";
import { withContext } from "../../xapi/recipes/errors";
import { refByUuidOrName, vmRefOf } from "./lookup";
import type { XcpngLuaVmSpec } from "./types";

/** The VM to converge and how we came by it. */
export interface AcquiredVm {
  ref: string;
  uuid: string;
  /** cloned by this call: roll it back if a later create step fails */
  createdNow: boolean;
  /** this owner cloned it (now or in an earlier attempt): trust-on-first-use of its host key is allowed */
  ours: boolean;
  adopted: boolean;
}

/** Finds or makes the VM for `spec` and marks it with `claim` (see the file comment). Deadline/signal apply to the clone/copy and provisioning tasks. */
export async function acquireVm(client: XapiClient, spec: XcpngLuaVmSpec, claim: Required<Claim>, wait: WaitOptions): Promise<AcquiredVm> {
  if (spec.adopt) return adoptVm(client, spec.adopt, claim);
  const sr = spec.sr ? await refByUuidOrName(client, "SR", spec.sr) : undefined;
  const [existing, ...extra] = (await findUnfinished(client, "VM", spec.owner, spec.name)).sort((a, b) => a.uuid.localeCompare(b.uuid));
  // Several unfinished VMs: earlier crashed attempts of this same resource, never recorded anywhere.
  for (const vm of extra) await destroyVm(client, vm.ref, { owner: spec.owner, cleanTimeoutMs: 10_000, ...wait });
  if (existing) {
    await withContext({ step: "take over the VM an interrupted create left", object: existing.uuid }, () => writeMarker(client, "VM", existing.ref, claim, "creating"));
    if (existing.record.is_a_template === true) await finishProvisioning(client, existing.ref, claim, { sr, ...wait });
    return { ref: existing.ref, uuid: existing.uuid, createdNow: true, ours: true, adopted: false };
  }
  const template = await findTemplate(client, spec.template);
  const ref = await installVm(client, template.ref, { name: spec.name, mode: spec.cloneMode, owner: claim, ...(sr ? { sr } : {}), ...wait });
  return { ref, uuid: await newVmUuid(client, ref, claim), createdNow: true, ours: true, adopted: false };
}

/** The uuid of the VM just installed; if it cannot be read, the VM is destroyed again (nobody could name it). */
async function newVmUuid(client: XapiClient, ref: string, claim: Required<Claim>): Promise<string> {
  try {
    return String(await client.call("VM.get_uuid", ref));
  } catch (error) {
    const cleanup = await destroyVm(client, ref, { owner: claim, deadline: 60_000 }).then(
      () => "it was destroyed again",
      (cleanupError: unknown) => `destroying it failed too (${String(cleanupError)}): remove the VM owned by ${claim.owner} by hand`,
    );
    throw new XapiRecipeError({ step: "read the uuid of the VM just cloned", object: ref, hint: cleanup }, "failed", error);
  }
}

async function finishProvisioning(client: XapiClient, vm: string, claim: Required<Claim>, options: { sr?: string } & WaitOptions): Promise<void> {
  try {
    await provisionVm(client, vm, options);
  } catch (error) {
    await destroyVm(client, vm, { owner: claim, deadline: 60_000 }).catch(() => undefined);
    throw new XapiRecipeError({ step: "provision the VM an earlier attempt cloned", object: vm, hint: "it was destroyed; the next attempt clones again" }, "failed", error);
  }
}

/**
 * Takes over the VM `vmUuid`: refused for a control domain, template or snapshot, and for a VM
 * whose own marker (not a copied one) names another owner, or this owner in a finished create
 * (a live resource of this name manages it). Its marker is rewritten with `claim`.
 */
async function adoptVm(client: XapiClient, vmUuid: string, claim: Required<Claim>): Promise<AcquiredVm> {
  const step = "adopt VM";
  const ref = await vmRefOf(client, vmUuid);
  if (!ref) throw new XapiRecipeError({ step, object: vmUuid, hint: "check the uuid (xe vm-list)" }, "no VM has this uuid");
  const record = (await withContext({ step, object: vmUuid }, () => client.call("VM.get_record", ref))) as Record<string, unknown>;
  if (record.is_control_domain === true || record.is_a_template === true || record.is_a_snapshot === true) {
    throw new XapiRecipeError({ step, object: vmUuid, hint: "adopt a normal VM" }, "refusing to adopt a control domain, template or snapshot");
  }
  const marker = (record.other_config ?? {}) as Record<string, string>;
  const owner = marker[ownerMarkerKey];
  const ownMarker = owner !== undefined && (marker[selfMarkerKey] === undefined || marker[selfMarkerKey] === vmUuid);
  if (ownMarker && owner !== claim.owner) {
    throw new XapiRecipeError({ step, object: vmUuid, hint: "another resource manages it; remove it from that stack first" }, `owned by ${JSON.stringify(owner)}`);
  }
  const unfinished = marker[stateMarkerKey] === "creating" && marker[instanceMarkerKey] !== undefined;
  if (ownMarker && !unfinished) {
    throw new XapiRecipeError({ step, object: vmUuid, hint: "a resource of this name already manages it (the one being replaced?); adopt it under another name or remove it from the stack first" }, `owned by ${JSON.stringify(owner)}`);
  }
  await withContext({ step: `${step}: mark ownership`, object: vmUuid }, async () => {
    await writeMarker(client, "VM", ref, claim, "creating");
    await client.call("VM.add_tags", ref, ownerTag);
  });
  return { ref, uuid: vmUuid, createdNow: false, ours: false, adopted: true };
}
