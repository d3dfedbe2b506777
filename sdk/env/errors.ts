/** Problems found in an environment file, each with its place in the file and what was expected. */
import { BioxenError } from "../base/errors";

/** A 1-based place in a file. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/** One problem: where it is, which value (dotted path, e.g. "vms.web.count") and what was expected. */
export interface EnvironmentIssue extends SourcePosition {
  /** Dotted path of the value in the file ("" for the whole file). */
  path: string;
  /** What is wrong and what was expected, without the position. */
  message: string;
}

/** Formats an issue the way compilers do: `file:line:column: path: message`. */
export function formatIssue(issue: EnvironmentIssue): string {
  const where = `${issue.file}:${issue.line}:${issue.column}`;
  return issue.path ? `${where}: ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
}

/** Thrown when an environment file does not parse or validate; `issues` lists every problem found. */
export class EnvironmentError extends BioxenError {
  override readonly name = "EnvironmentError";
  readonly code = "BIOXEN_ENV" as const;
  readonly file: string;
  readonly issues: readonly EnvironmentIssue[];

  constructor(file: string, issues: readonly EnvironmentIssue[]) {
    const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
    super(`environment file ${file} has ${count}:\n${issues.map(formatIssue).join("\n")}`);
    this.file = file;
    this.issues = issues;
  }
}
