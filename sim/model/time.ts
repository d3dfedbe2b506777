/** xapi's compact datetime text. */

/** Formats a date as xapi emits it: `20250319T04:16:24Z` (UTC, no dashes, no fraction). */
export function xapiDate(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d+Z$/, "Z").replace(/-/g, "");
}
