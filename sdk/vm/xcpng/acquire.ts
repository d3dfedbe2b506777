/**
 * Getting the VM a spec describes: the adopted VM (marked as ours), the VM an earlier attempt
 * of the same owner already cloned (finished if it is still an unprovisioned clone), or a new
 * clone/copy of the template. Never a duplicate.
 */
import type { WaitOptions } from "../../base/deadline";
import type { XapiClient } from "../../xapi";
import { XapiRecipeError, destroyVm, findOwned, findTemplate, installVm, ownerMarkerKey, ownerTag, provisionVm } from "../../xapi/recipes";
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

/** Finds or makes the VM for `spec` (see the file comment). Deadline/signal apply to the clone/copy and provisioning tasks. */
export async function acquireVm(client: XapiClient, spec: XcpngLuaVmSpec, wait: WaitOptions): Promise<AcquiredVm> {
  if (spec.adopt) return adoptVm(client, spec.adopt, spec.owner);
  const found = (await findOwned(client, "VM", spec.owner)).filter((vm) => vm.record.is_control_domain !== true);
  if (found.length > 1) {
    throw new XapiRecipeError(
      { step: "find the VM of this resource", object: spec.owner, hint: "destroy the extra VMs by hand, keeping one" },
      `${found.length} VMs carry this owner marker: ${found.map((vm) => vm.uuid).join(", ")}`,
    );
  }
  const sr = spec.sr ? await refByUuidOrName(client, "SR", spec.sr) : undefined;
  const existing = found[0];
  if (existing) {
    if (existing.record.is_a_template === true) await finishProvisioning(client, existing.ref, spec.owner, { sr, ...wait });
    return { ref: existing.ref, uuid: existing.uuid, createdNow: false, ours: true, adopted: false };
  }
  const template = await findTemplate(client, spec.template);
  const ref = await installVm(client, template.ref, { name: spec.name, mode: spec.cloneMode, owner: spec.owner, ...(sr ? { sr } : {}), ...wait });
  return { ref, uuid: await newVmUuid(client, ref, spec.owner), createdNow: true, ours: true, adopted: false };
}

/** The uuid of the VM just installed; if it cannot be read, the VM is destroyed again (nobody could name it). */
async function newVmUuid(client: XapiClient, ref: string, owner: string): Promise<string> {
  try {
    return String(await client.call("VM.get_uuid", ref));
  } catch (error) {
    const cleanup = await destroyVm(client, ref, { owner, deadline: 60_000 }).then(
      () => "it was destroyed again",
      (cleanupError: unknown) => `destroying it failed too (${String(cleanupError)}): remove the VM owned by ${owner} by hand`,
    );
    throw new XapiRecipeError({ step: "read the uuid of the VM just cloned", object: ref, hint: cleanup }, "failed", error);
  }
}

async function finishProvisioning(client: XapiClient, vm: string, owner: string, options: { sr?: string } & WaitOptions): Promise<void> {
  try {
    await provisionVm(client, vm, options);
  } catch (error) {
    await destroyVm(client, vm, { owner, deadline: 60_000 }).catch(() => undefined);
    throw new XapiRecipeError({ step: "provision the VM an earlier attempt cloned", object: vm, hint: "it was destroyed; the next attempt clones again" }, "failed", error);
  }
}

async function adoptVm(client: XapiClient, vmUuid: string, owner: string): Promise<AcquiredVm> {
  const step = "adopt VM";
  const ref = await vmRefOf(client, vmUuid);
  if (!ref) throw new XapiRecipeError({ step, object: vmUuid, hint: "check the uuid (xe vm-list)" }, "no VM has this uuid");
  const record = (await withContext({ step, object: vmUuid }, () => client.call("VM.get_record", ref))) as Record<string, unknown>;
  if (record.is_control_domain === true || record.is_a_template === true || record.is_a_snapshot === true) {
    throw new XapiRecipeError({ step, object: vmUuid, hint: "adopt a normal VM" }, "refusing to adopt a control domain, template or snapshot");
  }
  const marker = ((record.other_config ?? {}) as Record<string, string>)[ownerMarkerKey];
  if (marker !== undefined && marker !== owner) {
    throw new XapiRecipeError({ step, object: vmUuid, hint: "another resource manages it; remove it from that stack first" }, `owned by ${JSON.stringify(marker)}`);
  }
  if (marker === undefined) {
    await withContext({ step: `${step}: mark ownership`, object: vmUuid }, async () => {
      await client.call("VM.add_to_other_config", ref, ownerMarkerKey, owner);
      await client.call("VM.add_tags", ref, ownerTag);
    });
  }
  return { ref, uuid: vmUuid, createdNow: false, ours: false, adopted: true };
}
