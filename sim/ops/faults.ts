/** Fault injection: fail, drop, stall or (uploads) corrupt chosen calls. */
import { XapiFailure } from "../model/failure";

/** What to do to the chosen call. */
export type FaultAction =
  /** Answer with this xapi error (an Async call's task fails with it). `kind` may be omitted. */
  | { kind: "fail"; code: string; params?: string[] }
  /** Destroy the connection without answering. */
  | { kind: "drop" }
  /** Answer after `ms` milliseconds, or never (until the simulator stops) when `ms` is omitted. */
  | { kind: "stall"; ms?: number }
  /** `PUT /import_raw_vdi` only: store the upload with its first 64 KiB zeroed and succeed (a silently damaged disk). */
  | { kind: "corrupt" }
  /** Answer HTTP 500 with xapi's HTML error page without running the call (a proxy or a restarting xapi). */
  | { kind: "http500" }
  /** Run the call, then send the headers and half the body and reset the connection: the client cannot know the outcome. */
  | { kind: "cut" };

/** A fault rule: which calls of which method, and what happens to them. */
export type FaultRule = FaultAction & {
  /** Method name; `"VM.clone"` also matches `Async.VM.clone`. `"*"` matches every method. */
  method: string;
  /** The first call (1-based, counted from when the rule was added) it applies to. Default 1. */
  nth?: number;
  /** How many consecutive calls it applies to from the nth on. Default 1; Infinity = all. */
  times?: number;
};

/** A rule as callers may write it: a rule with `code` and no `kind` is a `fail` rule. */
export type FaultRuleInput = FaultRule | (Omit<Extract<FaultRule, { kind: "fail" }>, "kind"> & { kind?: undefined });

interface LiveRule {
  rule: FaultRule;
  seen: number;
}

/** The live set of fault rules. */
export class Faults {
  private rules: LiveRule[] = [];
  /** How many times a rule's action was taken, so a test knows its fault was reached. */
  taken = 0;

  constructor(rules: readonly FaultRuleInput[] = []) {
    for (const rule of rules) this.add(rule);
  }

  /** Adds a rule. */
  add(rule: FaultRuleInput): void {
    const complete: FaultRule = rule.kind === undefined ? { ...rule, kind: "fail" } : rule;
    this.rules.push({ rule: complete, seen: 0 });
  }

  /** Shorthand: destroy the connection of the nth call of `method`. */
  dropConnection(method: string, nth = 1): void {
    this.add({ method, nth, kind: "drop" });
  }

  /** Shorthand: answer the nth call of `method` after `ms`, or never when `ms` is omitted. */
  stall(method: string, ms?: number, nth = 1): void {
    this.add({ method, nth, kind: "stall", ms });
  }

  /** Removes every rule. */
  clear(): void {
    this.rules = [];
  }

  /**
   * Counts a call against the rules for this stage and returns the action that applies, if any.
   * Drop, stall, corrupt, http500 and cut are transport-level (taken before dispatch), fail is taken at execution
   * (an Async call's task fails), or at submission for a rule naming the `Async.` method exactly.
   * @param method the name as called (maybe `Async.` prefixed)
   */
  take(method: string, stage: "transport" | "submission" | "execution"): FaultAction | undefined {
    const base = method.startsWith("Async.") ? method.slice("Async.".length) : method;
    let chosen: FaultAction | undefined;
    for (const live of this.rules) {
      const { rule } = live;
      const isTransport = rule.kind !== "fail";
      if (isTransport !== (stage === "transport")) continue;
      if (stage === "submission" ? rule.method !== method : rule.method !== "*" && rule.method !== method && rule.method !== base) continue;
      live.seen += 1;
      const first = rule.nth ?? 1;
      const last = first + (rule.times ?? 1) - 1;
      if (!chosen && live.seen >= first && live.seen <= last) chosen = rule;
    }
    if (chosen) this.taken += 1;
    return chosen;
  }
}

/** The error a `fail` action raises. */
export function faultError(action: Extract<FaultAction, { kind: "fail" }>): XapiFailure {
  return new XapiFailure(action.code, action.params ?? []);
}
