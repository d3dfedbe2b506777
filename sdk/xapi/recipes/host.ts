/** Hosts of the pool: finding one by name or uuid, and naming one in messages. */
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

/** Every host of the pool (a pool has a handful: one `host.get_all_records`). */
export async function listHosts(client: RecipeClient): Promise<PoolHost[]> {
  const all = await withContext({ step: "list hosts: host.get_all_records" }, () => client.call("host.get_all_records"));
  return entriesOf(all).map(([ref, record]) => ({ ref, uuid: str(record, "uuid"), name: str(record, "name_label") }));
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

/** The uuid of the host `ref`, or undefined for a null ref. */
export async function hostUuidOf(client: RecipeClient, ref: unknown): Promise<string | undefined> {
  if (!isRealRef(ref)) return undefined;
  return String(await withContext({ step: "read host uuid", object: ref }, () => client.call("host.get_uuid", ref)));
}
