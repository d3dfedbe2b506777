/**
 * Hosts of the pool: finding one by name or uuid, and naming the host a ref points to. A host's
 * ref and uuid never change while the pool runs, so the hosts a client read are kept for that
 * client (its session): observing many VMs reads each host once, not once per VM.
 */
import type { RecipeClient } from "./client";
import { isRealRef } from "./client";
import { XapiRecipeError, withContext } from "./errors";
import { entriesOf, str } from "./records";
import { isUuid } from "./refs";

/** A host of the pool. */
export interface PoolHost {
  ref: string;
  uuid: string;
  name: string;
}

/** Hosts each client has read, by ref (a pending read is shared by concurrent callers). */
const known = new WeakMap<RecipeClient, Map<string, Promise<PoolHost>>>();

/** Every host of the pool (a pool has a handful: one `host.get_all_records`); the client keeps them for {@link hostOf}. */
export async function listHosts(client: RecipeClient): Promise<PoolHost[]> {
  const all = await withContext({ step: "list hosts: host.get_all_records" }, () => client.call("host.get_all_records"));
  const hosts = entriesOf(all).map(([ref, record]) => ({ ref, uuid: str(record, "uuid"), name: str(record, "name_label") }));
  for (const host of hosts) knownHosts(client).set(host.ref, Promise.resolve(host));
  return hosts;
}

function knownHosts(client: RecipeClient): Map<string, Promise<PoolHost>> {
  let byRef = known.get(client);
  if (!byRef) known.set(client, (byRef = new Map()));
  return byRef;
}

/**
 * The host whose uuid or name_label is `nameOrUuid`, read before any change is made.
 * @throws XapiRecipeError naming the hosts that exist when none or several match
 */
export async function resolveHost(client: RecipeClient, nameOrUuid: string): Promise<PoolHost> {
  const hosts = await listHosts(client);
  const wanted = nameOrUuid.toLowerCase();
  const found = hosts.filter((h) => (isUuid(nameOrUuid) ? h.uuid.toLowerCase() === wanted : h.name === nameOrUuid));
  if (found.length === 1) return found[0]!;
  const known = hosts.map((h) => `${h.name} (${h.uuid})`).join(", ") || "(none)";
  throw new XapiRecipeError(
    { step: "resolve affinity host", object: JSON.stringify(nameOrUuid), hint: `the pool's hosts are: ${known}; give one's name_label or uuid` },
    found.length === 0 ? "no such host in this pool" : `${found.length} hosts carry this name; give the uuid`,
  );
}

/**
 * The host `ref` points to (uuid and name_label), or undefined for a null ref. Read once per
 * client (`host.get_uuid`, `host.get_name_label`: no listing, so the cost never grows with the
 * pool), then answered from what the client keeps.
 */
export function hostOf(client: RecipeClient, ref: unknown): Promise<PoolHost | undefined> {
  if (!isRealRef(ref)) return Promise.resolve(undefined);
  const byRef = knownHosts(client);
  let host = byRef.get(ref);
  if (!host) {
    const read = withContext({ step: "read host", object: ref }, async () => ({ ref, uuid: String(await client.call("host.get_uuid", ref)), name: String(await client.call("host.get_name_label", ref)) }));
    byRef.set(ref, read);
    read.catch(() => byRef.get(ref) === read && byRef.delete(ref));
    host = read;
  }
  return host;
}
