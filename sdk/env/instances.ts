/**
 * VM instances and selectors. A VM key without `count` is one instance named like the key; with
 * `count: N` it is N instances `<key>-0` … `<key>-(N-1)`. Names come from keys only, never from
 * positions in the file, so reordering or adding entries renames nothing.
 */
import type { EnvironmentSpec } from "./types";

/** One VM instance of the environment. */
export interface VmInstance {
  /** The VM key in the file (`vms.<key>`). */
  key: string;
  /** The instance name: the key, or `<key>-<index>` when the VM has a count. */
  name: string;
  /** The index within `count`, absent for a VM without count. */
  index?: number;
}

/** Expands every VM key into its instances, in file order. */
export function expandVms(spec: EnvironmentSpec): VmInstance[] {
  return Object.entries(spec.vms ?? {}).flatMap(([key, vm]) =>
    vm.count === undefined ? [{ key, name: key }] : Array.from({ length: vm.count }, (_, index) => ({ key, name: `${key}-${index}`, index })),
  );
}

/** True when `selector` contains glob characters (`*`, `?`). */
export function isGlob(selector: string): boolean {
  return /[*?]/.test(selector);
}

/**
 * The instances a selector picks: a VM key picks all its instances, an instance name picks that
 * instance, a glob picks every instance whose name matches it.
 */
export function selectInstances(selector: string, instances: readonly VmInstance[]): VmInstance[] {
  if (!isGlob(selector)) return instances.filter((instance) => instance.key === selector || instance.name === selector);
  const pattern = globPattern(selector);
  return instances.filter((instance) => pattern.test(instance.name));
}

/** True when the selector names an existing VM key or instance, or is a glob matching one. */
export function selectorMatchesAnything(selector: string, spec: EnvironmentSpec, instances: readonly VmInstance[]): boolean {
  // A VM key with count 0 has no instances but is still a valid name to select.
  return (!isGlob(selector) && spec.vms?.[selector] !== undefined) || selectInstances(selector, instances).length > 0;
}

function globPattern(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`);
}
