/**
 * Check helpers shared by the resources: unexpected input keys, and the inputs several resources
 * have (`connection`, `timeouts`). They only look at the values (no network) and pass unknowns.
 */
import { controlCharacterReason, maskUrlCredentials } from "../../sdk/base";
import { normalizeFingerprint256 } from "../../sdk/xapi";
import { failure, isUnknown, reveal, shown, type CheckFailure } from "./inputs";

/** Failures for keys that are not inputs of the resource (typos in plain-JavaScript programs). */
export function unexpectedKeys(news: Record<string, unknown>, known: readonly string[]): CheckFailure[] {
  return Object.keys(news)
    .filter((key) => !key.startsWith("__") && !known.includes(key))
    .map((key) => failure(key, `is not an input of this resource (known inputs: ${known.join(", ")})`));
}

/** Check failures for a per-resource `connection` input (the password is never echoed). */
export function checkConnectionInput(property: string, value: unknown): CheckFailure[] {
  if (value === undefined || isUnknown(value)) return [];
  const conn = reveal<Record<string, unknown>>(value);
  if (conn === null || typeof conn !== "object" || Array.isArray(conn)) return [failure(property, `must be an object { url?, username?, password?, tlsFingerprint?, caFile? }, got ${shown(typeof conn)}`)];
  const failures: CheckFailure[] = [];
  for (const key of Object.keys(conn)) {
    if (!["url", "username", "password", "tlsFingerprint", "caFile"].includes(key)) failures.push(failure(`${property}.${key}`, "is not a connection field (url, username, password, tlsFingerprint, caFile)"));
  }
  if (conn.url !== undefined && !isUnknown(conn.url) && !isHttpUrl(conn.url)) failures.push(failure(`${property}.url`, `must be an http(s) URL without credentials, got ${shown(typeof conn.url === "string" ? maskUrlCredentials(conn.url) : conn.url)}`));
  for (const key of ["username", "caFile"] as const) {
    if (conn[key] !== undefined && !isUnknown(conn[key]) && (typeof conn[key] !== "string" || conn[key] === "")) failures.push(failure(`${property}.${key}`, `must be a non-empty string, got ${shown(conn[key])}`));
    else failures.push(...printableFailures(`${property}.${key}`, conn[key]));
  }
  if (conn.password !== undefined && !isUnknown(conn.password) && (typeof conn.password !== "string" || conn.password === "")) failures.push(failure(`${property}.password`, "must be a non-empty string; value not shown"));
  if (conn.tlsFingerprint !== undefined && !isUnknown(conn.tlsFingerprint) && !isFingerprint(conn.tlsFingerprint)) {
    failures.push(failure(`${property}.tlsFingerprint`, `must be a SHA-256 certificate fingerprint ("AB:CD:…", 32 bytes), got ${shown(conn.tlsFingerprint)}`));
  }
  if (conn.tlsFingerprint !== undefined && conn.caFile !== undefined) failures.push(failure(`${property}.caFile`, "give either tlsFingerprint or caFile, not both"));
  return failures;
}

/** A failure for a string input (it reaches XAPI or a file path byte-exact) that holds a control character. */
export function printableFailures(property: string, value: unknown): CheckFailure[] {
  const reason = typeof value === "string" ? controlCharacterReason(value) : undefined;
  return reason ? [failure(property, reason)] : [];
}

/** Upper bounds for `timeouts` fields, in seconds. */
const MAX_TIMEOUT_S = 24 * 3600;

/**
 * Check failures for a `timeouts` input whose allowed keys are `keys` (seconds, positive
 * numbers ≤ 24 h).
 */
export function checkTimeouts(property: string, value: unknown, keys: readonly string[]): CheckFailure[] {
  if (value === undefined || isUnknown(value)) return [];
  const timeouts = reveal<Record<string, unknown>>(value);
  if (timeouts === null || typeof timeouts !== "object" || Array.isArray(timeouts)) return [failure(property, `must be an object with ${keys.join(", ")} in seconds, got ${shown(timeouts)}`)];
  const failures: CheckFailure[] = [];
  for (const [key, seconds] of Object.entries(timeouts)) {
    if (!keys.includes(key)) failures.push(failure(`${property}.${key}`, `is not a timeout of this resource (allowed: ${keys.join(", ")})`));
    else if (!isUnknown(seconds) && (typeof seconds !== "number" || !(seconds > 0) || seconds > MAX_TIMEOUT_S)) {
      failures.push(failure(`${property}.${key}`, `must be a number of seconds > 0 and ≤ ${MAX_TIMEOUT_S}, got ${shown(seconds)}`));
    }
  }
  return failures;
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== "string") return false;
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && !url.username && !url.password;
  } catch {
    return false;
  }
}

function isFingerprint(value: unknown): boolean {
  if (typeof value !== "string") return false;
  try {
    normalizeFingerprint256(value);
    return true;
  } catch {
    return false;
  }
}
