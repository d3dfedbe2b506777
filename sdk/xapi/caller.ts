/** The part of XapiClient that task and event waits build on. */
import type { DeadlineOptions } from "../base/deadline";
import type { WireValue } from "./wire/values";

/** Something that can call XAPI methods with a per-call deadline and signal. */
export interface XapiCaller {
  /** Calls `method` (session inserted) with a `deadline` (a Deadline, or ms from now) and `signal`. */
  callWith(options: DeadlineOptions, method: string, ...params: WireValue[]): Promise<unknown>;
}
