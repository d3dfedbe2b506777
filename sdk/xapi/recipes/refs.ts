/** Accepting an object as a ref or a uuid. */
import type { RecipeClient } from "./client";
import { withContext } from "./errors";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` looks like a uuid. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** True for `OpaqueRef:…` strings. */
export function isOpaqueRef(value: string): boolean {
  return value.startsWith("OpaqueRef:");
}

/** Returns `refOrUuid` if it is a ref, else looks the uuid up with `<cls>.get_by_uuid`. */
export async function resolveRef(client: RecipeClient, cls: string, refOrUuid: string): Promise<string> {
  if (isOpaqueRef(refOrUuid)) return refOrUuid;
  return (await withContext(
    { step: `look up ${cls} by uuid`, object: refOrUuid, hint: `check that the ${cls} uuid exists in this pool` },
    () => client.call(`${cls}.get_by_uuid`, refOrUuid),
  )) as string;
}
