/** Gives both transports' results the same JS values by converting numbers by their declared type. */
import { numericFieldsOf, type NumericFieldKind } from "./field-types";

/**
 * Converts a method's result: records from `get_record`, `get_all_records`,
 * `get_all_records_where`, single fields from `get_<field>`, and snapshots in `event.from`.
 * Anything else is returned as sent.
 * @param method e.g. `VM.get_record`
 * @param result the decoded result
 */
export function normalizeResult(method: string, result: unknown): unknown {
  const dot = method.lastIndexOf(".");
  const className = method.slice(0, dot).replace(/^Async\./, "");
  const call = method.slice(dot + 1);
  if (method === "event.from") return normalizeEventBatch(result);
  if (call === "get_record") return normalizeRecord(className, result);
  if (call === "get_all_records" || call === "get_all_records_where") return mapValues(result, (r) => normalizeRecord(className, r));
  if (call.startsWith("get_")) {
    const kind = numericFieldsOf(className)[call.slice(4)];
    return kind ? convert(kind, result) : result;
  }
  return result;
}

/**
 * Converts the numeric fields of one record of `className`; other fields pass through. The record
 * is copied only when a field changes (XML-RPC's int64 text): JSON-RPC already sends numbers, and
 * copying every record of a bulk read doubled its garbage.
 * @param className e.g. `VM`, `vm`
 * @param record the record as decoded
 */
export function normalizeRecord(className: string, record: unknown): unknown {
  if (!isObject(record)) return record;
  const fields = numericFieldsOf(className);
  let out: Record<string, unknown> | undefined;
  for (const field in fields) {
    if (!(field in record)) continue;
    const value = record[field];
    const converted = convert(fields[field], value);
    if (converted !== value) (out ??= { ...record })[field] = converted;
  }
  return out ?? record;
}

function normalizeEventBatch(batch: unknown): unknown {
  if (!isObject(batch) || !Array.isArray(batch.events)) return batch;
  const events = batch.events.map((event: unknown) =>
    isObject(event) && "snapshot" in event ? { ...event, snapshot: normalizeRecord(String(event.class), event.snapshot) } : event,
  );
  return { ...batch, events };
}

function convert(kind: NumericFieldKind, value: unknown): unknown {
  switch (kind) {
    case "int":
    case "float":
      return toNumber(value);
    case "int-map":
    case "float-map":
      return mapValues(value, toNumber);
    case "int-set":
      return Array.isArray(value) ? mapItems(value, toNumber) : value;
  }
}

/** Decimal text (XML-RPC's untyped int64) becomes a number; anything else is kept. */
function toNumber(value: unknown): unknown {
  if (typeof value !== "string" || value.trim() === "") return value;
  const number = Number(value);
  return Number.isNaN(number) ? value : number;
}

/** `f` over an object's values; a copy only when some value changes. */
function mapValues(value: unknown, f: (v: unknown) => unknown): unknown {
  if (!isObject(value)) return value;
  let out: Record<string, unknown> | undefined;
  for (const key in value) {
    const item = value[key];
    const mapped = f(item);
    if (mapped !== item) (out ??= { ...value })[key] = mapped;
  }
  return out ?? value;
}

/** `f` over an array's items; a copy only when some item changes. */
function mapItems(items: unknown[], f: (v: unknown) => unknown): unknown[] {
  const mapped = items.map(f);
  return mapped.every((item, i) => item === items[i]) ? items : mapped;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !Buffer.isBuffer(value);
}
