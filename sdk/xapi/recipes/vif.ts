/** Virtual network interfaces: create (marked as ours at creation, plugged if the VM runs) and destroy. */
import type { RecipeClient } from "./client";
import { XapiRecipeError, hasXapiCode, isGone, withContext } from "./errors";
import { assertOwned, ownedOtherConfig, vifVmMarkerKey, type Claim } from "./ownership";
import { bool, int, type XapiRecord } from "./records";

/** Options for {@link createVif}. */
export interface CreateVifOptions {
  /** MTU; defaults to the network's MTU. */
  mtu?: number;
  /** VIF device number ("0", "1", …); defaults to the VM's first allowed device. */
  device?: string;
  /** Owner identity (and instance) written to `other_config` at creation, with `bioxen:vm` = the VM's uuid. */
  owner: string | Claim;
  /** marker state (default "complete": a VIF is made by a step of a create or update that records it) */
  state?: "creating" | "complete";
}

/**
 * Creates a VIF of `vm` on `network` with every field `VIF.create` requires (MAC "" lets xapi
 * generate one) and the ownership marker in `other_config`; plugs it if the VM is running. If the
 * plug fails the VIF is destroyed again. Returns the VIF ref.
 */
export async function createVif(client: RecipeClient, vm: string, network: string, options: CreateVifOptions): Promise<string> {
  const step = "create VIF";
  const vmUuid = String(await withContext({ step, object: vm }, () => client.call("VM.get_uuid", vm)));
  const otherConfig = { ...ownedOtherConfig(options.owner, {}, options.state ?? "complete"), [vifVmMarkerKey]: vmUuid };
  const device = options.device ?? (await firstAllowedDevice(client, vm));
  // The MTU field only: a network's record lists every VIF on it, which grows with the pool.
  const mtu = options.mtu ?? int({ MTU: await withContext({ step, object: network }, () => client.call("network.get_MTU", network)) }, "MTU");
  const vif = (await withContext(
    { step: `${step}: VIF.create`, object: `VM ${vm}, device ${device}` },
    () =>
      client.call("VIF.create", {
        device,
        network,
        VM: vm,
        MAC: "",
        MTU: Number.isFinite(mtu) && mtu > 0 ? mtu : 1500,
        other_config: otherConfig,
        qos_algorithm_type: "",
        qos_algorithm_params: {},
      }),
  )) as string;
  let plugStep = "VM.get_power_state";
  try {
    if (String(await client.call("VM.get_power_state", vm)) === "Running") {
      plugStep = "VIF.plug";
      await client.call("VIF.plug", vif);
    }
  } catch (error) {
    const hint = await client.call("VIF.destroy", vif).then(
      () => "the VIF was removed again",
      (cleanupError: unknown) => `removing the VIF failed too (${cleanupError instanceof Error ? cleanupError.message : String(cleanupError)}): destroy VIF ${vif} by hand`,
    );
    throw new XapiRecipeError({ step: `${step}: ${plugStep}`, object: `VM ${vm}, device ${device}`, hint }, plugStep === "VIF.plug" ? "hot-plug failed" : "failed", error);
  }
  return vif;
}

/** Options for {@link destroyVif}. */
export interface DestroyVifOptions {
  /** When given, refuse unless the VIF carries this owner's marker. */
  owner?: string | Claim;
  /** Skip the ownership check for a VIF the user adopted. */
  adopted?: boolean;
}

/** Unplugs the VIF if attached, then destroys it. A VIF that is already gone is not an error. */
export async function destroyVif(client: RecipeClient, vif: string, options: DestroyVifOptions = {}): Promise<void> {
  const step = "destroy VIF";
  try {
    const record = options.owner
      ? await assertOwned(client, "VIF", vif, options.owner, { adopted: options.adopted })
      : ((await client.call("VIF.get_record", vif)) as XapiRecord);
    if (bool(record, "currently_attached")) {
      await client.call("VIF.unplug", vif).catch((error: unknown) => {
        if (!hasXapiCode(error, "DEVICE_ALREADY_DETACHED")) throw error;
      });
    }
    await client.call("VIF.destroy", vif);
  } catch (error) {
    if (isGone(error)) return;
    if (error instanceof XapiRecipeError) throw error;
    throw new XapiRecipeError({ step, object: vif }, "failed", error);
  }
}

async function firstAllowedDevice(client: RecipeClient, vm: string): Promise<string> {
  const allowed = (await withContext({ step: "create VIF: VM.get_allowed_VIF_devices", object: vm }, () =>
    client.call("VM.get_allowed_VIF_devices", vm),
  )) as string[];
  const device = allowed[0];
  if (device === undefined) {
    throw new XapiRecipeError({ step: "create VIF", object: vm, hint: "remove a VIF first" }, "the VM has no free VIF device");
  }
  return device;
}

