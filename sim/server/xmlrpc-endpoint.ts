/** XML-RPC over `POST /` (and any unmatched POST path), exactly as xapi answers it. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { parseMethodCall, serializeMethodResponse, type WireValue } from "../../sdk/xapi/wire";
import type { SimCore } from "../rpc/core";
import { asXapiFailure } from "../model/failure";
import { readBody } from "./body";
import { applyTransportFaults, sendAnswer, type Caller } from "./call";
import { send, sendHtmlError } from "./respond";

/**
 * What a body that is not XML-RPC gets: xapi's HTTP 500 HTML page, or (for `/jsonrpc` on a host
 * without JSON-RPC, where the XO client observes `text/xml`) a 200 XML-RPC Failure.
 */
export type MalformedReply = "http-500" | "xml-failure";

/** Handles one XML-RPC request: 200 + one-line Status envelope, or the malformed reply. */
export async function handleXmlRpc(core: SimCore, call: Caller, req: IncomingMessage, res: ServerResponse, malformed: MalformedReply = "http-500"): Promise<void> {
  let parsed: { method: string; params: unknown[] };
  try {
    parsed = parseMethodCall(await readBody(req));
  } catch {
    if (malformed === "http-500") sendHtmlError(res, 500, "Internal Server Error");
    // Never echo the body: it may be a login carrying a password.
    else send(res, 200, "text/xml", serializeMethodResponse({ Status: "Failure", ErrorDescription: ["XMLRPC_UNMARSHAL_FAILURE", "methodCall", "a body that is not XML-RPC"] }, "xapi"));
    return;
  }
  const fate = await applyTransportFaults(core, req, res, parsed.method);
  if (!fate) return;
  let value: WireValue;
  try {
    const result = await call(parsed.method, parsed.params);
    value = parsed.method === "system.listMethods" ? result : { Status: "Success", Value: result };
  } catch (error) {
    value = { Status: "Failure", ErrorDescription: asXapiFailure(error).description() };
  }
  sendAnswer(res, fate, "text/xml", serializeMethodResponse(value, "xapi"));
}
