/** The call path shared by both transports: transport faults, then the method. */
import type { IncomingMessage } from "node:http";
import type { WireValue } from "../../sdk/xapi/wire";
import type { SimCore } from "../rpc/core";
import { sleep, untilAborted } from "../ops/sleep";

/** Executes a parsed call and returns its value or throws an XapiFailure. */
export type Caller = (method: string, params: readonly unknown[]) => Promise<WireValue>;

/**
 * Applies drop/stall faults to a call before it runs.
 * @returns false when the connection was dropped (nothing may be written any more)
 */
export async function applyTransportFaults(core: SimCore, req: IncomingMessage, method: string): Promise<boolean> {
  const action = core.faults.take(method, "transport");
  if (action?.kind === "drop") {
    req.socket.destroy();
    return false;
  }
  if (action?.kind === "stall") {
    if (action.ms === undefined) await untilAborted(core.stopSignal);
    else await sleep(action.ms, core.stopSignal);
    if (core.stopSignal.aborted) {
      req.socket.destroy();
      return false;
    }
  }
  return true;
}
