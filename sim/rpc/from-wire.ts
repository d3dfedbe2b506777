/** Checks and normalises incoming parameters by their datamodel type, as xapi's unmarshaller does. */
import { classNamed, fieldOf, type FieldType } from "../schema";
import { XapiFailure } from "../model/failure";
import type { XRecord } from "../model/record";

/**
 * Converts one incoming value to the stored representation.
 * int64 accepts an int or a decimal string; booleans accept only true/"1"/"true" as true; enums
 * are matched case-insensitively and stored in datamodel spelling.
 * @param what names the parameter or field, for `FIELD_TYPE_ERROR [what]`
 */
export function fromWire(type: FieldType, value: unknown, what: string): unknown {
  const wrong = () => new XapiFailure("FIELD_TYPE_ERROR", [what]);
  switch (type.kind) {
    case "string":
    case "ref":
    case "datetime":
      if (typeof value === "string") return value;
      if (typeof value === "number" && type.kind === "string") return String(value);
      throw wrong();
    case "int":
      if (typeof value === "number" && Number.isInteger(value)) return value;
      if (typeof value === "string" && /^-?\d+$/.test(value.trim())) return Number(value.trim());
      throw wrong();
    case "float":
      if (typeof value === "number") return value;
      if (typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value))) return Number(value);
      throw wrong();
    case "bool":
      return booleanFrom(value, wrong);
    case "enum":
      return enumFrom(type.values, value, what);
    case "set":
      if (!Array.isArray(value)) throw wrong();
      return value.map((v, i) => fromWire(type.of, v, `${what}[${i}]`));
    case "map":
      if (!isStruct(value)) throw wrong();
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromWire(type.value, v, `${what}.${k}`)]));
    case "record":
      if (!isStruct(value)) throw wrong();
      return recordFromWire(type.cls, value);
    default:
      return value;
  }
}

function booleanFrom(value: unknown, wrong: () => XapiFailure): boolean {
  if (typeof value === "boolean") return value;
  if (value === 1 || value === "1" || value === "true") return true;
  if (value === 0 || value === "0" || value === "false") return false;
  throw wrong();
}

function enumFrom(values: readonly string[], value: unknown, what: string): string {
  const match = typeof value === "string" ? values.find((v) => v.toLowerCase() === value.toLowerCase()) : undefined;
  if (match === undefined) throw new XapiFailure("INVALID_VALUE", [what, String(value)]);
  return match;
}

function isStruct(value: unknown): value is XRecord {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/** Converts the fields of a constructor record that the class knows; others are ignored, as xapi does. */
function recordFromWire(className: string, value: XRecord): XRecord {
  const cls = classNamed(className)!;
  const out: XRecord = {};
  for (const [name, v] of Object.entries(value)) {
    const field = fieldOf(cls, name);
    if (field) out[name] = fromWire(field.type, v, name);
  }
  return out;
}

/**
 * Checks a `<Class>.create` record: every required field present (`INTERNAL_ERROR` naming the
 * missing field otherwise, as xapi's record unmarshaller does).
 */
export function requireCreateFields(className: string, record: XRecord): void {
  const cls = classNamed(className)!;
  for (const name of cls.createRequired ?? []) {
    if (record[name] === undefined) {
      throw new XapiFailure("INTERNAL_ERROR", [`${className}.create: field ${name} is missing from the record`]);
    }
  }
}

/** Only the fields a `<Class>.create` record may set (required + optional). */
export function createFields(className: string, record: XRecord): XRecord {
  const cls = classNamed(className)!;
  const allowed = new Set([...(cls.createRequired ?? []), ...(cls.createOptional ?? [])]);
  return Object.fromEntries(Object.entries(record).filter(([name]) => allowed.has(name)));
}
