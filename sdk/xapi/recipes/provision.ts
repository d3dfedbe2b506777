/** Turning a fresh clone into a VM: create the template's declared disks on the chosen SR, or just clear is_a_template. */
import type { RecipeClient, XapiCallOptions } from "./client";
import { isRealRef, taskWait } from "./client";
import { XapiRecipeError, withContext } from "./errors";
import { rewriteProvisionSr } from "./provision-xml";
import { map, str, type XapiRecord } from "./records";
import { isOpaqueRef } from "./refs";

/** Options for {@link provisionVm}; deadline and signal apply to the provision task. */
export interface ProvisionOptions extends XapiCallOptions {
  /** SR ref or uuid for the template's declared disks; default: the pool's default SR. */
  sr?: string;
}

/**
 * If the VM has `other_config.disks`, rewrites every disk's `sr` to the chosen SR and runs
 * `Async.VM.provision` (which creates the VDIs and VBDs and clears is_a_template); otherwise
 * `VM.set_is_a_template(vm, false)`.
 */
export async function provisionVm(client: RecipeClient, vm: string, options: ProvisionOptions = {}): Promise<void> {
  const step = "provision VM";
  const record = (await withContext({ step, object: vm }, () => client.call("VM.get_record", vm))) as XapiRecord;
  const object = `${str(record, "uuid")} "${str(record, "name_label")}"`;
  const otherConfig = map(record, "other_config");
  const disks = otherConfig.disks;
  if (!disks || disks.trim() === "") {
    await withContext({ step: `${step}: VM.set_is_a_template`, object }, () => client.call("VM.set_is_a_template", vm, false));
    return;
  }
  const srUuid = await chosenSrUuid(client, options.sr, object);
  const rewritten = rewriteProvisionSr(disks, srUuid);
  await withContext({ step: `${step}: VM.set_other_config`, object }, () =>
    client.call("VM.set_other_config", vm, { ...otherConfig, disks: rewritten }),
  );
  await withContext(
    { step: `${step}: Async.VM.provision`, object, hint: `the disks go to SR ${srUuid}; choose an SR with enough free space` },
    () => client.callAsyncWith(taskWait(options), "VM.provision", vm),
  );
}

async function chosenSrUuid(client: RecipeClient, sr: string | undefined, object: string): Promise<string> {
  const step = "provision VM: choose SR";
  if (sr !== undefined && !isOpaqueRef(sr)) {
    await withContext({ step, object: sr, hint: "pass the uuid of an SR in this pool" }, () => client.call("SR.get_by_uuid", sr));
    return sr;
  }
  let ref = sr;
  if (ref === undefined) {
    const pools = (await withContext({ step, object }, () => client.call("pool.get_all"))) as string[];
    ref = String(await withContext({ step, object }, () => client.call("pool.get_default_SR", pools[0])));
    if (!isRealRef(ref)) {
      throw new XapiRecipeError({ step, object, hint: "pass an SR explicitly" }, "the pool has no default SR");
    }
  }
  const srRef = ref;
  return String(await withContext({ step, object: srRef }, () => client.call("SR.get_uuid", srRef)));
}
