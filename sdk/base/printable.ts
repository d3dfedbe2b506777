/**
 * Text that reaches XAPI (names, tags, descriptions, template and SR names) or a file path is
 * taken byte-exact: a NUL, a newline or an escape sequence would be stored in the pool, hide in
 * what XenCenter and `xe` show, or cut a path short. Such inputs must be printable.
 */

/** C0 control characters (NUL, newline, ESC…) and DEL. */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** Whether `text` holds a control character (C0 or DEL). */
export function hasControlCharacter(text: string): boolean {
  return CONTROL_CHARACTER.test(text);
}

/**
 * Why `text` is refused ("must not contain control characters (U+000A at position 3 of …)"), or
 * undefined when it is printable; the caller puts the input's name before it.
 */
export function controlCharacterReason(text: string): string | undefined {
  const at = text.search(CONTROL_CHARACTER);
  if (at < 0) return undefined;
  const code = text.charCodeAt(at).toString(16).toUpperCase().padStart(4, "0");
  return `must not contain control characters (U+${code} at position ${at} of ${JSON.stringify(text)}); remove it`;
}

/**
 * Throws a RangeError naming `field` (as the user wrote it, e.g. `tags[2]`, `tls.caFile`) when
 * `text` holds a control character; returns `text`.
 * @throws RangeError, before anything is sent or read
 */
export function assertPrintable(text: string, field: string): string {
  const reason = controlCharacterReason(text);
  if (reason) throw new RangeError(`${field} ${reason}`);
  return text;
}
