/**
 * Escapes text for an XML element body as xapi does: `& < > "` become entities and control
 * characters other than tab, newline and carriage return are dropped (XML 1.0 cannot carry them).
 * @param text any string
 * @returns the escaped text
 */
export function escapeXmlText(text: string): string {
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 && char !== "\t" && char !== "\n" && char !== "\r") continue;
    out += ESCAPES[char] ?? char;
  }
  return out;
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
