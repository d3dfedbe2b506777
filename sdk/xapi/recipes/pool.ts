/** Facts about the pool a client is logged in to. */
import type { RecipeClient, XapiCallOptions } from "./client";

/**
 * The uuid (lower case) of the pool `client` is logged in to: `pool.get_all` → `pool.get_uuid`.
 * @throws the XAPI error, or an Error when XAPI lists no pool
 */
export async function readPoolUuid(client: RecipeClient, options: XapiCallOptions = {}): Promise<string> {
  const pools = (await client.callWith(options, "pool.get_all")) as string[];
  if (!Array.isArray(pools) || pools.length === 0) throw new Error("pool.get_all returned no pool");
  return String(await client.callWith(options, "pool.get_uuid", pools[0]!)).toLowerCase();
}
