/**
 * Matching the VM's VIFs to the spec's networks: device i joins networks[i]; a VIF on the wrong
 * network is replaced, extra VIFs are removed (hot-plugged when the VM runs) — except extra VIFs
 * another owner marked (a VmNetwork's attachments), which belong to that owner.
 */
import type { XapiClient } from "../../xapi";
import { claimOf, createVif, destroyVif, type Claim } from "../../xapi/recipes";
import { refByUuidOrName } from "./lookup";
import { isOtherOwners, vmNics } from "./observe";
import type { XcpngLuaVmSpec } from "./types";

/** Creates, replaces and removes VIFs so device i is on `spec.networks[i]`. */
export async function syncNics(client: XapiClient, vm: string, spec: XcpngLuaVmSpec, claim: string | Claim = spec.owner): Promise<void> {
  const nics = await vmNics(client, vm);
  const vmUuid = String(await client.call("VM.get_uuid", vm));
  const wanted = new Map<string, string>();
  for (const [index, nic] of spec.networks.entries()) wanted.set(String(index), await refByUuidOrName(client, "network", nic.network));
  for (const [device, nic] of nics) {
    const network = wanted.get(device);
    if (network === nic.network) continue;
    if (network === undefined && isOtherOwners(nic.otherConfig, spec.owner, vmUuid)) continue;
    // The VM itself is ours (checked by the caller), so every VIF on it is ours to change,
    // including those a clone inherited from the template (without our marker).
    await destroyVif(client, nic.ref);
  }
  for (const [device, network] of wanted) {
    if (nics.get(device)?.network === network) continue;
    await createVif(client, vm, network, { owner: claimOf(claim), device });
  }
}

