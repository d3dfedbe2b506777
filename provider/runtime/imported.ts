/**
 * What `pulumi import` leaves in a resource's state, shared by the resources that can be imported
 * by id alone. The engine's import calls read with an id and nothing else; the state it records
 * then holds what XAPI can tell — not the inputs that only say how to create the object or how to
 * reach it (template, SSH login, timeouts…). Such an input, absent from an imported state, is
 * taken from the program without counting as a change, so the program that declares the imported
 * object previews no change (the engine refuses an import whose diff has changes).
 */
import { OWNER_INPUT } from "./owner";

/** Hidden output: true in the state of an object that was imported (kept through later updates). */
export const IMPORTED_OUTPUT = "__imported";

/** True when read is given no state but the id: the engine's import (or a refresh of a foreign import). */
export function isImportRead(props: Record<string, unknown>): boolean {
  return props[OWNER_INPUT] === undefined;
}

/** True when the old outputs are an imported object's. */
export function wasImported(olds: Record<string, unknown>): boolean {
  return olds[IMPORTED_OUTPUT] === true;
}

/** `keys` without those an import could not know (`unknowable`) and the imported state lacks. */
export function withoutImportGaps(olds: Record<string, unknown>, keys: readonly string[], unknowable: readonly string[]): string[] {
  if (!wasImported(olds)) return [...keys];
  return keys.filter((key) => !(unknowable.includes(key) && olds[key] === undefined));
}

/** The import mark of the old outputs, for the new outputs of an update (an update keeps it). */
export function importMarkOf(olds: Record<string, unknown>): Record<string, true> {
  return wasImported(olds) ? { [IMPORTED_OUTPUT]: true } : {};
}
