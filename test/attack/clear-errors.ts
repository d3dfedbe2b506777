/** What "a clear error" means in the attack suite, as one check. */

/** Texts that show an error escaped as a programming fault rather than a message for the user. */
const FAULT_MARKERS = [/TypeError/, /Cannot read propert/, /is not a function/, /undefined is not/, /\[object Object\]/, /\n\s+at /, /\bNaN\b/];

/** Throws unless `reason` is a sentence of sane length that is not a leaked programming fault. */
export function expectClearReason(reason: unknown, context: string): void {
  if (typeof reason !== "string" || reason.trim().length < 8) throw new Error(`${context}: unclear error ${JSON.stringify(reason)}`);
  if (reason.length > 4_000) throw new Error(`${context}: error of ${reason.length} characters`);
  const fault = FAULT_MARKERS.find((marker) => marker.test(reason));
  if (fault) throw new Error(`${context}: error looks like a programming fault (${fault}): ${reason.slice(0, 300)}`);
}
