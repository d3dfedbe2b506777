import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { checkEnvironment, formatIssue, planEnvironment, type EnvironmentSpec, type ResourcePlan } from "../../sdk/env";

/** Repository root and fixture folder. */
export const ROOT = resolve(__dirname, "../..");
export const FIXTURES = join(ROOT, "test/fixtures/env");

/** Validates text and returns the spec, failing the test with every formatted issue otherwise. */
export function validSpec(text: string, file: string): EnvironmentSpec {
  const result = checkEnvironment(text, file);
  if (!result.spec) throw new Error(`expected ${file} to validate:\n${result.issues.map(formatIssue).join("\n")}`);
  return result.spec;
}

/** Plans a file on disk (relative to the repository root). */
export function planFile(path: string): ResourcePlan[] {
  return planEnvironment(validSpec(readFileSync(join(ROOT, path), "utf8"), path));
}

/** The plan as name → entry, for comparing two plans resource by resource. */
export function byName(plan: readonly ResourcePlan[]): Map<string, ResourcePlan> {
  return new Map(plan.map((entry) => [entry.name, entry]));
}

/** kind, name and dependencies of each planned resource: the resource graph. */
export function graph(plan: readonly ResourcePlan[]): [string, string, string[]][] {
  return plan.map((entry) => [entry.kind, entry.name, entry.dependsOn]);
}
