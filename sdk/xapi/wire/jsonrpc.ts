/** The JSON-RPC codec as xapi speaks it on `POST /jsonrpc`. */
import { JsonRpcParseError, excerptOf } from "./errors";
import { XmlRpcDateTime, XmlRpcDouble, XmlRpcInt32, type WireValue } from "./values";

export { JsonRpcParseError } from "./errors";

/** A decoded JSON-RPC response: the result, or xapi's error code and params. */
export type JsonRpcOutcome = { ok: true; result: unknown } | { ok: false; code: string; params: unknown[] };

/**
 * Maps wire values to plain JSON: doubles and int32 become numbers, datetimes strings, buffers
 * base64 strings.
 * @param value any wire value
 * @returns a value `JSON.stringify` renders as xapi expects
 */
export function toJsonWire(value: WireValue): unknown {
  if (value instanceof XmlRpcDouble || value instanceof XmlRpcInt32 || value instanceof XmlRpcDateTime) return value.value;
  if (Buffer.isBuffer(value)) return value.toString("base64");
  if (Array.isArray(value)) return value.map(toJsonWire);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonWire(v)]));
  }
  return value;
}

/**
 * Serialises a JSON-RPC 2.0 request.
 * @param method e.g. `"VM.get_record"`
 * @param params positional parameters
 * @param id the request id (xapi rejects a missing or null id)
 * @returns the JSON text
 */
export function serializeJsonRpcRequest(method: string, params: readonly WireValue[], id: string | number): string {
  return JSON.stringify({ jsonrpc: "2.0", method, params: params.map(toJsonWire), id });
}

/**
 * Parses a JSON-RPC response, 2.0 (`error: {code, message: CODE, data: [...]}`) or 1.0
 * (`result: null, error: [CODE, ...]`).
 * @param body the response body, as text or already parsed
 * @throws JsonRpcParseError when the body is not JSON or carries neither result nor error
 */
export function parseJsonRpcResponse(body: string | unknown): JsonRpcOutcome {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const response = typeof body === "string" ? parseJson(body) : body;
  if (response === null || typeof response !== "object" || Array.isArray(response)) {
    throw new JsonRpcParseError("not a JSON object", excerptOf(text));
  }
  const { result, error } = response as { result?: unknown; error?: unknown };
  if (error !== undefined && error !== null) return errorOutcome(error);
  if (result === undefined) throw new JsonRpcParseError("neither result nor error", excerptOf(text));
  return { ok: true, result };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new JsonRpcParseError(`not JSON (${(cause as Error).message})`, excerptOf(text));
  }
}

function errorOutcome(error: unknown): JsonRpcOutcome {
  if (Array.isArray(error)) return { ok: false, code: String(error[0] ?? "UNKNOWN_ERROR"), params: error.slice(1) };
  if (typeof error === "object" && error !== null) {
    const { code, message, data } = error as { code?: unknown; message?: unknown; data?: unknown };
    const name = typeof message === "string" && message ? message : String(code ?? "UNKNOWN_ERROR");
    return { ok: false, code: name, params: Array.isArray(data) ? data : data === undefined ? [] : [data] };
  }
  return { ok: false, code: String(error), params: [] };
}
