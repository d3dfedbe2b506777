import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkEnvironment, formatIssue, loadEnvironmentFile, planEnvironment } from "../../sdk/env";
import { FIXTURES, validSpec } from "./helpers";

describe("JSON environment files", () => {
  it("a JSON file validates and plans exactly like the same environment in YAML", async () => {
    const fromJson = await loadEnvironmentFile(join(FIXTURES, "valid/everything.json"));
    const fromYaml = validSpec(readFileSync(join(FIXTURES, "valid/everything.yaml"), "utf8"), "everything.yaml");
    expect(fromJson.spec).toEqual(fromYaml);
    expect(planEnvironment(fromJson.spec)).toEqual(planEnvironment(fromYaml));
  });

  it("positions in JSON point at the offending value", () => {
    const text = '{\n  "version": 1,\n  "local": {\n    "dev": { "interpreter": 54 }\n  }\n}\n';
    expect(checkEnvironment(text, "env.json").issues.map(formatIssue)).toEqual([
      "env.json:4:29: local.dev.interpreter: expected a string, got 54",
    ]);
  });

  it("a JSON syntax error is reported at its position", () => {
    const issues = checkEnvironment('{\n  "version": 1,\n  "local": { "dev": {} \n}\n', "env.json").issues.map(formatIssue);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^env\.json:\d+:\d+: YAML syntax error: .*(\}|flow)/i);
  });
});
