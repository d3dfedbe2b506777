/**
 * Finding records by field values without listing a whole class (whose size grows with the
 * pool): `get_all_records_where` in xapi's filter language. Its only comparison is equality on a
 * field's database text (`field "name_label" = "x" and field "is_a_template" = "true"`), and its
 * string literals have no escape: a value holding `"` cannot be written. A name_label with one is
 * looked up through `get_by_name_label` (exact match of any text), the other fields compared here.
 */
import type { RecipeClient } from "./client";
import { XapiRecipeError, isGone, withContext } from "./errors";
import { entriesOf, type XapiRecord } from "./records";

/** Field name → wanted value (booleans and numbers compare as xapi's database text). */
export type FieldMatch = Record<string, string | boolean | number>;

/** The [ref, record] pairs of `cls` whose fields equal `match` (at least one field). */
export async function recordsWhere(client: RecipeClient, cls: string, match: FieldMatch, step: string): Promise<Array<[string, XapiRecord]>> {
  const wanted = Object.entries(match).map(([field, value]) => [field, String(value)] as const);
  if (wanted.every(([, value]) => !value.includes('"'))) {
    const expr = wanted.map(([field, value]) => `field "${field}" = "${value}"`).join(" and ");
    return entriesOf(await withContext({ step, object: expr }, () => client.call(`${cls}.get_all_records_where`, expr)));
  }
  const label = match.name_label;
  if (typeof label !== "string" || wanted.some(([field, value]) => field !== "name_label" && value.includes('"'))) {
    throw new XapiRecipeError({ step, hint: "xapi's filter language cannot express a '\"' in a value" }, `cannot look up ${cls} by ${JSON.stringify(match)}`);
  }
  const refs = (await withContext({ step, object: JSON.stringify(label) }, () => client.call(`${cls}.get_by_name_label`, label))) as string[];
  const found = await Promise.all(refs.map((ref) => recordOrGone(client, cls, ref, step)));
  return found.filter((entry): entry is [string, XapiRecord] => entry !== undefined && wanted.every(([field, value]) => String(entry[1][field]) === value));
}

async function recordOrGone(client: RecipeClient, cls: string, ref: string, step: string): Promise<[string, XapiRecord] | undefined> {
  try {
    return [ref, (await client.call(`${cls}.get_record`, ref)) as XapiRecord];
  } catch (error) {
    if (isGone(error)) return undefined;
    throw new XapiRecipeError({ step, object: ref }, "failed", error);
  }
}
