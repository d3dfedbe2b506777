/**
 * Property values as they travel between the Pulumi engine and a provider: plain JSON plus two
 * sentinels from @pulumi/pulumi/runtime/rpc.js — the secret envelope and the unknown string.
 */

/** A JSON value that may contain secret envelopes and unknown sentinels. */
export type PropertyValue =
  | null
  | boolean
  | number
  | string
  | PropertyValue[]
  | { [key: string]: PropertyValue };

/** A resource's property bag (inputs or outputs). */
export type PropertyMap = Record<string, PropertyValue>;

/** `rpc.specialSigKey`: the key that marks a special value. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
/** `rpc.specialSecretSig`: the signature of a secret envelope. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** `rpc.unknownValue`: a value not known yet (preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A secret envelope as the engine and SDK exchange it. */
export interface SecretEnvelope {
  [SIG_KEY]: typeof SECRET_SIG;
  value: PropertyValue;
}

/** Wraps a value in the secret envelope. */
export function secret(value: PropertyValue): PropertyValue {
  return { [SIG_KEY]: SECRET_SIG, value };
}

/** True when `value` is a secret envelope. */
export function isSecret(value: unknown): value is SecretEnvelope {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** True when `value` or anything inside it is a secret envelope. */
export function containsSecret(value: unknown): boolean {
  if (isSecret(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecret);
  if (typeof value === "object" && value !== null) return Object.values(value).some(containsSecret);
  return false;
}

/** Removes every secret envelope, keeping the plain values (what a provider without acceptSecrets sees). */
export function revealSecrets(value: PropertyValue): PropertyValue {
  if (isSecret(value)) return revealSecrets(value.value);
  if (Array.isArray(value)) return value.map(revealSecrets);
  if (typeof value === "object" && value !== null) return mapValues(value, revealSecrets);
  return value;
}

/** Splits a property map into plain values and the top-level keys whose value held a secret. */
export function splitSecrets(props: PropertyMap): { plain: PropertyMap; secretKeys: string[] } {
  const secretKeys = Object.keys(props).filter((key) => containsSecret(props[key]));
  return { plain: mapValues(props, revealSecrets), secretKeys };
}

/** Wraps the values of `secretKeys` present in `props` in secret envelopes (idempotent). */
export function markSecrets(props: PropertyMap, secretKeys: Iterable<string>): PropertyMap {
  const result: PropertyMap = { ...props };
  for (const key of secretKeys) {
    if (key in result && !isSecret(result[key])) result[key] = secret(result[key]);
  }
  return result;
}

/** True when `value` or anything inside it is the unknown sentinel. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (typeof value === "object" && value !== null) return Object.values(value).some(containsUnknown);
  return false;
}

/** Structural equality of two property values (key order does not matter). */
export function propertiesEqual(a: PropertyValue | undefined, b: PropertyValue | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => propertiesEqual(x, b[i]));
  }
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => propertiesEqual(a[key], b[key]));
}

function mapValues(obj: { [key: string]: PropertyValue }, fn: (v: PropertyValue) => PropertyValue): PropertyMap {
  return Object.fromEntries(Object.entries(obj).map(([key, v]) => [key, fn(v)]));
}
