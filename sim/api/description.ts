/**
 * The generated description of the xapi API (xapi-api.json, made by scripts/generate-xapi-api.ts
 * from a named xen-api commit): the simulator's source of truth for which methods exist, their
 * parameters and which fields a record carries.
 */
import raw from "./xapi-api.json";
import type { FieldType } from "./field-type";

/** Lifecycle state of a class, field or message. */
export type Lifecycle = "published" | "prototyped" | "deprecated" | "removed";

/** One field as xapi's datamodel declares it. */
export interface ApiField {
  /** Datamodel spelling, e.g. `(string -> enum vm_operations) map`. */
  type: string;
  qualifier: "RW" | "RO/constructor" | "RO/runtime";
  lifecycle: Lifecycle;
  /** Datamodel rendering of the default, e.g. `{}`, `""`, `Null`, `false`. */
  default?: string;
}

/** One parameter after the session ref; `default` makes it optional (trailing). */
export interface ApiParam {
  name: string;
  type: string;
  default?: unknown;
}

/** One message: explicit (custom) or implicit (accessor, constructor, lookup). */
export interface ApiMessage {
  params: ApiParam[];
  result: string;
  /** Whether the first wire parameter is a session ref. */
  session: boolean;
  /** Whether `Async.<Class>.<name>` exists. */
  async: boolean;
  implicit: boolean;
  lifecycle: Lifecycle;
  errors: string[];
  /** Served by xapi but hidden from its docs (get_all_where, get_all_records_where). */
  hidden?: boolean;
}

/** One class of the description. */
export interface ApiClass {
  lifecycle: Lifecycle;
  fields: Record<string, ApiField>;
  messages: Record<string, ApiMessage>;
}

/** The whole description. */
export interface ApiDescription {
  source: { repository: string; commit: string; licence: string };
  classes: Record<string, ApiClass>;
  enums: Record<string, string[]>;
  /** Error code → parameter names; null when xapi raises it without declaring it in the datamodel. */
  errors: Record<string, string[] | null>;
}

/** The description, typed. */
export const API = raw as unknown as ApiDescription;

/** A message found by its wire name. */
export interface FoundMessage {
  cls: string;
  name: string;
  /** `<Class>.<name>` */
  wireName: string;
  def: ApiMessage;
}

const messagesByWireName = new Map<string, FoundMessage>(
  Object.entries(API.classes).flatMap(([cls, c]) =>
    Object.entries(c.messages).flatMap(([name, def]) => {
      const found = { cls, name, wireName: `${cls}.${name}`, def };
      // xapi also answers the alternative wire name `<Class>_<name>` (ocaml/idl/datamodel_utils.ml).
      return [[found.wireName, found] as const, [`${cls}_${name}`, found] as const];
    }),
  ),
);

/** The message a (sync) wire name calls, or undefined when xapi has none such for the modelled classes. */
export function messageByWireName(wireName: string): FoundMessage | undefined {
  return messagesByWireName.get(wireName);
}

/** Every sync wire name `system.listMethods` lists (xapi lists no `Async.` names). */
export function listedMethodNames(): string[] {
  return Object.entries(API.classes).flatMap(([cls, c]) => Object.keys(c.messages).map((name) => `${cls}.${name}`));
}

/**
 * The fields a record of the class carries, in datamodel order: all of them, removed ones too
 * (xapi's generated record types keep them; only their accessors answer MESSAGE_REMOVED).
 */
export function recordFields(cls: string): [string, ApiField][] {
  return Object.entries(API.classes[cls]?.fields ?? {});
}

/** Parses a datamodel type spelling (`VDI ref set`, `(string -> string) map`, `enum vbd_mode` …). */
export function parseType(spelling: string): FieldType {
  const s = spelling.trim();
  if (s.endsWith(" set")) return { kind: "set", of: parseType(s.slice(0, -4)) };
  if (s.endsWith(" map")) {
    const inner = s.slice(0, -4).trim().replace(/^\(|\)$/g, "");
    const arrow = topLevelArrow(inner);
    return { kind: "map", key: parseType(inner.slice(0, arrow)), value: parseType(inner.slice(arrow + 4)) };
  }
  if (s.endsWith(" option")) return parseType(s.slice(0, -7));
  if (s.endsWith(" ref")) return { kind: "ref", cls: s.slice(0, -4) };
  if (s.endsWith(" record")) return { kind: "record", cls: s.slice(0, -7) };
  if (s.startsWith("enum ")) {
    const name = s.slice(5);
    return { kind: "enum", name, values: API.enums[name] ?? [] };
  }
  if (s === "string" || s === "int" || s === "float" || s === "bool" || s === "datetime" || s === "void") return { kind: s };
  return { kind: "raw" };
}

function topLevelArrow(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "(") depth++;
    else if (text[i] === ")") depth--;
    else if (depth === 0 && text.startsWith(" -> ", i)) return i;
  }
  throw new Error(`not a map type: ${text}`);
}

/**
 * A field's default as a stored value: `""`-quoted strings, `{}` empty set or map, `Null` / an
 * `OpaqueRef:` null ref, numbers, booleans, enum names; undefined when the datamodel gives none.
 */
export function defaultOf(field: ApiField, type: FieldType): unknown {
  const d = field.default;
  if (d === undefined) return undefined;
  switch (type.kind) {
    case "string":
      return d.startsWith('"') ? JSON.parse(d) : d;
    case "int":
    case "float":
      return Number(d);
    case "bool":
      return d === "true";
    case "ref":
      return "OpaqueRef:NULL";
    case "set":
      return d === "{}" ? [] : d.replace(/^\{|\}$/g, "").split(",").map((v) => (type.of.kind === "int" ? Number(v.trim()) : v.trim()));
    case "map":
      return Object.fromEntries([...d.matchAll(/"([^"]*)" -> "([^"]*)"/g)].map((m) => [m[1], m[2]]));
    default:
      return d;
  }
}
