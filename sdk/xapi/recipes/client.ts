/**
 * What the recipes need from an XAPI client: the public calls of `XapiClient`. Recipes take this
 * narrower type so they stay independent of transports and sessions.
 */
import type { XapiCallOptions, XapiClient } from "../client";

/** An XAPI connection with a logged-in session (an `XapiClient`). */
export type RecipeClient = Pick<XapiClient, "call" | "callWith" | "callAsync" | "callAsyncWith" | "watchEvents">;

export type { WaitOptions } from "../../base/deadline";
export type { XapiCallOptions } from "../client";

/** The deadline and signal part of options that also hold other things. */
export function taskWait(options: XapiCallOptions): XapiCallOptions {
  return { deadline: options.deadline, signal: options.signal };
}

/** A reference that means "no object" in XAPI. */
export const NULL_REF = "OpaqueRef:NULL";

/** True when `ref` names an object (not empty, not `OpaqueRef:NULL`). */
export function isRealRef(ref: unknown): ref is string {
  return typeof ref === "string" && ref !== "" && ref !== NULL_REF;
}
