/**
 * The subset of xapi's `get_all_records_where` query language clients use:
 * `field "name" = "value"`, `"value" = field "name"`, `<>`, `and`, `or`, `not`, `true`, `false`,
 * parentheses. Field values compare as xapi's database text (booleans "true"/"false").
 */
import { XapiFailure } from "./failure";
import type { XRecord } from "./record";

/** A compiled query: tells whether a record matches. */
export type Predicate = (record: XRecord) => boolean;

type Token = { kind: "word"; text: string } | { kind: "string"; text: string } | { kind: "op"; text: string };

/**
 * Compiles a query expression.
 * @throws XapiFailure `INVALID_VALUE ["expr", expr]` for text outside the supported subset
 */
export function compileQuery(expr: string): Predicate {
  const tokens = tokenize(expr);
  const parser = new Parser(tokens, expr);
  const predicate = parser.orExpr();
  parser.expectEnd();
  return predicate;
}

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i];
    if (/\s/.test(c)) i += 1;
    else if (c === '"') {
      let text = "";
      i += 1;
      while (i < expr.length && expr[i] !== '"') {
        if (expr[i] === "\\" && i + 1 < expr.length) i += 1;
        text += expr[i];
        i += 1;
      }
      if (i >= expr.length) throw invalid(expr);
      i += 1;
      tokens.push({ kind: "string", text });
    } else if (expr.startsWith("<>", i)) {
      tokens.push({ kind: "op", text: "<>" });
      i += 2;
    } else if ("=()".includes(c)) {
      tokens.push({ kind: "op", text: c });
      i += 1;
    } else {
      const word = /^[A-Za-z_]+/.exec(expr.slice(i));
      if (!word) throw invalid(expr);
      tokens.push({ kind: "word", text: word[0].toLowerCase() });
      i += word[0].length;
    }
  }
  return tokens;
}

function invalid(expr: string): XapiFailure {
  return new XapiFailure("INVALID_VALUE", ["expr", expr]);
}

/** Text of a field as the xapi database holds it. */
function dbText(value: unknown): string {
  if (typeof value === "boolean") return value ? "true" : "false";
  if (value === undefined || value === null) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

type Operand = (record: XRecord) => string;

class Parser {
  private at = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly expr: string,
  ) {}

  orExpr(): Predicate {
    let left = this.andExpr();
    while (this.accept("word", "or")) {
      const [l, r] = [left, this.andExpr()];
      left = (rec) => l(rec) || r(rec);
    }
    return left;
  }

  expectEnd(): void {
    if (this.at !== this.tokens.length) throw invalid(this.expr);
  }

  private andExpr(): Predicate {
    let left = this.unary();
    while (this.accept("word", "and")) {
      const [l, r] = [left, this.unary()];
      left = (rec) => l(rec) && r(rec);
    }
    return left;
  }

  private unary(): Predicate {
    if (this.accept("word", "not")) {
      const inner = this.unary();
      return (rec) => !inner(rec);
    }
    if (this.accept("word", "true")) return () => true;
    if (this.accept("word", "false")) return () => false;
    if (this.accept("op", "(")) {
      const inner = this.orExpr();
      if (!this.accept("op", ")")) throw invalid(this.expr);
      return inner;
    }
    return this.comparison();
  }

  private comparison(): Predicate {
    const left = this.operand();
    const equal = this.accept("op", "=") ? true : this.accept("op", "<>") ? false : undefined;
    if (equal === undefined) throw invalid(this.expr);
    const right = this.operand();
    return (rec) => (left(rec) === right(rec)) === equal;
  }

  private operand(): Operand {
    if (this.accept("word", "field")) {
      const name = this.next();
      if (name?.kind !== "string") throw invalid(this.expr);
      return (rec) => dbText(rec[name.text]);
    }
    const literal = this.next();
    if (literal?.kind !== "string") throw invalid(this.expr);
    return () => literal.text;
  }

  private next(): Token | undefined {
    const token = this.tokens[this.at];
    this.at += 1;
    return token;
  }

  /** Consumes the next token if it is the keyword or operator `text`. */
  private accept(kind: "word" | "op", text: string): boolean {
    const token = this.tokens[this.at];
    if (token?.kind !== kind || token.text !== text) return false;
    this.at += 1;
    return true;
  }
}
