/** Every datamodel class the simulator serves, by API name. */
import { hostClass, hostMetricsClass, consoleClass, poolClass, sessionClass, taskClass } from "./pool";
import { networkClass, pifClass, vifClass, vlanClass } from "./network";
import { srClass, vbdClass, vdiClass } from "./storage";
import type { ClassDef, FieldDef } from "./types";
import { defaultOf, parseType, recordFields } from "../api/description";
import { vmClass, vmGuestMetricsClass, vmMetricsClass } from "./vm";

/**
 * A class with exactly the published fields of the API description, typed by it; the hand-written
 * class contributes only the simulator's initial values (a field the datamodel gives none gets its
 * datamodel default, else its type's zero value). Hand-written fields xapi does not publish
 * (internal-only ones such as VIF.reserved_pci) are dropped.
 */
function withApiFields(cls: ClassDef): ClassDef {
  const own = new Map(cls.fields.map((f) => [f.name, f]));
  const fields = recordFields(cls.name).map(([name, api]): FieldDef => {
    const type = parseType(api.type);
    const initial = own.get(name)?.initial ?? defaultOf(api, type);
    return { name, type, rw: api.qualifier === "RW", ...(initial !== undefined ? { initial } : {}) };
  });
  return { ...cls, fields };
}

/** The served classes. */
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
].map(withApiFields);

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
