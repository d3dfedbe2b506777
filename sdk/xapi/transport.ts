/** The two XAPI transports (JSON-RPC on /jsonrpc, XML-RPC on /) behind one interface. */
import type { Agent } from "undici";
import type { Wait } from "../base/deadline";
import { XapiTransportError } from "./errors";
import { post } from "./http";
import { JsonRpcParseError, parseJsonRpcResponse, serializeJsonRpcRequest, type JsonRpcOutcome } from "./wire/jsonrpc";
import { XmlRpcFault, XmlRpcParseError, parseMethodResponse, serializeMethodCall } from "./wire/xmlrpc";
import type { WireValue } from "./wire/values";

/** Which wire protocol a client speaks. */
export type XapiTransportKind = "json-rpc" | "xml-rpc";

/** Sends one method call and returns xapi's outcome (result, or error code and params). */
export interface XapiTransport {
  /** the protocol */
  readonly kind: XapiTransportKind;
  /** the endpoint URL */
  readonly endpoint: string;
  /** Calls `method` with positional `params`, giving up at the deadline. */
  call(method: string, params: readonly WireValue[], deadline: Wait): Promise<JsonRpcOutcome>;
}

/**
 * Creates a transport to the host at `baseUrl` (scheme, host and port are used).
 * @param kind the protocol
 * @param baseUrl e.g. `https://xcp-host`
 * @param agent the client's undici Agent
 */
export function createTransport(kind: XapiTransportKind, baseUrl: string, agent: Agent): XapiTransport {
  const origin = new URL(baseUrl).origin;
  return kind === "json-rpc" ? new JsonRpcTransport(`${origin}/jsonrpc`, agent) : new XmlRpcTransport(`${origin}/`, agent);
}

class JsonRpcTransport implements XapiTransport {
  readonly kind = "json-rpc";
  private nextId = 1;

  constructor(
    readonly endpoint: string,
    private readonly agent: Agent,
  ) {}

  async call(method: string, params: readonly WireValue[], deadline: Wait): Promise<JsonRpcOutcome> {
    const body = serializeJsonRpcRequest(method, params, this.nextId++);
    const reply = await post({ agent: this.agent, url: this.endpoint, method, body, contentType: "application/json", deadline });
    if (reply.mediaType !== "application/json") throw unexpectedReply(this.endpoint, method, reply);
    try {
      return parseJsonRpcResponse(reply.body);
    } catch (error) {
      if (error instanceof JsonRpcParseError) throw new XapiTransportError(this.endpoint, method, error.message, error);
      throw error;
    }
  }
}

class XmlRpcTransport implements XapiTransport {
  readonly kind = "xml-rpc";

  constructor(
    readonly endpoint: string,
    private readonly agent: Agent,
  ) {}

  async call(method: string, params: readonly WireValue[], deadline: Wait): Promise<JsonRpcOutcome> {
    const body = serializeMethodCall(method, params);
    const reply = await post({ agent: this.agent, url: this.endpoint, method, body, contentType: "text/xml", deadline });
    if (reply.status !== 200) throw unexpectedReply(this.endpoint, method, reply);
    try {
      return outcomeOfEnvelope(parseMethodResponse(reply.body));
    } catch (error) {
      if (error instanceof XmlRpcFault) return { ok: false, code: "XMLRPC_FAULT", params: [error.faultCode, error.faultString] };
      if (error instanceof XmlRpcParseError) throw new XapiTransportError(this.endpoint, method, error.message, error);
      throw error;
    }
  }
}

/** xapi wraps XML-RPC results in `{Status, Value | ErrorDescription}`; `system.listMethods` does not. */
function outcomeOfEnvelope(value: unknown): JsonRpcOutcome {
  if (value === null || typeof value !== "object" || !("Status" in value)) return { ok: true, result: value };
  const envelope = value as { Status: unknown; Value?: unknown; ErrorDescription?: unknown };
  if (envelope.Status === "Success") return { ok: true, result: envelope.Value ?? "" };
  const description = Array.isArray(envelope.ErrorDescription) ? envelope.ErrorDescription : [];
  return { ok: false, code: String(description[0] ?? "UNKNOWN_ERROR"), params: description.slice(1) };
}

function unexpectedReply(url: string, method: string, reply: { status: number; mediaType: string; body: string }): XapiTransportError {
  const excerpt = reply.body.length > 200 ? `${reply.body.slice(0, 200)}…` : reply.body;
  return new XapiTransportError(url, method, `HTTP ${reply.status} (${reply.mediaType || "no content-type"}): ${JSON.stringify(excerpt)}`);
}
