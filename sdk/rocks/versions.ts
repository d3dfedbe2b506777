import { validateConstraint, type ConstraintTerm } from "./validate";

/**
 * A version parsed the way luarocks orders versions: numeric parts, well-known words
 * (dev > scm > cvs > numbers > rc > pre > beta > alpha), and an optional revision.
 */
export interface ParsedVersion {
  parts: number[];
  revision?: number;
}

/** Weights luarocks gives to words inside versions (src/luarocks/core/vers.lua). */
const WORD_WEIGHTS: Record<string, number> = {
  dev: 120000000,
  scm: 110000000,
  cvs: 100000000,
  rc: -1000,
  pre: -10000,
  beta: -100000,
  alpha: -1000000,
};

/** Parses a luarocks version string ("1.2", "1.2-1", "2.0rc1-3", "scm-1"). */
export function parseVersion(text: string): ParsedVersion {
  let rest = text.trim();
  const parsed: ParsedVersion = { parts: [] };
  const revision = /^(.*)-(\d+)$/.exec(rest);
  if (revision) {
    rest = revision[1];
    parsed.revision = Number(revision[2]);
  }
  // A word occupies a slot; a number right after a word refines that slot ("rc1" ranks above "rc").
  let wordSlot = false;
  while (rest.length > 0) {
    const number = /^(\d+)[._-]*/.exec(rest);
    const word = number ? null : /^([A-Za-z]+)[._-]*/.exec(rest);
    if (number) {
      const value = Number(number[1]);
      if (wordSlot) parsed.parts[parsed.parts.length - 1] += value / 100000;
      else parsed.parts.push(value);
      wordSlot = false;
      rest = rest.slice(number[0].length);
    } else if (word) {
      const weight = WORD_WEIGHTS[word[1]] ?? word[1].charCodeAt(0) / 1000;
      if (wordSlot) parsed.parts[parsed.parts.length - 1] = weight;
      else parsed.parts.push(weight);
      wordSlot = true;
      rest = rest.slice(word[0].length);
    } else {
      parsed.parts.push(0); // luarocks gives up on the rest and counts it as 0
      break;
    }
  }
  return parsed;
}

/** Negative when a < b, positive when a > b, 0 when luarocks considers neither smaller. */
export function compareVersions(a: string, b: string): number {
  const va = parseVersion(a);
  const vb = parseVersion(b);
  for (let i = 0; i < Math.max(va.parts.length, vb.parts.length); i++) {
    const diff = (va.parts[i] ?? 0) - (vb.parts[i] ?? 0);
    if (diff !== 0) return diff;
  }
  if (va.revision !== undefined && vb.revision !== undefined) return va.revision - vb.revision;
  return 0;
}

/** luarocks' `==`: same parts, and the same revision when both versions have one ("1.2" == "1.2-3"). */
export function versionsEqual(a: string, b: string): boolean {
  const va = parseVersion(a);
  const vb = parseVersion(b);
  if (va.parts.length !== vb.parts.length || va.parts.some((part, i) => part !== vb.parts[i])) return false;
  return va.revision === undefined || vb.revision === undefined || va.revision === vb.revision;
}

/** The constraint terms a package request stands for: `version` as `==`, else `constraint`'s terms; [] = any version. */
export function requestTerms(request: { version?: string; constraint?: string }): ConstraintTerm[] {
  if (request.version !== undefined) return [{ op: "==", version: request.version }];
  if (request.constraint !== undefined) return validateConstraint(request.constraint);
  return [];
}

/** True when `version` satisfies every term (luarocks semantics, `~>` is a prefix match). */
export function satisfiesConstraint(version: string, terms: readonly ConstraintTerm[]): boolean {
  return terms.every((term) => satisfiesTerm(version, term));
}

function satisfiesTerm(version: string, { op, version: wanted }: ConstraintTerm): boolean {
  switch (op) {
    case "==":
      return versionsEqual(version, wanted);
    case "~=":
      return !versionsEqual(version, wanted);
    case "<":
      return compareVersions(version, wanted) < 0;
    case ">":
      return compareVersions(version, wanted) > 0;
    case "<=":
      return compareVersions(version, wanted) <= 0;
    case ">=":
      return compareVersions(version, wanted) >= 0;
    case "~>":
      return prefixMatches(version, wanted);
  }
}

function prefixMatches(version: string, wanted: string): boolean {
  const v = parseVersion(version);
  const w = parseVersion(wanted);
  if (w.parts.some((part, i) => part !== (v.parts[i] ?? 0))) return false;
  return w.revision === undefined || w.revision === v.revision;
}

/** The highest of `versions` by {@link compareVersions}, or undefined for an empty list. */
export function highestVersion(versions: readonly string[]): string | undefined {
  return versions.reduce<string | undefined>((best, v) => (best === undefined || compareVersions(v, best) > 0 ? v : best), undefined);
}
