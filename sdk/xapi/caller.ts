/** The part of XapiClient that task and event waits build on. */
import type { WireValue } from "./wire/values";

/** Something that can call XAPI methods with a per-call deadline and signal. */
export interface XapiCaller {
  /** Calls `method` (session inserted) with `deadlineMs` (ms from now, or absolute above 10^12) and `signal`. */
  callWith(options: { deadlineMs?: number; signal?: AbortSignal }, method: string, ...params: WireValue[]): Promise<unknown>;
}
