/** Types outgoing values by their datamodel type, so the codecs emit exactly what xapi emits. */
import { XmlRpcDateTime, XmlRpcDouble, serializeValue, type WireValue } from "../../sdk/xapi/wire";
import { classNamed, type FieldType } from "../schema";
import type { XRecord } from "../model/record";

/**
 * Converts a stored value to a wire value: int64 as plain numbers (emitted untyped), floats as
 * `<double>`, datetimes as `<dateTime.iso8601>`, map keys as strings.
 */
export function toWire(type: FieldType, value: unknown): WireValue {
  switch (type.kind) {
    case "float":
      return new XmlRpcDouble(Number(value));
    case "datetime":
      return new XmlRpcDateTime(String(value));
    case "int":
      return Number(value);
    case "set":
      return (value as unknown[]).map((v) => toWire(type.of, v));
    case "map":
      return Object.fromEntries(Object.entries(value as XRecord).map(([k, v]) => [k, toWire(type.value, v)]));
    case "record":
      return recordToWire(type.cls, value as XRecord);
    case "void":
      return "";
    case "raw":
      return value as WireValue;
    default:
      return value as WireValue;
  }
}

/** A full record of a class, every field typed by the schema. */
export function recordToWire(className: string, record: XRecord): { [field: string]: WireValue } {
  const cls = classNamed(className)!;
  return Object.fromEntries(cls.fields.map((f) => [f.name, toWire(f.type, record[f.name])]));
}

/**
 * One XML-RPC `<value>` element as text, which is how task.result carries a result (xapi puts
 * the XML-RPC rendering there even for JSON-RPC clients).
 */
export function xmlValueText(value: WireValue): string {
  return serializeValue(value, "xapi");
}
