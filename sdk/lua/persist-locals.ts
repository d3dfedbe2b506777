import { tokenizeLua, type LuaToken } from "./lexer";

const OPENS_BLOCK = new Set(["function", "do", "if", "repeat"]);
const CLOSES_BLOCK = new Set(["end", "until"]);

/**
 * Rewrites the top-level `local` declarations of a chunk into assignments, so that a session
 * (whose chunks run with a persistent environment table) keeps them between calls:
 * `local x = 1` → `x = 1`, `local a, b` → `a, b = nil`, `local function f` → `function f`,
 * `local k <const> = 2` → `k = 2`. Locals inside functions and blocks are untouched, as are
 * `<close>` variables (their meaning needs a real local). Comments and strings are left exactly
 * as written.
 * @param source a Lua chunk
 */
export function persistTopLevelLocals(source: string): string {
  const tokens = tokenizeLua(source);
  const edits: Array<{ start: number; end: number; text: string }> = [];
  let depth = 0;
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index];
    if (token.kind !== "name") continue;
    if (OPENS_BLOCK.has(token.text)) depth += 1;
    else if (CLOSES_BLOCK.has(token.text)) depth = Math.max(0, depth - 1);
    else if (token.text === "local" && depth === 0 && !isFieldName(tokens, index)) {
      edits.push(...rewriteLocal(tokens, index));
    }
  }
  let result = source;
  // Back to front, so earlier offsets stay valid; at one offset, the removal before the insertion.
  for (const edit of edits.sort((a, b) => b.start - a.start || b.end - a.end)) {
    result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  }
  return result;
}

/** `t.local` or `t:local` are not keywords (Lua would reject them, but do not rewrite them). */
function isFieldName(tokens: LuaToken[], index: number): boolean {
  const previous = tokens[index - 1];
  return previous?.kind === "symbol" && (previous.text === "." || previous.text === ":");
}

/** The edits that turn the `local` statement starting at tokens[index] into an assignment. */
function rewriteLocal(tokens: LuaToken[], index: number): Array<{ start: number; end: number; text: string }> {
  const keyword = tokens[index];
  const next = tokens[index + 1];
  if (next === undefined) return [];
  const dropKeyword = { start: keyword.start, end: next.start, text: "" };
  if (next.kind === "name" && next.text === "function") return [dropKeyword];

  const edits = [dropKeyword];
  let at = index + 1;
  let lastName: LuaToken | undefined;
  while (tokens[at]?.kind === "name") {
    lastName = tokens[at];
    at += 1;
    if (tokens[at]?.text === "<" && tokens[at + 2]?.text === ">") {
      if (tokens[at + 1].text === "close") return [];
      edits.push({ start: lastName.end, end: tokens[at + 2].end, text: "" });
      at += 3;
    }
    if (tokens[at]?.text !== ",") break;
    at += 1;
  }
  if (lastName === undefined) return [];
  const hasValues = tokens[at]?.text === "=" && tokens[at + 1]?.text !== "=";
  if (!hasValues) edits.push({ start: lastName.end, end: lastName.end, text: " = nil" });
  return edits;
}
