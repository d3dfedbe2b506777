/**
 * The ownership identity every XAPI object a resource creates carries
 * (`other_config["bioxen:owner"]`). Computed in the resource constructor, where the program
 * knows its project and stack (the provider host does not), and passed as the hidden input
 * `__owner`; diff ignores changes to it and outputs keep the value the object was created with.
 */
import { hasControlCharacter } from "../../sdk/base/printable";

/** Name of the hidden input holding the owner identity. */
export const OWNER_INPUT = "__owner";

/** `<project>/<stack>/<type>/<name>` — the owner identity of one resource. */
export function ownerOf(project: string, stack: string, type: string, name: string): string {
  return `${project}/${stack}/${type}/${name}`;
}

/** Why `value` is not a usable owner identity, or undefined when it is. */
export function ownerProblem(value: unknown): string | undefined {
  if (typeof value !== "string" || value.length === 0) return "must be set by the resource class (ownerOf(project, stack, type, name))";
  if (value.length > 255 || hasControlCharacter(value)) return `must be printable and at most 255 characters, got ${value.length} characters`;
  return undefined;
}
