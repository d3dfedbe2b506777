/** Helpers for the two-sided references of the datamodel (VM.VBDs ↔ VBD.VM and so on). */
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
