/**
 * Hosts of the pool: finding one by name or uuid, and naming the host a ref points to. A host's
 * ref and uuid never change while the pool runs, so the hosts a client listed are kept for that
 * client (its session): observing many VMs lists them once, not once per VM.
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

/** The hosts each client listed last, by ref (a pending listing is shared by concurrent callers). */
const listed = new WeakMap<RecipeClient, Promise<Map<string, PoolHost>>>();

/** Every host of the pool (a pool has a handful: one `host.get_all_records`); kept as the client's latest listing. */
export async function listHosts(client: RecipeClient): Promise<PoolHost[]> {
  return [...(await relist(client)).values()];
}

function relist(client: RecipeClient): Promise<Map<string, PoolHost>> {
  const listing = withContext({ step: "list hosts: host.get_all_records" }, () => client.call("host.get_all_records")).then(
    (all) => new Map(entriesOf(all).map(([ref, record]): [string, PoolHost] => [ref, { ref, uuid: str(record, "uuid"), name: str(record, "name_label") }])),
  );
  listed.set(client, listing);
  listing.catch(() => listed.get(client) === listing && listed.delete(client));
  return listing;
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
 * The host `ref` points to (uuid and name_label), or undefined for a null ref. Answered from the
 * client's latest listing; only a ref it does not hold (a host added since) lists the hosts again.
 * @throws XapiRecipeError when no host of the pool has that ref
 */
export async function hostOf(client: RecipeClient, ref: unknown): Promise<PoolHost | undefined> {
  if (!isRealRef(ref)) return undefined;
  const host = (await (listed.get(client) ?? relist(client))).get(ref) ?? (await relist(client)).get(ref);
  if (!host) throw new XapiRecipeError({ step: "read host", object: ref, hint: "the host left the pool; refresh again" }, "no host of the pool has this ref");
  return host;
}
