/** Picks the transport for `transport: "auto"`, as Xen Orchestra's client does. */
import type { Agent } from "undici";
import type { Wait } from "../base/deadline";
import { post } from "./http";
import { createTransport, type XapiTransport, type XapiTransportKind } from "./transport";
import { serializeJsonRpcRequest } from "./wire/jsonrpc";

/** What the `transport` option accepts. */
export type XapiTransportChoice = XapiTransportKind | "auto";

/**
 * Returns the requested transport; for `"auto"`, JSON-RPC when `POST /jsonrpc` answers with
 * `application/json`, else XML-RPC on `/` (old hosts, or a proxy that lacks the path).
 * Connection and TLS failures are thrown, not taken as a reason to fall back.
 */
export async function chooseTransport(choice: XapiTransportChoice, baseUrl: string, agent: Agent, deadline: Wait): Promise<XapiTransport> {
  if (choice !== "auto") return createTransport(choice, baseUrl, agent);
  const json = createTransport("json-rpc", baseUrl, agent);
  const method = "system.listMethods";
  const probe = await post({
    agent,
    url: json.endpoint,
    method,
    body: serializeJsonRpcRequest(method, [], "probe"),
    contentType: "application/json",
    deadline,
  });
  return probe.mediaType === "application/json" ? json : createTransport("xml-rpc", baseUrl, agent);
}
