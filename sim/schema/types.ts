/** The xapi datamodel's type system, as far as the simulator needs it to check and emit values. */

import type { FieldType } from "../api/field-type";

export type { FieldType };

/** Constructors for datamodel types, named like the datamodel's. */
export const T = {
  string: { kind: "string" } as FieldType,
  int: { kind: "int" } as FieldType,
  float: { kind: "float" } as FieldType,
  bool: { kind: "bool" } as FieldType,
  datetime: { kind: "datetime" } as FieldType,
  void: { kind: "void" } as FieldType,
  raw: { kind: "raw" } as FieldType,
  enumOf: (name: string, values: readonly string[]): FieldType => ({ kind: "enum", name, values }),
  ref: (cls: string): FieldType => ({ kind: "ref", cls }),
  set: (of: FieldType): FieldType => ({ kind: "set", of }),
  map: (key: FieldType, value: FieldType): FieldType => ({ kind: "map", key, value }),
  record: (cls: string): FieldType => ({ kind: "record", cls }),
  stringMap: { kind: "map", key: { kind: "string" }, value: { kind: "string" } } as FieldType,
  stringSet: { kind: "set", of: { kind: "string" } } as FieldType,
};

/** One field of a class: its type, whether clients may set it, and its value on creation. */
export interface FieldDef {
  name: string;
  type: FieldType;
  /** RW fields get `set_<field>` (and map/set helpers). */
  rw: boolean;
  /** Value when a constructor record leaves it out; undefined = the type's zero value. */
  initial?: unknown;
}

/** One datamodel class. */
export interface ClassDef {
  /** Spelling as in the API, e.g. "VM", "VM_guest_metrics", "host". */
  name: string;
  fields: FieldDef[];
  /** Fields a `<Class>.create` record must hold (INTERNAL_ERROR otherwise); absent = no generic create. */
  createRequired?: string[];
  /** Further fields a `<Class>.create` record may hold. */
  createOptional?: string[];
}

/** The value a field of this type holds when nothing else was said. */
export function zeroValue(type: FieldType): unknown {
  switch (type.kind) {
    case "string":
      return "";
    case "int":
    case "float":
      return 0;
    case "bool":
      return false;
    case "datetime":
      return "19700101T00:00:00Z";
    case "enum":
      return type.values[0];
    case "ref":
      return "OpaqueRef:NULL";
    case "set":
      return [];
    case "map":
    case "record":
      return {};
    default:
      return "";
  }
}

/** The null reference, as xapi spells it. */
export const NULL_REF = "OpaqueRef:NULL";
