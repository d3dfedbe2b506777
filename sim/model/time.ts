/** xapi's compact datetime text. */

/** Formats a date as xapi emits it: `20250319T04:16:24Z` (UTC, no dashes, no fraction). */
export function xapiDate(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d+Z$/, "Z").replace(/-/g, "");
}

/** The instant (ms since the epoch) of an xapi datetime text such as `20250319T04:16:24Z`; NaN when it is not one. */
export function parseXapiDate(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/.exec(text);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) : NaN;
}
