/**
 * The ownership marker: every object this project creates carries
 * `other_config["bioxen:owner"] = <owner>` (set at creation where XAPI allows) and a tag, so a
 * retried create finds its earlier object and a delete never touches someone else's.
 */
import type { RecipeClient } from "./client";
import { XapiRecipeError, withContext } from "./errors";
import { entriesOf, map, str, type XapiRecord } from "./records";

/** The `other_config` key holding the owner identity. */
export const ownerMarkerKey = "bioxen:owner";

/** The tag added to objects that have tags (VMs, networks). */
export const ownerTag = "bioxen-luavm";

/** XAPI classes that carry the marker. */
export type OwnedClass = "VM" | "VIF" | "network" | "VDI";

/** An object found by its marker. */
export interface OwnedObject {
  ref: string;
  uuid: string;
  record: XapiRecord;
}

/** Validates an owner identity: non-empty, printable, at most 255 characters. */
export function checkOwner(owner: string): void {
  if (typeof owner !== "string" || owner.length === 0 || owner.length > 255 || /[\u0000-\u001f]/.test(owner)) {
    throw new XapiRecipeError(
      { step: "check owner", hint: "pass a stable, printable identity such as <stack>/<resource name>" },
      `invalid owner identity ${JSON.stringify(owner)}`,
    );
  }
}

/** The `other_config` to create an object with: the marker plus `extra`. */
export function ownedOtherConfig(owner: string, extra: Record<string, string> = {}): Record<string, string> {
  checkOwner(owner);
  return { ...extra, [ownerMarkerKey]: owner };
}

/**
 * Every object of `cls` whose marker equals `owner` — for idempotent retried creates
 * (templates included: a clone stays a template until it is provisioned).
 */
export async function findOwned(client: RecipeClient, cls: OwnedClass, owner: string): Promise<OwnedObject[]> {
  checkOwner(owner);
  const all = await withContext({ step: `list ${cls} objects to find owner ${owner}` }, () =>
    client.call(`${cls}.get_all_records`),
  );
  return entriesOf(all)
    .filter(([, record]) => map(record, "other_config")[ownerMarkerKey] === owner)
    .map(([ref, record]) => ({ ref, uuid: str(record, "uuid"), record }));
}

/** Options for {@link assertOwned}. */
export interface AssertOwnedOptions {
  /** The user adopted this object explicitly: skip the check. */
  adopted?: boolean;
}

/**
 * Refuses (throws) unless the object carries the marker for `owner`. Returns its record.
 * Used before destructive operations; `adopted` skips the check for objects the user handed over.
 */
export async function assertOwned(
  client: RecipeClient,
  cls: OwnedClass,
  ref: string,
  owner: string,
  options: AssertOwnedOptions = {},
): Promise<XapiRecord> {
  checkOwner(owner);
  const record = (await withContext({ step: `read ${cls}`, object: ref }, () =>
    client.call(`${cls}.get_record`, ref),
  )) as XapiRecord;
  if (options.adopted) return record;
  const marker = map(record, "other_config")[ownerMarkerKey];
  if (marker !== owner) {
    const label = str(record, "name_label");
    throw new XapiRecipeError(
      {
        step: `check ownership of ${cls}`,
        object: `${str(record, "uuid")}${label ? ` "${label}"` : ""}`,
        hint: "refusing to modify an object this resource did not create; adopt it explicitly to manage it",
      },
      marker === undefined ? `no ${ownerMarkerKey} marker` : `owned by ${JSON.stringify(marker)}, not ${JSON.stringify(owner)}`,
    );
  }
  return record;
}
