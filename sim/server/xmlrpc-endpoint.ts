/** XML-RPC over `POST /` (and any unmatched POST path), exactly as xapi answers it. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { parseMethodCall, serializeMethodResponse, type WireValue } from "../../sdk/xapi/wire";
import type { SimCore } from "../core";
import { asXapiError } from "../rpc/errors";
import { readBody } from "./body";
import { applyTransportFaults, type Caller } from "./call";
import { send, sendHtmlError } from "./respond";

/** Handles one XML-RPC request: 200 + one-line Status envelope, or 500 HTML when malformed. */
export async function handleXmlRpc(core: SimCore, call: Caller, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let parsed: { method: string; params: unknown[] };
  try {
    parsed = parseMethodCall(await readBody(req));
  } catch {
    sendHtmlError(res, 500, "Internal Server Error");
    return;
  }
  if (!(await applyTransportFaults(core, req, parsed.method))) return;
  let value: WireValue;
  try {
    const result = await call(parsed.method, parsed.params);
    value = parsed.method === "system.listMethods" ? result : { Status: "Success", Value: result };
  } catch (error) {
    value = { Status: "Failure", ErrorDescription: asXapiError(error).description() };
  }
  send(res, 200, "text/xml", serializeMethodResponse(value, "xapi"));
}
