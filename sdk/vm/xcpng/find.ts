/**
 * Finding a running Lua VM of ours by name (or uuid) from another process, with what it takes to
 * reach it over SSH: its device-0 address and the host key our lifecycle verified and recorded.
 */
import type { XapiClient } from "../../xapi";
import { XapiRecipeError, ownerMarkerKey, selfMarkerKey } from "../../xapi/recipes";
import { recordsWhere } from "../../xapi/recipes/where";
import { isUuid, vmRefOf } from "./lookup";
import { observeVm } from "./observe";
import { HOST_KEY_MARKER } from "./readiness";

/** A running Lua VM of bioxen-luavm and how to reach it. */
export interface FoundXcpngLuaVm {
  vmUuid: string;
  name: string;
  /** its `bioxen:owner` marker (which resource or createVm call made it) */
  owner: string;
  /** device 0's guest address: the SSH address */
  address: string;
  /** the `SHA256:…` host key recorded at first use: pin it */
  hostKeyFingerprint: string;
}

type VmRecord = Record<string, unknown>;

/**
 * The running VM named `nameOrUuid` that bioxen-luavm made (its owner marker written on itself:
 * copies, clones and snapshots of one are not ours), its address and recorded host key.
 * @throws XapiRecipeError when no such VM exists, several do (give the uuid), it is not running,
 *   has no address yet, or no recorded host key (it was never reached by bioxen-luavm)
 */
export async function findXcpngLuaVm(client: XapiClient, nameOrUuid: string): Promise<FoundXcpngLuaVm> {
  const step = `find Lua VM ${JSON.stringify(nameOrUuid)}`;
  const candidates = await candidatesOf(client, nameOrUuid, step);
  const ours = candidates.filter(([, record]) => isOurs(record));
  if (ours.length !== 1) {
    const hint =
      ours.length === 0
        ? "no VM of that name carries bioxen-luavm's owner marker on itself; give the instance name (e.g. worker-0) or uuid of a VM an environment or createVm made"
        : `several VMs of ours carry that name (${ours.map(([, r]) => `${String(r.uuid)} owned by ${JSON.stringify(otherConfig(r)[ownerMarkerKey])}`).join(", ")}); give the uuid of one`;
    throw new XapiRecipeError({ step, hint }, ours.length === 0 ? "not found" : "ambiguous");
  }
  const [ref, record] = ours[0]!;
  const object = `${String(record.uuid)} "${String(record.name_label)}"`;
  if (record.power_state !== "Running") throw new XapiRecipeError({ step, object, hint: "start it (powerState: running) and try again" }, `the VM is ${String(record.power_state).toLowerCase()}`);
  const hostKeyFingerprint = otherConfig(record)[HOST_KEY_MARKER];
  if (!hostKeyFingerprint) throw new XapiRecipeError({ step, object, hint: "bioxen-luavm never reached it over SSH; pass its address and host key yourself" }, `no recorded SSH host key (${HOST_KEY_MARKER})`);
  const { ipAddress } = await observeVm(client, ref, { adopted: false });
  if (!ipAddress) throw new XapiRecipeError({ step, object, hint: "its guest tools have not reported an address on device 0 yet; wait for it to boot" }, "no guest address");
  return { vmUuid: String(record.uuid), name: String(record.name_label), owner: otherConfig(record)[ownerMarkerKey]!, address: ipAddress, hostKeyFingerprint };
}

async function candidatesOf(client: XapiClient, nameOrUuid: string, step: string): Promise<Array<[string, VmRecord]>> {
  if (!isUuid(nameOrUuid)) return recordsWhere(client, "VM", { name_label: nameOrUuid, is_a_template: false, is_a_snapshot: false }, step);
  const ref = await vmRefOf(client, nameOrUuid);
  return ref === undefined ? [] : [[ref, (await client.call("VM.get_record", ref)) as VmRecord]];
}

/** Marked by bioxen-luavm on this very VM: `bioxen:self` is its own uuid (a copy's names another). */
function isOurs(record: VmRecord): boolean {
  const marker = otherConfig(record);
  return marker[ownerMarkerKey] !== undefined && marker[selfMarkerKey] === String(record.uuid) && record.is_a_snapshot !== true && record.is_a_template !== true;
}

function otherConfig(record: VmRecord): Record<string, string> {
  return (record.other_config ?? {}) as Record<string, string>;
}
