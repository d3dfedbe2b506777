/** The xapi datamodel's value types (the API description and the schema both speak them). */

/** A datamodel type: decides how a value is checked on the way in and typed on the way out. */
export type FieldType =
  | { kind: "string" }
  | { kind: "int" }
  | { kind: "float" }
  | { kind: "bool" }
  | { kind: "datetime" }
  | { kind: "enum"; name: string; values: readonly string[] }
  | { kind: "ref"; cls: string }
  | { kind: "set"; of: FieldType }
  | { kind: "map"; key: FieldType; value: FieldType }
  | { kind: "record"; cls: string }
  | { kind: "void" }
  /** Already wire-typed by the method itself (event.from, system.listMethods). */
  | { kind: "raw" };
