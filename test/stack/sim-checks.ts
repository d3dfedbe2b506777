/**
 * What the stack test reads from the simulator: a snapshot of every object a provider could
 * change (to prove a no-op `up` changed nothing) and the objects carrying our ownership marker.
 */
import { ownerMarkerKey, ownerTag } from "../../sdk/xapi/recipes";
import type { Simulator } from "../../sim";

/** Classes a provider of ours creates, changes or destroys (sessions are checked apart). */
export const WATCHED_CLASSES = ["VM", "VM_metrics", "VM_guest_metrics", "VDI", "VBD", "VIF", "network", "VLAN", "PIF", "SR", "task"] as const;

/** Every record of the watched classes, by class and ref: equal snapshots = nothing changed. */
export function snapshotObjects(sim: Simulator): Record<string, Record<string, unknown>> {
  return Object.fromEntries(WATCHED_CLASSES.map((cls) => [cls, Object.fromEntries(sim.objects(cls).map((o) => [o.ref, o.record]))]));
}

/** How many objects each watched class holds. */
export function countObjects(sim: Simulator): Record<string, number> {
  return Object.fromEntries(WATCHED_CLASSES.map((cls) => [cls, sim.objects(cls).length]));
}

/** "<class> <name or ref> (<owner>)" for each VM, VDI, VIF and network carrying our marker or tag. */
export function ownedObjects(sim: Simulator): string[] {
  return (["VM", "VDI", "VIF", "network"] as const).flatMap((cls) =>
    sim
      .objects(cls)
      .filter((o) => ownerMarkerKey in (o.record.other_config ?? {}) || (o.record.tags ?? []).includes(ownerTag))
      .map((o) => `${cls} ${o.record.name_label ?? o.ref} (${o.record.other_config?.[ownerMarkerKey] ?? "tag"})`),
  );
}
