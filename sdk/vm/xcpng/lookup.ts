/** Finding pool objects by uuid or unique name_label, and VMs by uuid (gone → undefined). */
import type { XapiClient } from "../../xapi";
import { XapiRecipeError, isGone } from "../../xapi/recipes";
import { withContext } from "../../xapi/recipes/errors";
import { isUuid } from "../../xapi/recipes/refs";

export { isUuid } from "../../xapi/recipes/refs";

/**
 * The ref of the `cls` object whose uuid or name_label is `value`.
 * @throws XapiRecipeError when none or several match (listing them)
 */
export async function refByUuidOrName(client: XapiClient, cls: "network" | "SR", value: string): Promise<string> {
  if (isUuid(value)) {
    return (await withContext({ step: `look up ${cls} by uuid`, object: value, hint: `check the ${cls} uuid exists in this pool` }, () =>
      client.call(`${cls}.get_by_uuid`, value),
    )) as string;
  }
  const refs = (await withContext({ step: `look up ${cls} by name`, object: JSON.stringify(value) }, () => client.call(`${cls}.get_by_name_label`, value))) as string[];
  if (refs.length === 1) return refs[0]!;
  const hint = refs.length === 0 ? `no ${cls} is named so; give its uuid or exact name_label` : `give the uuid of one of them instead`;
  throw new XapiRecipeError({ step: `look up ${cls} by name`, object: JSON.stringify(value), hint }, refs.length === 0 ? "not found" : `${refs.length} ${cls}s carry this name`);
}

/** The VM ref for a uuid, or undefined when no such VM exists. */
export async function vmRefOf(client: XapiClient, vmUuid: string): Promise<string | undefined> {
  try {
    return (await client.call("VM.get_by_uuid", vmUuid)) as string;
  } catch (error) {
    if (isGone(error)) return undefined;
    throw new XapiRecipeError({ step: "look up VM by uuid", object: vmUuid }, "failed", error);
  }
}
