/**
 * Helpers for the raw property bags dynamic providers receive: unknown values (preview),
 * secret envelopes (direct calls and some engine paths), check failures and diff normalisation.
 */
import type * as pulumi from "@pulumi/pulumi";
import { maskUrlCredentials } from "../../sdk/base";

/** The string the engine sends for a value not known yet (`pulumi.runtime.unknownValue`). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** Key marking a special Pulumi value object. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
/** Signature value of a secret envelope `{[SIG_KEY]: SECRET_SIG, value}`. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** True when `value` is, or contains anywhere, the unknown marker. */
export function isUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(isUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(isUnknown);
  return false;
}

/** True for a secret envelope. */
export function isSecretEnvelope(value: unknown): value is { value: unknown } {
  return value !== null && typeof value === "object" && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** The plain value: secret envelopes removed, deeply. */
export function reveal<T = unknown>(value: unknown): T {
  if (isSecretEnvelope(value)) return reveal(value.value);
  if (Array.isArray(value)) return value.map((v) => reveal(v)) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)])) as T;
  }
  return value as T;
}

/** One check failure: the property path (`ssh.port`, `networks[1].cidr`) and why. */
export type CheckFailure = pulumi.dynamic.CheckFailure;

/** Builds a check failure. */
export function failure(property: string, reason: string): CheckFailure {
  return { property, reason };
}

/** Short JSON rendering of a rejected value for messages, URL credentials masked (never use it on secrets). */
export function shown(value: unknown): string {
  const text = value === undefined ? "nothing" : JSON.stringify(value, (_key, v: unknown) => (typeof v === "string" ? maskUrlCredentials(v) : v));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Tags normalised for state and diff: sorted, unique, trimmed; unknown stays unknown. */
export function normalizeTags(tags: unknown): string[] | typeof UNKNOWN {
  if (tags === UNKNOWN) return UNKNOWN;
  if (!Array.isArray(tags)) return [];
  return [...new Set(tags.map((t) => String(reveal(t)).trim()))].sort();
}

/** Deep equality of two plain values after removing secret envelopes (so envelope vs plain is no diff). */
export function sameValue(a: unknown, b: unknown): boolean {
  return stableJson(reveal(a)) === stableJson(reveal(b));
}

/** Keys among `keys` whose values differ between `olds` and `news` (unknowns always differ). */
export function changedKeys(olds: Record<string, unknown>, news: Record<string, unknown>, keys: readonly string[]): string[] {
  return keys.filter((key) => isUnknown(news[key]) || !sameValue(olds[key], news[key]));
}

/** JSON with sorted object keys; `undefined` properties dropped. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)));
  });
}

/** Removes `undefined` values from an object (Pulumi structs cannot hold them). */
export function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
