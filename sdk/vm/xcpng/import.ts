/**
 * Importing a VM by uuid alone (`pulumi import`): what it is now and whose it is. A VM whose own
 * marker names a resource of ours comes back with that claim; any other VM (made by hand, by
 * another tool, or a copy of one of ours) comes back adopted — the caller must never destroy it
 * unless the user says so explicitly.
 */
import type { XapiClient } from "../../xapi";
import { XapiRecipeError, ownClaimOf, type Claim } from "../../xapi/recipes";
import { withContext } from "../../xapi/recipes/errors";
import { vmRefOf } from "./lookup";
import { observeVm } from "./observe";
import type { XcpngLuaVmState } from "./types";

/** An imported VM: its state, and the claim of its maker when that is a resource of ours. */
export interface ImportedVm {
  state: XcpngLuaVmState;
  /** present when the VM's own marker proves a resource of ours made it */
  claim?: Claim;
}

/**
 * The VM `vmUuid` as an import sees it, or undefined when no such VM exists.
 * @throws XapiRecipeError when the uuid names a template, a snapshot or a control domain
 */
export async function importXcpngLuaVm(client: XapiClient, vmUuid: string): Promise<ImportedVm | undefined> {
  const vm = await vmRefOf(client, vmUuid);
  if (!vm) return undefined;
  const record = (await withContext({ step: "read VM to import", object: vmUuid }, () => client.call("VM.get_record", vm))) as Record<string, unknown>;
  if (record.is_a_template === true || record.is_a_snapshot === true || record.is_control_domain === true) {
    throw new XapiRecipeError({ step: "import VM", object: `${vmUuid} "${String(record.name_label)}"`, hint: "import a VM's uuid (templates, snapshots and dom0 are not XcpngLuaVMs)" }, "it is a template, snapshot or control domain");
  }
  const claim = ownClaimOf("VM", record);
  const state = await observeVm(client, vm, { adopted: claim === undefined, ...(claim ? { instance: claim.instance } : {}) });
  return { state, ...(claim ? { claim } : {}) };
}
