/**
 * The ownership marker (docs/resources.md "Ownership"). Every object a resource creates carries,
 * in `other_config`:
 * - `bioxen:owner`    the owner identity (`<project>/<stack>/<type>/<name>`): which resource name
 * - `bioxen:instance` a random nonce of one resource instance (recorded in its state): which
 *                     create of that name — a replacement has another one
 * - `bioxen:state`    "creating" until the create returned (the engine knows the id), then "complete"
 * - `bioxen:self`     the uuid of the object the marker was written on (for a VIF: `bioxen:vm`, the
 *                     uuid of its VM). XAPI copies `other_config` on VM.clone, VM.copy and
 *                     VM.snapshot, so a copy carries another object's uuid and is recognisably not ours.
 * Objects marked by version 0.1.0 carry `bioxen:owner` only ("legacy"): they are honoured for the
 * one object a resource's state names by uuid, never found by a search.
 */
import { hasControlCharacter } from "../../base/printable";
import type { RecipeClient } from "./client";
import { XapiRecipeError, withContext } from "./errors";
import { bool, entriesOf, map, str, type XapiRecord } from "./records";
import { recordsWhere } from "./where";

/** The `other_config` key holding the owner identity. */
export const ownerMarkerKey = "bioxen:owner";
/** The `other_config` key holding the resource instance nonce. */
export const instanceMarkerKey = "bioxen:instance";
/** The `other_config` key holding the create state ("creating" | "complete"). */
export const stateMarkerKey = "bioxen:state";
/** The `other_config` key holding the uuid of the object the marker was written on. */
export const selfMarkerKey = "bioxen:self";
/** The `other_config` key of a VIF's marker holding the uuid of the VM it was created on. */
export const vifVmMarkerKey = "bioxen:vm";
/** Every key of ours starts so: all of them are dropped from an object we clone. */
export const markerPrefix = "bioxen:";

/** The tag added to objects that have tags (VMs, networks). */
export const ownerTag = "bioxen-luavm";

/** XAPI classes that carry the marker. */
export type OwnedClass = "VM" | "VIF" | "network" | "VDI";

/** Marker states: unfinished (a crashed create's retry may continue it) or finished. */
export type MarkerState = "creating" | "complete";

/** Whose an object is: an owner identity and, except for 0.1.0 ("legacy") state, the instance nonce. */
export interface Claim {
  owner: string;
  /** absent for a resource created by 0.1.0: the object's marker must then carry the owner only */
  instance?: string;
}

/** An object found by its marker. */
export interface OwnedObject {
  ref: string;
  uuid: string;
  record: XapiRecord;
}

/** Validates an owner identity: non-empty, printable, at most 255 characters. */
export function checkOwner(owner: string): void {
  if (typeof owner !== "string" || owner.length === 0 || owner.length > 255 || hasControlCharacter(owner)) {
    throw new XapiRecipeError(
      { step: "check owner", hint: "pass a stable, printable identity such as <stack>/<resource name>" },
      `invalid owner identity ${JSON.stringify(owner)}`,
    );
  }
}

/** A claim from an owner string (legacy) or a claim object. */
export function claimOf(who: string | Claim): Claim {
  return typeof who === "string" ? { owner: who } : who;
}

/**
 * The marker keys for an object of `claim` (without `bioxen:self`, which needs the uuid).
 * A legacy claim (no instance) gets the owner key only.
 */
export function ownedOtherConfig(who: string | Claim, extra: Record<string, string> = {}, state: MarkerState = "creating"): Record<string, string> {
  const claim = claimOf(who);
  checkOwner(claim.owner);
  const marker: Record<string, string> = { [ownerMarkerKey]: claim.owner };
  if (claim.instance !== undefined) Object.assign(marker, { [instanceMarkerKey]: claim.instance, [stateMarkerKey]: state });
  return { ...withoutMarkers(extra), ...marker };
}

/** `otherConfig` without any `bioxen:` key. */
export function withoutMarkers(otherConfig: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(otherConfig).filter(([key]) => !key.startsWith(markerPrefix)));
}

/**
 * Replaces every `bioxen:` key of the object (inherited from whatever it was copied from) by the
 * marker of `claim`, with `bioxen:self` = its uuid, in one `set_other_config`.
 */
export async function writeMarker(client: RecipeClient, cls: "VM" | "network" | "VDI", ref: string, claim: Claim, state: MarkerState): Promise<void> {
  await withContext({ step: `mark ${cls} as ours`, object: ref }, async () => {
    const uuid = String(await client.call(`${cls}.get_uuid`, ref));
    const current = (await client.call(`${cls}.get_other_config`, ref)) as Record<string, string>;
    await client.call(`${cls}.set_other_config`, ref, { ...ownedOtherConfig(claim, current, state), [selfMarkerKey]: uuid });
  });
}

/** Sets `bioxen:state` of an object we own. */
export async function setMarkerState(client: RecipeClient, cls: OwnedClass, ref: string, state: MarkerState): Promise<void> {
  await withContext({ step: `mark ${cls} ${state}`, object: ref }, async () => {
    await client.call(`${cls}.remove_from_other_config`, ref, stateMarkerKey);
    await client.call(`${cls}.add_to_other_config`, ref, stateMarkerKey, state);
  });
}

/**
 * Why the object with `record` is not the object of `claim`, or undefined when it is. A VIF's
 * `bioxen:vm` is checked against `vmUuid` (its VM's uuid) when given.
 */
export function claimProblem(cls: OwnedClass, record: XapiRecord, who: string | Claim, vmUuid?: string): string | undefined {
  const claim = claimOf(who);
  const marker = map(record, "other_config");
  const owner = marker[ownerMarkerKey];
  if (owner === undefined) return `no ${ownerMarkerKey} marker`;
  if (owner !== claim.owner) return `owned by ${JSON.stringify(owner)}, not ${JSON.stringify(claim.owner)}`;
  if (cls === "VM" && bool(record, "is_a_snapshot")) return "it is a snapshot of a VM of ours (its marker is a copy)";
  const self = cls === "VIF" ? marker[vifVmMarkerKey] : marker[selfMarkerKey];
  const actual = cls === "VIF" ? vmUuid : str(record, "uuid");
  if (self !== undefined && actual !== undefined && self !== actual) return `its marker is a copy of the one on ${self} (made by a clone, copy or snapshot)`;
  const instance = marker[instanceMarkerKey];
  // An owner without instance (state written by 0.1.0, or an sdk caller naming one object by
  // ref) accepts any instance: the object itself was named, only copies are refused.
  if (claim.instance === undefined) return undefined;
  if (instance !== claim.instance) return instance === undefined ? "it carries a 0.1.0 marker without the instance recorded in the state" : `it belongs to another instance of this resource (${instance}, not ${claim.instance})`;
  // Networks are never copied by XAPI: theirs is set after network.create and not required.
  if (self === undefined && cls !== "network") return `no ${cls === "VIF" ? vifVmMarkerKey : selfMarkerKey} marker`;
  return undefined;
}

/**
 * The objects of `cls` (not VIFs) carrying this owner's marker on themselves — of exactly this
 * instance when the claim names one, of any instance otherwise — never a copy, never a snapshot,
 * never a 0.1.0 marker (no instance): e.g. VDIs a delete marked before destroying their VM.
 * With `nameLabel`, only objects of that name are read (one `get_all_records_where`); without,
 * the whole class is listed: not for a per-resource path on a large pool.
 */
export async function findOwned(client: RecipeClient, cls: Exclude<OwnedClass, "VIF">, who: string | Claim, nameLabel?: string): Promise<OwnedObject[]> {
  const claim = claimOf(who);
  checkOwner(claim.owner);
  const step = `list ${cls} objects to find owner ${claim.owner}`;
  const candidates = nameLabel === undefined ? entriesOf(await withContext({ step }, () => client.call(`${cls}.get_all_records`))) : await recordsWhere(client, cls, { name_label: nameLabel }, step);
  return candidates
    .filter(([, record]) => map(record, "other_config")[instanceMarkerKey] !== undefined && claimProblem(cls, record, claim) === undefined)
    .map(([ref, record]) => ({ ref, uuid: str(record, "uuid"), record }));
}

/**
 * The objects a create of `owner` left unfinished (`bioxen:state` "creating", marker written on
 * the object itself, not a snapshot, not a control domain): what a retry continues. Finished
 * objects (a live resource's, e.g. the predecessor of a replacement) never match. Only objects
 * named `nameLabel` (the name the create gives them) are read, so the cost does not grow with
 * the pool; one renamed since (by hand, or a retry under another name) is not found.
 */
export async function findUnfinished(client: RecipeClient, cls: "VM" | "network", owner: string, nameLabel: string): Promise<OwnedObject[]> {
  checkOwner(owner);
  const all = await recordsWhere(client, cls, { name_label: nameLabel }, `list ${cls} objects named ${JSON.stringify(nameLabel)} to find an unfinished create of ${owner}`);
  return all
    .filter(([, record]) => {
      const marker = map(record, "other_config");
      return (
        marker[ownerMarkerKey] === owner &&
        marker[stateMarkerKey] === "creating" &&
        marker[instanceMarkerKey] !== undefined &&
        (marker[selfMarkerKey] === str(record, "uuid") || (cls === "network" && marker[selfMarkerKey] === undefined)) &&
        !bool(record, "is_a_snapshot") &&
        !bool(record, "is_control_domain")
      );
    })
    .map(([ref, record]) => ({ ref, uuid: str(record, "uuid"), record }));
}

/** Options for {@link assertOwned}. */
export interface AssertOwnedOptions {
  /** The user adopted this object explicitly: skip the check. */
  adopted?: boolean;
}

/**
 * Refuses (throws) unless the object carries the marker of `who` (see {@link claimProblem}).
 * Returns its record. Used before every change; `adopted` skips the check for objects the user
 * handed over.
 */
export async function assertOwned(client: RecipeClient, cls: OwnedClass, ref: string, who: string | Claim, options: AssertOwnedOptions = {}): Promise<XapiRecord> {
  checkOwner(claimOf(who).owner);
  const record = (await withContext({ step: `read ${cls}`, object: ref }, () => client.call(`${cls}.get_record`, ref))) as XapiRecord;
  if (options.adopted) return record;
  const vmUuid = cls === "VIF" ? String(await withContext({ step: "read the VIF's VM", object: ref }, () => client.call("VM.get_uuid", str(record, "VM")))) : undefined;
  const problem = claimProblem(cls, record, who, vmUuid);
  if (problem !== undefined) {
    const label = str(record, "name_label");
    throw new XapiRecipeError(
      {
        step: `check ownership of ${cls}`,
        object: `${str(record, "uuid")}${label ? ` "${label}"` : ""}`,
        hint: "refusing to modify an object this resource did not create (or a copy of one); adopt it explicitly to manage it",
      },
      problem,
    );
  }
  return record;
}
