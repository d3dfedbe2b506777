/** How a simulated XAPI method is declared. */
import type { FieldType } from "../schema";
import type { SimCore } from "./core";

/** One positional parameter (after the session ref). A `default` makes it optional when trailing. */
export interface ParamDef {
  name: string;
  type: FieldType;
  default?: unknown;
}

/** What a handler gets besides its arguments. */
export interface CallContext {
  core: SimCore;
  /** The caller's session ref ("" for session-less methods). */
  session: string;
  /** The method name without `Async.`. */
  method: string;
  /** Aborts when the simulator stops or the task is cancelled. */
  signal: AbortSignal;
}

/** A method: its signature and its implementation. */
export interface MethodDef {
  name: string;
  params: ParamDef[];
  result: FieldType;
  /** false for methods called without a session (login, system.listMethods). */
  session?: boolean;
  /** true when there is no `Async.` variant. */
  syncOnly?: boolean;
  handler(ctx: CallContext, ...args: any[]): unknown;
}

/** The method table, by name. */
export type MethodTable = Map<string, MethodDef>;

/** Declares a method (identity helper that keeps literal types readable). */
export function method(def: MethodDef): MethodDef {
  return def;
}

/** Adds methods to a table; later definitions replace earlier ones of the same name. */
export function register(table: MethodTable, defs: readonly MethodDef[]): void {
  for (const def of defs) table.set(def.name, def);
}
