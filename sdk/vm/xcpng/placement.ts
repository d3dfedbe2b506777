/**
 * Placement of a Lua VM (issue #15 item 2): its affinity host, resolved before any change, and the
 * refusal of a private (PIF-less) network shared with VMs placed on another host — such a network
 * is a bridge local to each host, so VMs on different hosts cannot reach each other over it.
 */
import type { XapiClient } from "../../xapi";
import { NULL_REF, XapiRecipeError, isRealRef, resolveHost, type PoolHost } from "../../xapi/recipes";
import { withContext } from "../../xapi/recipes/errors";
import { refByUuidOrName } from "./lookup";
import type { XcpngLuaVmSpec } from "./types";

/** What the VM's affinity must become: a host, or none (`ref` = OpaqueRef:NULL). */
export interface Placement {
  ref: string;
  uuid?: string;
}

/**
 * The affinity `spec.affinityHost` asks for (undefined: leave it alone; "": clear it), and for a
 * host, the check that no private network of the spec joins VMs placed elsewhere. `vm` is the VM
 * being updated (left out of the comparison), undefined for a create. Reads only.
 * @throws XapiRecipeError for an unknown host (naming the pool's hosts) or a private network that would be split
 */
export async function resolvePlacement(client: XapiClient, spec: XcpngLuaVmSpec, vm?: string): Promise<Placement | undefined> {
  if (spec.affinityHost === undefined) return undefined;
  if (spec.affinityHost === "") return { ref: NULL_REF };
  const host = await resolveHost(client, spec.affinityHost);
  for (const nic of spec.networks) await assertSameHost(client, nic.network, host, vm);
  return { ref: host.ref, uuid: host.uuid };
}

/** Sets the VM's affinity to the placement when it differs (VM.set_affinity: any power state, no restart). */
export async function applyPlacement(client: XapiClient, vm: string, placement: Placement | undefined): Promise<void> {
  if (!placement) return;
  const current = await withContext({ step: "read VM affinity", object: vm }, () => client.call("VM.get_affinity", vm));
  const same = isRealRef(current) ? current === placement.ref : !isRealRef(placement.ref);
  if (!same) await withContext({ step: "set VM affinity: VM.set_affinity", object: vm }, () => client.call("VM.set_affinity", vm, placement.ref));
}

/** Where a VM is or will be: its affinity host, else the host it runs on; undefined when neither says. */
function placedOn(record: Record<string, unknown>): string | undefined {
  if (isRealRef(record.affinity)) return record.affinity;
  return isRealRef(record.resident_on) ? record.resident_on : undefined;
}

async function assertSameHost(client: XapiClient, network: string, host: PoolHost, vm: string | undefined): Promise<void> {
  const ref = await refByUuidOrName(client, "network", network);
  const record = (await withContext({ step: "read network", object: network }, () => client.call("network.get_record", ref))) as Record<string, unknown>;
  if (((record.PIFs as string[] | undefined) ?? []).length > 0) return;
  const elsewhere: string[] = [];
  for (const vif of (record.VIFs as string[] | undefined) ?? []) {
    const other = String(await withContext({ step: "read VIF", object: vif }, () => client.call("VIF.get_VM", vif)));
    if (other === vm) continue;
    const otherRecord = (await withContext({ step: "read VM", object: other }, () => client.call("VM.get_record", other))) as Record<string, unknown>;
    const on = placedOn(otherRecord);
    if (on !== undefined && on !== host.ref) elsewhere.push(`${String(otherRecord.name_label)} (${String(otherRecord.uuid)}) on host ${String(await client.call("host.get_name_label", on))}`);
  }
  if (elsewhere.length === 0) return;
  throw new XapiRecipeError(
    {
      step: "check placement",
      object: `network ${JSON.stringify(String(record.name_label))}`,
      hint: `a private network (no PIF) exists separately on each host, so VMs on different hosts cannot reach each other over it; place every VM of this network on one host (affinityHost), or use a VLAN network`,
    },
    `affinity host ${host.name} differs from that of ${elsewhere.join(", ")}`,
  );
}
