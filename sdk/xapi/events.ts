/** Watching XAPI objects through `event.from` with tokens — never by sleep-polling. */
import type { XapiCaller } from "./caller";
import { Wait, type WaitOptions } from "../base/deadline";
import { XapiError, XapiWaitError, xapiWaitError } from "./errors";
import { XmlRpcDouble } from "./wire/values";

/** One event from `event.from`. */
export interface XapiEvent {
  /** event id (a decimal string) */
  id: string;
  /** lower-case class name, e.g. `vm`, `task` */
  class: string;
  /** `add`, `mod` or `del` (unknown operations pass through) */
  operation: string;
  /** the object's ref */
  ref: string;
  /** the object's full record (numeric fields converted); absent on `del` */
  snapshot?: Record<string, unknown>;
}

/** Options of {@link watchEvents}: a deadline and signal, and optionally where to start. */
export interface WatchOptions extends WaitOptions {
  /** an `event.from` token to resume from; default `""`, which first reports every matching object */
  token?: string;
}

/** Longest single `event.from` wait, in seconds (Xen Orchestra uses 60.1). */
const MAX_POLL_SECONDS = 60;
/** Left for the HTTP round trip so that the server's timeout comes before ours. */
const ROUND_TRIP_MARGIN_MS = 1_000;

type EventBatch = { events?: unknown[]; token?: string };

/**
 * Streams events for `classes`, one `event.from` call after another with the returned token.
 * On `EVENTS_LOST` it starts again from `""` (so current objects are reported again).
 * @throws XapiWaitError when the deadline passes or the signal aborts
 */
export async function* watchEvents(caller: XapiCaller, classes: readonly string[], options: WatchOptions): AsyncGenerator<XapiEvent> {
  const deadline = new Wait(options, `events of ${classes.join(", ")}`, xapiWaitError);
  let token = options.token ?? "";
  try {
    for (;;) {
      const batch = await nextBatch(caller, classes, token, deadline);
      if (batch === "lost") {
        token = "";
        continue;
      }
      for (const event of batch.events ?? []) yield event as XapiEvent;
      token = batch.token ?? token;
    }
  } finally {
    deadline.done();
  }
}

/**
 * Resolves with the first event satisfying `predicate`, current state included.
 * @throws XapiWaitError when the deadline passes or the signal aborts
 */
export async function waitForEvent(
  caller: XapiCaller,
  classes: readonly string[],
  predicate: (event: XapiEvent) => boolean,
  options: WaitOptions,
): Promise<XapiEvent> {
  for await (const event of watchEvents(caller, classes, options)) {
    if (predicate(event)) return event;
  }
  throw new Error("event stream ended"); // watchEvents only ends by throwing
}

/**
 * One `event.from` call bounded by the deadline; `"lost"` on EVENTS_LOST.
 * @throws XapiWaitError (the wait's own, not the inner call's) on deadline or abort
 */
export async function nextBatch(caller: XapiCaller, classes: readonly string[], token: string, deadline: Wait): Promise<EventBatch | "lost"> {
  deadline.check();
  const remaining = deadline.remainingMs();
  // Near the end the server may time out together with us: better than many zero-second polls.
  const serverWaitMs = remaining > 2 * ROUND_TRIP_MARGIN_MS ? remaining - ROUND_TRIP_MARGIN_MS : remaining;
  const seconds = Math.min(MAX_POLL_SECONDS, serverWaitMs / 1000);
  try {
    const options = { deadline: deadline.asDeadline(), signal: deadline.signal };
    return (await caller.callWith(options, "event.from", [...classes], token, new XmlRpcDouble(seconds))) as EventBatch;
  } catch (error) {
    if (error instanceof XapiError && error.xapiCode === "EVENTS_LOST") return "lost";
    // The inner call ran on this wait's deadline and signal: report it as this wait's end.
    if (error instanceof XapiWaitError) throw deadline.errorFrom(error);
    throw error;
  }
}
