/**
 * Keeps docs/api.md complete: every runtime export of the public entry points (and of the two
 * internal modules the reference documents) must be named there in backticks. Type-only exports
 * do not exist at runtime and are not checked.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as root from "../../index";
import * as provider from "../../provider/index";
import * as sim from "../../sim/index";
import * as wire from "../../sdk/xapi/wire";
import * as xcpng from "../../sdk/vm/xcpng";
import * as vmNetwork from "../../sdk/vm/network";
import { SETTING_SOURCES } from "../../provider/runtime/config";

const DOCS = join(__dirname, "..", "..", "docs");
const API_DOC = join(DOCS, "api.md");

/** Code spans of a Markdown text (single-backtick spans; fenced blocks are not spans). */
function codeSpans(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, "");
  return [...prose.matchAll(/`([^`\n]+)`/g)].map((match) => match[1]);
}

/**
 * Whether `name` is documented: a code span that is the name, or starts with it as a call or
 * signature (`createVm(id, spec?)`, `LuaRocks(target, {…})`, `ownerTag` (…)).
 */
function documents(spans: readonly string[], name: string): boolean {
  const escaped = name.replace(/[$]/g, "\\$");
  const pattern = new RegExp(`^${escaped}(?![A-Za-z0-9_$])`);
  return spans.some((span) => pattern.test(span));
}

/** The runtime export names of a module namespace. */
function runtimeNames(namespace: object): string[] {
  return Object.keys(namespace)
    .filter((name) => name !== "default" && name !== "__esModule")
    .sort();
}

const ENTRY_POINTS: Array<[string, object]> = [
  ["bioxen-luavm (index.ts)", root],
  ["bioxen-luavm/provider (provider/index.ts)", provider],
  ["bioxen-luavm/sim (sim/index.ts)", sim],
  ["sdk/xapi/wire (internal, documented)", wire],
  ["sdk/vm/xcpng (internal, documented)", xcpng],
  ["sdk/vm/network (internal, documented)", vmNetwork],
];

describe("docs/api.md", () => {
  const spans = codeSpans(readFileSync(API_DOC, "utf8"));

  it.each(ENTRY_POINTS)("names every runtime export of %s", (_label, namespace) => {
    const names = runtimeNames(namespace);
    expect(names.length).toBeGreaterThan(0);
    const missing = names.filter((name) => !documents(spans, name));
    expect(missing, `exports missing from docs/api.md (add a line naming each in backticks)`).toEqual([]);
  });

  it.each(["api.md", "installation.md"])("%s lists every provider setting with its env fallback", (file) => {
    const rows = readFileSync(join(DOCS, file), "utf8")
      .split("\n")
      .filter((line) => line.startsWith("| `bioxen:"));
    const documented = rows.map((row) => [...row.matchAll(/`([^`]+)`/g)].slice(0, 2).map((m) => m[1]).join(" "));
    const expected = Object.values(SETTING_SOURCES).map((source) => `${source.configKey} ${source.envVar}`);
    expect(documented.sort()).toEqual(expected.sort());
  });

  it("recognises a name only as a whole code span prefix", () => {
    const sample = codeSpans("`createVm(id)` and `LuaRocksError` and\n```ts\nfenced()\n```\n");
    expect(documents(sample, "createVm")).toBe(true);
    expect(documents(sample, "LuaRocks")).toBe(false);
    expect(documents(sample, "fenced")).toBe(false);
  });
});
