/**
 * Validation of an environment file's text: syntax, then the JSON Schema, then the checks the
 * schema cannot express (references, name clashes, package fields). Semantic checks run only on
 * schema-valid data, so each problem is reported once and in the most precise words.
 */
import { checkPackages } from "./check-packages";
import { checkReferences } from "./check-references";
import { checkProfiles } from "./profiles";
import type { EnvironmentIssue } from "./errors";
import { reporterInto } from "./report";
import { checkSchema } from "./schema-check";
import { parseSource } from "./source";
import type { EnvironmentSpec } from "./types";

/** The outcome of validating one file: its issues, and the model when there are none. */
export interface EnvironmentCheck {
  file: string;
  issues: EnvironmentIssue[];
  /** Present exactly when `issues` is empty. */
  spec?: EnvironmentSpec;
}

/** Validates `text` (YAML or JSON) read from `file` (the name used in messages); never throws for bad input. */
export function checkEnvironment(text: string, file: string): EnvironmentCheck {
  const source = parseSource(text, file);
  if (source.issues.length > 0) return { file, issues: source.issues };
  const schemaIssues = checkSchema(source);
  if (schemaIssues.length > 0) return { file, issues: schemaIssues };

  const spec = source.value as EnvironmentSpec;
  const issues: EnvironmentIssue[] = [];
  const report = reporterInto(source, issues);
  checkReferences(spec, report);
  checkProfiles(spec, report);
  checkPackages(spec, source, report);
  issues.sort((a, b) => a.line - b.line || a.column - b.column);
  return issues.length > 0 ? { file, issues } : { file, issues, spec };
}
