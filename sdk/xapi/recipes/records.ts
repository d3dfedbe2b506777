/** Reading XAPI records defensively: fields may be missing on older hosts, ints may arrive as strings. */

/** An XAPI object record as the client returns it. */
export type XapiRecord = Record<string, unknown>;

/** A string field, or "" when absent. */
export function str(record: XapiRecord, field: string): string {
  const value = record[field];
  return typeof value === "string" ? value : value === undefined || value === null ? "" : String(value);
}

/** An int64 field as a number (XML-RPC sends int64 as an untyped string); NaN when absent. */
export function int(record: XapiRecord, field: string): number {
  const value = record[field];
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "") return Number(value);
  return Number.NaN;
}

/** A bool field (true only for `true`, `1` or `"1"`/`"true"`). */
export function bool(record: XapiRecord, field: string): boolean {
  const value = record[field];
  return value === true || value === 1 || value === "1" || value === "true";
}

/** A map field (`other_config`, `networks`, …) as string → string; {} when absent. */
export function map(record: XapiRecord, field: string): Record<string, string> {
  const value = record[field];
  if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

/** A set-of-refs or set-of-strings field; [] when absent. */
export function list(record: XapiRecord, field: string): string[] {
  const value = record[field];
  return Array.isArray(value) ? value.map(String) : [];
}

/** `Class.get_all_records` as [ref, record] pairs. */
export function entriesOf(allRecords: unknown): Array<[string, XapiRecord]> {
  if (typeof allRecords !== "object" || allRecords === null) return [];
  return Object.entries(allRecords as Record<string, XapiRecord>);
}
