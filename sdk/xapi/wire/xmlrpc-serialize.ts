/** XML-RPC serialisation: client-style method calls and xapi-style method responses. */
import { escapeXmlText } from "./escape";
import { formatDoubleLikeC } from "./format-double";
import { XmlRpcDateTime, XmlRpcDouble, XmlRpcInt32, type WireValue } from "./values";

/** How values are typed: a generic typed client, or exactly what xapi emits. */
type Style = "client" | "xapi";

/**
 * Serialises a method call the way a typed client does (`<string>`, `<int>`, `<double>`, …).
 * @param method e.g. `"VM.get_record"`
 * @param params positional parameters (the session ref first, when the method takes one)
 * @returns the XML document
 */
export function serializeMethodCall(method: string, params: readonly WireValue[]): string {
  const encoded = params.map((p) => `<param>${encodeValue(p, "client")}</param>`).join("");
  return `<?xml version="1.0"?><methodCall><methodName>${escapeXmlText(method)}</methodName><params>${encoded}</params></methodCall>`;
}

/**
 * Serialises a method response exactly as xapi emits it: one line, untyped strings and int64,
 * `<i4>` / `<double>` / `<dateTime.iso8601>` only for the wrapper classes.
 * @param value the response value (the caller builds the Status/Value envelope itself)
 * @param style only `"xapi"` is supported
 * @returns the XML document
 */
export function serializeMethodResponse(value: WireValue, style: "xapi"): string {
  return `<?xml version="1.0"?><methodResponse><params><param>${serializeValue(value, style)}</param></params></methodResponse>`;
}

/**
 * Serialises one value as a single xapi-style `<value>…</value>` element, the form xapi stores
 * in `task.result` (even for JSON-RPC clients).
 * @param value the value to encode
 * @param style only `"xapi"` is supported
 * @returns the `<value>` element as text, without an XML declaration
 */
export function serializeValue(value: WireValue, style: "xapi"): string {
  return encodeValue(value, style);
}

function encodeValue(value: WireValue, style: Style): string {
  return `<value>${encodeInner(value, style)}</value>`;
}

function encodeInner(value: WireValue, style: Style): string {
  if (value === null) return style === "client" ? "<nil/>" : "";
  if (typeof value === "string") {
    const text = escapeXmlText(value);
    return style === "client" ? `<string>${text}</string>` : text;
  }
  if (typeof value === "number") return encodeNumber(value, style);
  if (typeof value === "boolean") return `<boolean>${value ? 1 : 0}</boolean>`;
  if (value instanceof XmlRpcDouble) return encodeDouble(value.value, style);
  if (value instanceof XmlRpcInt32) return `<i4>${Math.trunc(value.value)}</i4>`;
  if (value instanceof XmlRpcDateTime) return `<dateTime.iso8601>${escapeXmlText(value.value)}</dateTime.iso8601>`;
  if (Buffer.isBuffer(value)) return `<base64>${value.toString("base64")}</base64>`;
  if (Array.isArray(value)) return `<array><data>${value.map((v) => encodeValue(v, style)).join("")}</data></array>`;
  return encodeStruct(value, style);
}

/** xapi's int64 is untyped on the wire; a client types it as `<int>` (or `<double>` when not a safe integer). */
function encodeNumber(value: number, style: Style): string {
  if (Number.isSafeInteger(value)) return style === "client" ? `<int>${value}</int>` : String(value);
  if (style === "xapi" && Number.isInteger(value)) return value.toFixed(0);
  return encodeDouble(value, style);
}

/** xapi writes `%.16g`; a client sends JS's shortest round-trip form so that nothing is lost. */
function encodeDouble(value: number, style: Style): string {
  return `<double>${style === "xapi" ? formatDoubleLikeC(value) : String(value)}</double>`;
}

function encodeStruct(value: { [key: string]: WireValue }, style: Style): string {
  const members = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<member><name>${escapeXmlText(k)}</name>${encodeValue(v, style)}</member>`)
    .join("");
  return `<struct>${members}</struct>`;
}
