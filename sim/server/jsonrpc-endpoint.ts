/** JSON-RPC over `POST /jsonrpc`: 2.0 when the body says so, 1.0 otherwise. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { toJsonWire } from "../../sdk/xapi/wire";
import type { SimCore } from "../rpc/core";
import { asXapiFailure } from "../model/failure";
import { readBody } from "./body";
import { applyTransportFaults, sendAnswer, type Caller } from "./call";
import { sendHtmlError } from "./respond";

interface JsonRpcRequest {
  version: "1.0" | "2.0";
  method: string;
  params: unknown[];
  id: string | number;
}

/** Validates a request body; undefined when xapi would answer HTTP 500. */
function parseRequest(text: string): JsonRpcRequest | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) return undefined;
  const { jsonrpc, method, params, id } = body as Record<string, unknown>;
  const version = jsonrpc === "2.0" ? "2.0" : "1.0";
  if (typeof method !== "string" || (typeof id !== "string" && typeof id !== "number")) return undefined;
  if (version === "1.0" && !Array.isArray(params)) return undefined;
  if (params !== undefined && !Array.isArray(params)) return undefined;
  return { version, method, params: (params as unknown[] | undefined) ?? [], id };
}

/** Handles one JSON-RPC request. */
export async function handleJsonRpc(core: SimCore, call: Caller, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const request = parseRequest(await readBody(req).catch(() => ""));
  if (!request) {
    sendHtmlError(res, 500, "Internal Server Error");
    return;
  }
  const fate = await applyTransportFaults(core, req, res, request.method);
  if (!fate) return;
  const { version, id } = request;
  let reply: unknown;
  try {
    const result = toJsonWire(await call(request.method, request.params));
    reply = version === "2.0" ? { jsonrpc: "2.0", result, id } : { result, error: null, id };
  } catch (error) {
    const [code, ...data] = asXapiFailure(error).description();
    reply = version === "2.0" ? { jsonrpc: "2.0", error: { code: 1, message: code, data }, id } : { result: null, error: [code, ...data], id };
  }
  sendAnswer(res, fate, "application/json", JSON.stringify(reply));
}
