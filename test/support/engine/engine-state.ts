import { SECRET_SIG, SIG_KEY, isSecret, type PropertyMap, type PropertyValue } from "./property-values";

/** One resource in the harness's state, as the engine's snapshot holds it. */
export interface ResourceState {
  /** Resource URN. */
  urn: string;
  /** Type token, e.g. `pulumi-nodejs:dynamic/bioxen:XcpngLuaVM`. */
  type: string;
  /** Provider id. */
  id: string;
  /** Checked inputs; secret ones wrapped in the secret envelope. */
  inputs: PropertyMap;
  /** Outputs (incl. `__provider`); secret ones wrapped in the secret envelope. */
  outputs: PropertyMap;
  /** URNs this resource depends on (dependsOn, data dependencies, parent). */
  dependencies: string[];
  /** Output keys the program asked to keep secret. */
  additionalSecretOutputs: string[];
  /** Set when create/update failed after the object existed (a partial state). */
  initErrors?: string[];
}

/** Placeholder that stands in for a secret's ciphertext in serialized state. */
export const SECRET_CIPHERTEXT_PLACEHOLDER = "v1:ENCRYPTED-BY-ENGINE-HARNESS";

/**
 * The state as the engine would store it (a v3 checkpoint): secret values replaced by a
 * ciphertext placeholder, never in plaintext; everything else as is.
 */
export function serializeState(stack: string, resources: readonly ResourceState[]): string {
  const encrypted = resources.map((r) => ({
    ...r,
    inputs: encryptSecrets(r.inputs) as PropertyMap,
    outputs: encryptSecrets(r.outputs) as PropertyMap,
  }));
  return JSON.stringify({ version: 3, checkpoint: { stack, latest: { resources: encrypted } } }, null, 2);
}

function encryptSecrets(value: PropertyValue): PropertyValue {
  if (isSecret(value)) return { [SIG_KEY]: SECRET_SIG, ciphertext: SECRET_CIPHERTEXT_PLACEHOLDER };
  if (Array.isArray(value)) return value.map(encryptSecrets);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encryptSecrets(v)]));
  }
  return value;
}

/**
 * Orders `doomed` so that every resource comes after all resources (in `doomed`) that depend on
 * it: the order in which the engine deletes. Ties keep reverse state order.
 */
export function deletionOrder(doomed: readonly ResourceState[]): ResourceState[] {
  const pending = [...doomed].reverse();
  const ordered: ResourceState[] = [];
  while (pending.length > 0) {
    const index = pending.findIndex((candidate) => !pending.some((other) => other.dependencies.includes(candidate.urn)));
    // A cycle cannot come from a real program; fall back to reverse order rather than loop.
    const [next] = pending.splice(index === -1 ? 0 : index, 1);
    ordered.push(next!);
  }
  return ordered;
}
