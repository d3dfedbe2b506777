/** The sink semantic checks report into: a problem at a path of the file. */
import type { EnvironmentIssue } from "./errors";
import type { PathSegment, SourceDocument } from "./source";

/** Records a problem at `path` (pointing at the key with `focus: "key"`). */
export type Report = (path: readonly PathSegment[], message: string, focus?: "key" | "value") => void;

/** A {@link Report} that collects located issues into `issues`. */
export function reporterInto(source: SourceDocument, issues: EnvironmentIssue[]): Report {
  return (path, message, focus) => issues.push(source.issueAt(path, message, focus));
}

/** "one of: a, b" or a note that the section is empty, for "unknown X" messages. */
export function knownNames(section: string, names: readonly string[]): string {
  return names.length === 0 ? `no ${section} are defined` : `expected one of: ${names.join(", ")} (under ${section})`;
}
