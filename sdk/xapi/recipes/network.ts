/** Networks this project creates: private (host-internal) and VLAN networks, and their teardown. */
import { randomUUID } from "node:crypto";
import type { RecipeClient } from "./client";
import { isRealRef } from "./client";
import { XapiRecipeError, isGone, unlessGone, withContext } from "./errors";
import { assertOwned, claimOf, ownedOtherConfig, ownerTag, type Claim, type MarkerState } from "./ownership";
import { str, type XapiRecord } from "./records";
import { recordsWhere } from "./where";
import { destroyVif } from "./vif";

/** Options for {@link createPrivateNetwork}. */
export interface PrivateNetworkOptions {
  name: string;
  description?: string;
  /** MTU, default 1500. */
  mtu?: number;
  /** Owner identity and instance (a bare owner gets a fresh instance) written to `other_config` at creation. */
  owner: string | Claim;
  /** marker state (default "complete"; a create that records the network later passes "creating") */
  state?: MarkerState;
}

/** Creates a network with no PIF (host-internal), marked as ours at creation. Returns its ref. */
export async function createPrivateNetwork(client: RecipeClient, options: PrivateNetworkOptions): Promise<string> {
  const claim = claimOf(options.owner);
  const otherConfig = ownedOtherConfig({ owner: claim.owner, instance: claim.instance ?? randomUUID() }, {}, options.state ?? "complete");
  return (await withContext({ step: "create network: network.create", object: options.name }, () =>
    client.call("network.create", {
      name_label: options.name,
      name_description: options.description ?? "",
      MTU: options.mtu ?? 1500,
      other_config: otherConfig,
      bridge: "",
      managed: true,
      tags: [ownerTag],
    }),
  )) as string;
}

/** Options for {@link createVlanNetwork}. */
export interface VlanNetworkOptions extends PrivateNetworkOptions {
  /** Device of the master's physical PIF whose network is tagged on every host, e.g. "eth0". */
  pifDevice: string;
  /** VLAN tag, 0–4094. */
  vlan: number;
}

/** A network with its VLAN on every host. */
export interface VlanNetwork {
  network: string;
  /** the VLAN PIFs pool.create_VLAN_from_PIF made, one per host */
  pifs: string[];
}

/**
 * Creates a network, then its VLAN on every host of the pool with `pool.create_VLAN_from_PIF`
 * from the master's physical PIF `pifDevice` (xapi makes it on each live host's PIF of that
 * PIF's network, all or none). If the VLAN cannot be created, the network is destroyed again and
 * the error says why.
 */
export async function createVlanNetwork(client: RecipeClient, options: VlanNetworkOptions): Promise<VlanNetwork> {
  const pif = await findMasterPif(client, options.pifDevice);
  const network = await createPrivateNetwork(client, options);
  try {
    const pifs = (await client.call("pool.create_VLAN_from_PIF", pif, network, options.vlan)) as string[];
    return { network, pifs };
  } catch (error) {
    const cleanup = await client.call("network.destroy", network).then(
      () => "the new network was removed again",
      (cleanupError: unknown) => `removing the new network failed too (${cleanupError instanceof Error ? cleanupError.message : String(cleanupError)}): destroy network ${network} by hand`,
    );
    throw new XapiRecipeError(
      {
        step: "create VLAN: pool.create_VLAN_from_PIF",
        object: `${options.pifDevice} tag ${options.vlan}`,
        hint: `VLAN tags are 0–4094 and each tag can exist once per PIF on every host; ${cleanup}`,
      },
      "failed",
      error,
    );
  }
}

/** Options for {@link destroyNetwork}. */
export interface DestroyNetworkOptions {
  /** When given, refuse unless the network carries this owner's marker. */
  owner?: string | Claim;
  /** Skip the ownership check for a network the user adopted. */
  adopted?: boolean;
  /** Unplug and destroy VIFs still on the network instead of refusing. */
  removeVifs?: boolean;
}

/**
 * Destroys a network: refuses while VIFs are on it (listing them) unless `removeVifs`; destroys
 * its VLANs first, then the network. A network already gone is not an error.
 */
export async function destroyNetwork(client: RecipeClient, network: string, options: DestroyNetworkOptions = {}): Promise<void> {
  const step = "destroy network";
  let record: XapiRecord;
  try {
    record = options.owner
      ? await assertOwned(client, "network", network, options.owner, { adopted: options.adopted })
      : ((await client.call("network.get_record", network)) as XapiRecord);
  } catch (error) {
    if (isGone(error)) return;
    throw error instanceof XapiRecipeError ? error : new XapiRecipeError({ step, object: network }, "failed", error);
  }
  const object = `${str(record, "uuid")} "${str(record, "name_label")}"`;
  const vifs = Array.isArray(record.VIFs) ? (record.VIFs as string[]) : [];
  if (vifs.length > 0 && !options.removeVifs) {
    throw new XapiRecipeError(
      { step, object, hint: "remove those VIFs (or their VMs) first, or pass removeVifs: true" },
      `VIFs still attached: ${(await describeVifs(client, vifs)).join(", ")}`,
    );
  }
  for (const vif of vifs) await destroyVif(client, vif);
  for (const pif of Array.isArray(record.PIFs) ? (record.PIFs as string[]) : []) {
    await destroyVlanOfPif(client, pif, object);
  }
  await withContext({ step: `${step}: network.destroy`, object }, () => unlessGone(client.call("network.destroy", network)));
}

async function destroyVlanOfPif(client: RecipeClient, pif: string, networkLabel: string): Promise<void> {
  let vlan: unknown;
  try {
    vlan = await client.call("PIF.get_VLAN_master_of", pif);
  } catch (error) {
    if (isGone(error)) return;
    throw new XapiRecipeError({ step: "destroy network: read PIF", object: pif }, "failed", error);
  }
  if (!isRealRef(vlan)) {
    throw new XapiRecipeError(
      { step: "destroy network", object: networkLabel, hint: "this network carries a physical PIF; it was not created by this project" },
      "refusing to remove a network with a non-VLAN PIF",
    );
  }
  await withContext({ step: "destroy network: VLAN.destroy", object: vlan }, () => unlessGone(client.call("VLAN.destroy", vlan)));
}

async function findMasterPif(client: RecipeClient, device: string): Promise<string> {
  const step = "create VLAN: find the master's PIF";
  const pools = (await withContext({ step }, () => client.call("pool.get_all"))) as string[];
  const master = (await withContext({ step }, () => client.call("pool.get_master", pools[0]))) as string;
  // The master's physical PIFs only (VLAN -1): every PIF of the pool grows with hosts and VLANs.
  const pifs = await recordsWhere(client, "PIF", { host: master, VLAN: -1 }, step);
  const found = pifs.find(([, r]) => str(r, "device") === device);
  if (!found) {
    throw new XapiRecipeError(
      { step, object: device, hint: `use one of: ${pifs.map(([, r]) => str(r, "device")).join(", ") || "(none)"}` },
      "the pool master has no physical PIF with that device",
    );
  }
  return found[0];
}

async function describeVifs(client: RecipeClient, vifs: string[]): Promise<string[]> {
  return Promise.all(
    vifs.map(async (vif) => {
      try {
        const r = (await client.call("VIF.get_record", vif)) as XapiRecord;
        const vmName = str((await client.call("VM.get_record", str(r, "VM"))) as XapiRecord, "name_label");
        return `VIF ${str(r, "uuid")} (device ${str(r, "device")} of VM "${vmName}")`;
      } catch {
        return `VIF ${vif}`;
      }
    }),
  );
}
