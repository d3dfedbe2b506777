/** Every datamodel class the simulator serves, by API name. */
import { hostClass, hostMetricsClass, consoleClass, poolClass, sessionClass, taskClass } from "./pool";
import { networkClass, pifClass, vifClass, vlanClass } from "./network";
import { srClass, vbdClass, vdiClass } from "./storage";
import type { ClassDef, FieldDef } from "./types";
import { vmClass, vmGuestMetricsClass, vmMetricsClass } from "./vm";

/** The served classes, in the order `system.listMethods` lists them. */
export const CLASSES: readonly ClassDef[] = [
  sessionClass,
  poolClass,
  hostClass,
  hostMetricsClass,
  srClass,
  vdiClass,
  vbdClass,
  vmClass,
  vmMetricsClass,
  vmGuestMetricsClass,
  consoleClass,
  networkClass,
  pifClass,
  vlanClass,
  vifClass,
  taskClass,
];

const byLowerName = new Map(CLASSES.map((c) => [c.name.toLowerCase(), c]));

/** Finds a class by name, case-insensitively (event classes are lowercase). */
export function classNamed(name: string): ClassDef | undefined {
  return byLowerName.get(name.toLowerCase());
}

/** Finds a field of a class; undefined when the class has no such field. */
export function fieldOf(cls: ClassDef, name: string): FieldDef | undefined {
  return cls.fields.find((f) => f.name === name);
}

export { T, NULL_REF, zeroValue } from "./types";
export type { ClassDef, FieldDef, FieldType } from "./types";
