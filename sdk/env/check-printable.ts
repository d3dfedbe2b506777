/**
 * Every name and string of an environment file reaches XAPI (names, tags, descriptions, template
 * and SR names), a file path (`tls.caFile`, trees) or a command line byte-exact: a control
 * character in one is reported at its line (sdk/base/printable.ts). `cloudInit` is left to its
 * own checks: user-data and file contents are free, multi-line text.
 */
import { controlCharacterReason } from "../base/printable";
import type { Report } from "./report";
import type { PathSegment } from "./source";
import type { EnvironmentSpec } from "./types";

/** Subtrees holding free text, checked by their own rules. */
const FREE_TEXT_KEYS: ReadonlySet<string> = new Set(["cloudInit"]);

/** Reports each key and string value of `spec` that holds a control character. */
export function checkPrintable(spec: EnvironmentSpec, report: Report): void {
  walk(spec, [], report);
}

function walk(value: unknown, at: PathSegment[], report: Report): void {
  if (typeof value === "string") {
    const reason = controlCharacterReason(value);
    if (reason) report(at, reason);
    return;
  }
  if (value === null || typeof value !== "object") return;
  for (const [key, child] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
    const path = [...at, key];
    if (typeof key === "string") {
      const reason = controlCharacterReason(key);
      if (reason) report(path, `the name ${reason}`, "key");
      if (FREE_TEXT_KEYS.has(key)) continue;
    }
    walk(child, path, report);
  }
}
