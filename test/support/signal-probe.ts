/**
 * What a long-lived AbortSignal still holds after calls that were given it: abort listeners, and
 * the signals `AbortSignal.any` derived from it (Node keeps those in the source, and on Node 20-24
 * an observed or aborted one can stay there for the rest of the process: nodejs/node#55351, #64476).
 */
import { getEventListeners } from "node:events";

/** How many signals `AbortSignal.any` has registered in `signal` (Node's internal kDependantSignals set). */
export function dependantSignalsOf(signal: AbortSignal): number {
  const key = Object.getOwnPropertySymbols(signal).find((symbol) => symbol.description === "kDependantSignals");
  const set = key === undefined ? undefined : (signal as unknown as Record<symbol, Set<unknown> | undefined>)[key];
  return set?.size ?? 0;
}

/** Abort listeners and derived signals still attached to `signal`. */
export function heldBy(signal: AbortSignal): { listeners: number; dependants: number } {
  return { listeners: getEventListeners(signal, "abort").length, dependants: dependantSignalsOf(signal) };
}

/** Proves the probe sees what `AbortSignal.any` leaves on this Node, so a test built on it can fail. */
export function probeSeesAbortSignalAny(): boolean {
  const source = new AbortController().signal;
  const derived = AbortSignal.any([source]);
  return dependantSignalsOf(source) === 1 && derived.aborted === false;
}
