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
 * Converts the numeric fields of one record of `className`; other fields pass through.
 * @param className e.g. `VM`, `vm`
 * @param record the record as decoded
 */
export function normalizeRecord(className: string, record: unknown): unknown {
  if (!isObject(record)) return record;
  const fields = numericFieldsOf(className);
  const out: Record<string, unknown> = { ...record };
  for (const [field, kind] of Object.entries(fields)) {
    if (field in out) out[field] = convert(kind, out[field]);
  }
  return out;
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
      return Array.isArray(value) ? value.map(toNumber) : value;
  }
}

/** Decimal text (XML-RPC's untyped int64) becomes a number; anything else is kept. */
function toNumber(value: unknown): unknown {
  if (typeof value !== "string" || value.trim() === "") return value;
  const number = Number(value);
  return Number.isNaN(number) ? value : number;
}

function mapValues(value: unknown, f: (v: unknown) => unknown): unknown {
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, f(v)]));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !Buffer.isBuffer(value);
}
