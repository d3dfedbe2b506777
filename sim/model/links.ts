/** Helpers for the two-sided references of the datamodel (VM.VBDs ↔ VBD.VM and so on). */
import type { XRecord } from "./record";
import type { Store } from "./store";

/** Adds `value` to the set field `field` of an object (once). */
export function addToSet(store: Store, className: string, ref: string, field: string, value: string): void {
  if (!store.has(className, ref)) return;
  const current: string[] = store.get(className, ref)[field];
  if (!current.includes(value)) store.update(className, ref, { [field]: [...current, value] });
}

/** Removes `value` from the set field `field` of an object, if the object still exists. */
export function removeFromSet(store: Store, className: string, ref: string, field: string, value: string): void {
  if (!store.has(className, ref)) return;
  const current: string[] = store.get(className, ref)[field];
  if (current.includes(value)) store.update(className, ref, { [field]: current.filter((v) => v !== value) });
}

/** A class whose objects name their parents in fields called like the parent classes (VBD.VM, VBD.VDI). */
export interface ChildLinks {
  className: string;
  /** Parent classes; each object lists its children in its `set` field. */
  parents: readonly string[];
  /** The set field of the parents that lists the children (e.g. "VBDs"). */
  set: string;
}

/** Creates a child object and adds it to the `set` field of each parent it names. */
export function createChild(store: Store, links: ChildLinks, fields: XRecord): string {
  const ref = store.create(links.className, fields);
  for (const parent of links.parents) addToSet(store, parent, fields[parent], links.set, ref);
  return ref;
}

/** Destroys a child object and removes it from its parents' `set` field. */
export function destroyChild(store: Store, links: ChildLinks, ref: string): void {
  const rec = store.get(links.className, ref);
  store.destroy(links.className, ref);
  for (const parent of links.parents) removeFromSet(store, parent, rec[parent], links.set, ref);
}
