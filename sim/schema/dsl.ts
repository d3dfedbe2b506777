/** A compact notation for writing datamodel classes. */
import type { FieldDef, FieldType } from "./types";

/** A field spec: type, writability and optional initial value. */
export type FieldSpec = { type: FieldType; rw: boolean; initial?: unknown };

/** A read-only field (xapi's `StaticRO` / `DynamicRO`). */
export function ro(type: FieldType, initial?: unknown): FieldSpec {
  return { type, rw: false, initial };
}

/** A read-write field: gets `set_<name>` and, for maps and sets, `add_to_` / `remove_from_`. */
export function rw(type: FieldType, initial?: unknown): FieldSpec {
  return { type, rw: true, initial };
}

/** Turns `{name: spec}` into field definitions, in declaration order. */
export function fields(specs: Record<string, FieldSpec>): FieldDef[] {
  return Object.entries(specs).map(([name, spec]) => ({ name, ...spec }));
}
