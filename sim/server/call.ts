/** The call path shared by both transports: transport faults, then the method. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { WireValue } from "../../sdk/xapi/wire";
import type { SimCore } from "../rpc/core";
import { sleep, untilAborted } from "../ops/sleep";
import { send, sendHtmlError } from "./respond";

/** Executes a parsed call and returns its value or throws an XapiFailure. */
export type Caller = (method: string, params: readonly unknown[]) => Promise<WireValue>;

/** What happens to the answer of a call that may run: sent whole, or cut off mid-body. */
export type AnswerFate = "whole" | "cut";

/**
 * Applies drop/stall/http500/cut faults to a call before it runs.
 * @returns undefined when the call must not run (the connection was dropped or already answered), else the answer's fate
 */
export async function applyTransportFaults(core: SimCore, req: IncomingMessage, res: ServerResponse, method: string): Promise<AnswerFate | undefined> {
  const action = core.faults.take(method, "transport");
  if (action?.kind === "drop") {
    req.socket.destroy();
    return undefined;
  }
  if (action?.kind === "http500") {
    sendHtmlError(res, 500, "Internal Server Error");
    return undefined;
  }
  if (action?.kind === "stall") {
    if (action.ms === undefined) await untilAborted(core.stopSignal);
    else await sleep(action.ms, core.stopSignal);
    if (core.stopSignal.aborted) {
      req.socket.destroy();
      return undefined;
    }
  }
  return action?.kind === "cut" ? "cut" : "whole";
}

/** Sends the answer; a cut one announces its full length, writes half the body and resets the connection. */
export function sendAnswer(res: ServerResponse, fate: AnswerFate, contentType: string, body: string): void {
  if (fate === "whole") return send(res, 200, contentType, body);
  const bytes = Buffer.from(body);
  res.writeHead(200, { "content-type": contentType, "content-length": bytes.length });
  res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.resetAndDestroy());
}
