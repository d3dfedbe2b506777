/**
 * Parses YAML (and JSON, which is YAML) while keeping the syntax tree, so any value found by its
 * path can be traced back to a line and column of the file.
 */
import type { Document, Node } from "yaml";
import { yaml } from "../base/lazy-modules";
import type { EnvironmentIssue } from "./errors";

/** One segment of a path into the parsed value: a map key or a sequence index. */
export type PathSegment = string | number;

/** A parsed file: its plain value plus what is needed to locate any part of it. */
export interface SourceDocument {
  readonly file: string;
  /** The parsed value (aliases resolved); undefined when the file did not parse. */
  readonly value: unknown;
  /** Syntax errors, empty when the file parsed. */
  readonly issues: EnvironmentIssue[];
  /** Issue at the key (`focus: "key"`) or value of `path`, or at its closest located ancestor. */
  issueAt(path: readonly PathSegment[], message: string, focus?: "key" | "value"): EnvironmentIssue;
}

/** Guards against alias bombs: a file expanding to more nodes than this is refused by `yaml`. */
const MAX_ALIAS_COUNT = 100;

/** Parses `text` (YAML 1.2 or JSON) read from `file` (used only in messages). */
export function parseSource(text: string, file: string): SourceDocument {
  const lines = new (yaml().LineCounter)();
  const documents = yaml().parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return { file, line, column: col };
  };
  const docs = Array.isArray(documents) ? documents : [];
  const document = docs[0] as Document.Parsed | undefined;

  const issues: EnvironmentIssue[] = [];
  if (docs.length === 0) {
    issues.push({ ...at(0), path: "", message: "the file is empty; expected a mapping that starts with `version: 1`" });
  }
  for (const doc of docs) {
    for (const error of doc.errors) {
      const message = error.code === "DUPLICATE_KEY" ? duplicateKeyMessage(keyAt(text, error.pos[0])) : syntaxMessage(error.message);
      issues.push({ ...at(error.pos[0]), path: "", message });
    }
  }
  if (docs.length > 1) {
    const second = docs[1].contents?.range?.[0] ?? text.length;
    issues.push({ ...at(second), path: "", message: "expected one YAML document, found a second one (remove the `---` separator)" });
  }

  let value: unknown;
  if (issues.length === 0 && document) {
    try {
      value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      issues.push({ ...at(0), path: "", message: `the file cannot be read as data: ${(error as Error).message}` });
    }
  }

  return {
    file,
    value,
    issues,
    issueAt(path, message, focus = "value") {
      const offset = document ? locate(document, path, focus) : 0;
      return { ...at(offset), path: dotted(path), message };
    },
  };
}

/** Dotted form of a path for messages: vms.web.networks[0]. */
export function dotted(path: readonly PathSegment[]): string {
  return path.map((segment, i) => (typeof segment === "number" ? `[${segment}]` : i === 0 ? segment : `.${segment}`)).join("");
}

/** The `yaml` message without its own "at line …" suffix (we print the position ourselves). */
function syntaxMessage(message: string): string {
  const text = message.replace(/ at line \d+, column \d+:[\s\S]*$/, "").trim();
  return `YAML syntax error: ${text}`;
}

function duplicateKeyMessage(key: string): string {
  return `duplicate key ${key}; each key may appear only once in a mapping`;
}

/** The key token starting at `offset` (quoted as written, or a plain scalar up to ':'), for messages. */
function keyAt(text: string, offset: number): string {
  const token = /^("(?:[^"\\]|\\.)*"|'[^']*'|[^:,{}\[\]\n]+)/.exec(text.slice(offset, offset + 200));
  const key = token ? token[1].trim() : "";
  return key.startsWith('"') || key.startsWith("'") ? key : JSON.stringify(key);
}

/** Offset of the key or value at `path`, falling back to the deepest ancestor that exists in the tree. */
function locate(document: Document.Parsed, path: readonly PathSegment[], focus: "key" | "value"): number {
  let node: unknown = document.contents;
  let offset = startOf(node) ?? 0;
  for (let i = 0; i < path.length; i++) {
    if (yaml().isAlias(node)) node = node.resolve(document);
    const last = i === path.length - 1;
    if (yaml().isMap(node)) {
      const pair = node.items.find((item) => yaml().isPair(item) && keyText(item.key) === String(path[i]));
      if (!pair) return offset;
      if (last && focus === "key") return startOf(pair.key) ?? offset;
      // A key without value (`password:`) has a null value node or none: point at the key.
      node = pair.value;
      offset = (isEmpty(pair.value) ? undefined : startOf(pair.value)) ?? startOf(pair.key) ?? offset;
    } else if (yaml().isSeq(node) && typeof path[i] === "number") {
      node = node.items[path[i] as number];
      offset = startOf(node) ?? offset;
    } else {
      return offset;
    }
  }
  return offset;
}

function isEmpty(node: unknown): boolean {
  return yaml().isScalar(node) && node.value === null && node.source === "";
}

function keyText(key: unknown): string | undefined {
  if (yaml().isScalar(key)) return String(key.value);
  return undefined;
}

function startOf(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}
