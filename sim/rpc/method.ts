/** How a simulated XAPI method is declared. */
import type { MethodDef, MethodTable } from "./core";

export type { CallContext, CallGuard, MethodDef, MethodTable, ParamDef } from "./core";

/** Declares a method (identity helper that keeps literal types readable). */
export function method(def: MethodDef): MethodDef {
  return def;
}

/** Adds methods to a table; later definitions replace earlier ones of the same name. */
export function register(table: MethodTable, defs: readonly MethodDef[]): void {
  for (const def of defs) table.set(def.name, def);
}
