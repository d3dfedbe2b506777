/**
 * What an object's own marker says about it when something is imported by id alone (no state
 * names its owner): the claim of the resource that made it — or nothing, when the object is not
 * ours, is a copy of one of ours (clone, copy, snapshot), or carries a 0.1.0 marker (which copies
 * share indistinguishably). Nothing is ours unless its marker proves it.
 */
import { claimProblem, instanceMarkerKey, ownerMarkerKey, type Claim, type OwnedClass } from "./ownership";
import { map, type XapiRecord } from "./records";

/** The claim the record's own, genuine marker makes, or undefined (not ours, a copy, or 0.1.0). */
export function ownClaimOf(cls: Exclude<OwnedClass, "VIF">, record: XapiRecord): Claim | undefined {
  const marker = map(record, "other_config");
  const owner = marker[ownerMarkerKey];
  const instance = marker[instanceMarkerKey];
  if (owner === undefined || instance === undefined) return undefined;
  const claim = { owner, instance };
  return claimProblem(cls, record, claim) === undefined ? claim : undefined;
}
