/** One significant Lua token (comments and whitespace are dropped). */
export interface LuaToken {
  kind: "name" | "string" | "number" | "symbol";
  /** The token's text as written (for a string: including its quotes or brackets). */
  text: string;
  /** Offset of the first character in the source. */
  start: number;
  /** Offset just past the last character. */
  end: number;
}

const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;

/**
 * Splits Lua source (5.1–5.4) into tokens, skipping comments, short and long strings correctly so
 * keywords inside them are never seen. It is not a validator: malformed input yields best-effort
 * tokens and the Lua compiler reports the real error later.
 * @param source Lua code
 */
export function tokenizeLua(source: string): LuaToken[] {
  const tokens: LuaToken[] = [];
  let pos = 0;
  const push = (kind: LuaToken["kind"], start: number, end: number) => {
    tokens.push({ kind, text: source.slice(start, end), start, end });
  };
  while (pos < source.length) {
    const char = source[pos];
    const start = pos;
    if (/\s/.test(char)) {
      pos += 1;
    } else if (source.startsWith("--", pos)) {
      const level = longBracketLevel(source, pos + 2);
      pos = level >= 0 ? longBracketEnd(source, pos + 2, level) : lineEnd(source, pos);
    } else if (char === '"' || char === "'") {
      pos = quotedStringEnd(source, pos);
      push("string", start, pos);
    } else if (char === "[" && longBracketLevel(source, pos) >= 0) {
      pos = longBracketEnd(source, pos, longBracketLevel(source, pos));
      push("string", start, pos);
    } else if (NAME_START.test(char)) {
      while (pos < source.length && NAME_PART.test(source[pos])) pos += 1;
      push("name", start, pos);
    } else if (DIGIT.test(char) || (char === "." && DIGIT.test(source[pos + 1] ?? ""))) {
      pos = numberEnd(source, pos);
      push("number", start, pos);
    } else {
      pos += 1;
      push("symbol", start, pos);
    }
  }
  return tokens;
}

/** For `[`, `[=[`, `[==[`, … at `pos`: the number of `=`; -1 when no long bracket opens there. */
function longBracketLevel(source: string, pos: number): number {
  if (source[pos] !== "[") return -1;
  let level = 0;
  while (source[pos + 1 + level] === "=") level += 1;
  return source[pos + 1 + level] === "[" ? level : -1;
}

function longBracketEnd(source: string, pos: number, level: number): number {
  const close = `]${"=".repeat(level)}]`;
  const found = source.indexOf(close, pos + level + 2);
  return found < 0 ? source.length : found + close.length;
}

function lineEnd(source: string, pos: number): number {
  const found = source.indexOf("\n", pos);
  return found < 0 ? source.length : found;
}

function quotedStringEnd(source: string, pos: number): number {
  const quote = source[pos];
  let at = pos + 1;
  while (at < source.length && source[at] !== quote && source[at] !== "\n") {
    at += source[at] === "\\" ? 2 : 1;
  }
  return Math.min(at + 1, source.length);
}

function numberEnd(source: string, pos: number): number {
  let at = pos;
  while (at < source.length) {
    const char = source[at];
    const previous = source[at - 1] ?? "";
    const exponentSign = (char === "+" || char === "-") && /[eEpP]/.test(previous) && at > pos;
    if (!NAME_PART.test(char) && char !== "." && !exponentSign) break;
    at += 1;
  }
  return at;
}
