/**
 * Validates a parsed environment against the published JSON Schema
 * (schema/bioxen-environment.schema.json) and reports each failure at its place in the file.
 */
import type { ValidateFunction } from "ajv";
import { Ajv } from "../base/lazy-modules";
import schema from "../../schema/bioxen-environment.schema.json";
import type { EnvironmentIssue } from "./errors";
import { describeSchemaError } from "./schema-messages";
import type { SourceDocument } from "./source";

/** The JSON Schema of environment files (draft-07), as published for editors. */
export const environmentSchema: Readonly<Record<string, unknown>> = schema;

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new (Ajv())({ allErrors: true, verbose: true, allowUnionTypes: true, strict: true });
    // VS Code's keyword for a readable pattern failure; we use it for our messages too.
    ajv.addVocabulary(["patternErrorMessage"]);
    compiled = ajv.compile(schema);
  }
  return compiled;
}

/** Every schema violation of `source.value`, located in the file, in file order. */
export function checkSchema(source: SourceDocument): EnvironmentIssue[] {
  const validate = validator();
  if (validate(source.value)) return [];
  const seen = new Set<string>();
  const issues: EnvironmentIssue[] = [];
  for (const error of validate.errors ?? []) {
    const problem = describeSchemaError(error, schema as Record<string, unknown>);
    if (!problem) continue;
    const issue = source.issueAt(problem.path, problem.message, problem.focus);
    const key = `${issue.line}:${issue.column}:${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues.sort((a, b) => a.line - b.line || a.column - b.column);
}
