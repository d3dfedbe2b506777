/**
 * Validation of an environment file's text: syntax, then the JSON Schema, then the checks the
 * schema cannot express (references, name clashes, package fields, cloud-init documents, template
 * or adopt, placement on private networks). Semantic checks run only on schema-valid data, so each
 * problem is reported once and in the most precise words.
 */
import { checkAdopt } from "./check-adopt";
import { checkCloudInit } from "./check-cloud-init";
import { checkPrintable } from "./check-printable";
import { checkPackages } from "./check-packages";
import { checkPlacement } from "./check-placement";
import { checkReferences } from "./check-references";
import { checkProfiles } from "./profiles";
import type { EnvironmentIssue } from "./errors";
import { checkLockFits, parseLock, type EnvironmentLock } from "./lock";
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
  /** The lock, when one was given and `issues` is empty. */
  lock?: EnvironmentLock;
}

/** A lock file's text and name, checked together with its environment file. */
export interface LockText {
  text: string;
  file: string;
}

/** Environment texts larger than this (UTF-8 bytes) are refused before parsing (an environment file is a few KiB). */
export const MAX_ENVIRONMENT_FILE_BYTES = 1024 * 1024;

/**
 * Validates `text` (YAML or JSON) read from `file` (the name used in messages), and with `lock`
 * that lock file too: its shape, and that it still satisfies the environment. Never throws for
 * bad input. A text over {@link MAX_ENVIRONMENT_FILE_BYTES} is one issue, and is not parsed.
 */
export function checkEnvironment(text: string, file: string, lock?: LockText): EnvironmentCheck {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_ENVIRONMENT_FILE_BYTES) {
    return { file, issues: [{ file, line: 1, column: 1, path: "", message: `the environment is ${bytes} bytes, more than the ${MAX_ENVIRONMENT_FILE_BYTES} allowed; an environment file is a few KiB` }] };
  }
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
  checkCloudInit(spec, report);
  checkAdopt(spec, report);
  checkPlacement(spec, report);
  checkPrintable(spec, report);
  issues.sort((a, b) => a.line - b.line || a.column - b.column);
  if (issues.length > 0) return { file, issues };
  if (!lock) return { file, issues, spec };
  const locked = parseLock(lock.text, lock.file);
  if (!locked.lock) return { file, issues: locked.issues };
  const misfits = checkLockFits(spec, source, { ...locked, lock: locked.lock });
  return misfits.length > 0 ? { file, issues: misfits } : { file, issues, spec, lock: locked.lock };
}
