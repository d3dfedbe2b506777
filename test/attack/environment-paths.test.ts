/**
 * Issue #16: relative paths in an environment file (`tls.caFile`, a local installation's `tree`)
 * resolve against the FILE's folder, the resource inputs (what a preview shows) hold the resolved
 * path, every resolution is reported, and a `..` that leaves the project folder is a warning.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseEnvironment, planEnvironment, type ResourcePlan } from "../../sdk/env";
import { resolveArgs } from "../../provider/environment";

const PROJECT = "/srv/project";
const FILE_DIR = join(PROJECT, "environments/lab");

function environment(caFile: string, tree: string): ResourcePlan[] {
  const text = [
    "version: 1",
    "connections:",
    `  pool: { url: "https://pool.example.org", username: root, password: { env: POOL_PASSWORD }, tls: { caFile: "${caFile}" } }`,
    "networks:",
    "  backend: { connection: pool }",
    "local:",
    `  dev: { tree: "${tree}" }`,
  ].join("\n");
  return planEnvironment(parseEnvironment(text, join(FILE_DIR, "env.yaml")).spec);
}

function resolved(caFile: string, tree: string) {
  const notes: Array<[string, string]> = [];
  const plans = environment(caFile, tree);
  const context = { projectDir: PROJECT, fileDir: FILE_DIR, resources: new Map(), env: { POOL_PASSWORD: "pw-0c1" }, report: (level: string, message: string) => void notes.push([level, message]) };
  const args = Object.fromEntries(plans.map((plan) => [plan.name, resolveArgs(plan, context) as unknown as Record<string, any>]));
  return { network: args["net:backend"]!, local: args["local:dev"]!, notes };
}

describe("relative paths of an environment file", () => {
  it("resolve against the file's folder; the inputs hold the absolute path and each resolution is reported", () => {
    const { network, local, notes } = resolved("certs/ca.pem", "trees/dev");
    expect(network.connection.caFile).toBe(join(FILE_DIR, "certs/ca.pem"));
    expect(local.tree).toBe(join(FILE_DIR, "trees/dev"));
    expect(notes).toEqual([
      ["info", `net:backend: connection.caFile: certs/ca.pem resolves to ${join(FILE_DIR, "certs/ca.pem")} (relative to the environment file's folder ${FILE_DIR})`],
      ["info", `local:dev: tree: trees/dev resolves to ${join(FILE_DIR, "trees/dev")} (relative to the environment file's folder ${FILE_DIR})`],
    ]);
  });

  it("a `..` that stays inside the project folder is fine", () => {
    const { local, notes } = resolved("../../certs/ca.pem", "../../lua_modules");
    expect(local.tree).toBe(join(PROJECT, "lua_modules"));
    expect(notes.filter(([level]) => level === "warn")).toEqual([]);
  });

  it("a `..` that leaves the project folder is a warning naming the file key, the path as written and as resolved", () => {
    const { network, local, notes } = resolved("../../../ca.pem", "../../../../tmp/tree");
    expect(network.connection.caFile).toBe("/srv/ca.pem");
    expect(local.tree).toBe("/tmp/tree");
    const warnings = notes.filter(([level]) => level === "warn").map(([, message]) => message);
    expect(warnings).toEqual([
      `net:backend: connection.caFile: ../../../ca.pem resolves to /srv/ca.pem, outside the project folder ${PROJECT}; keep files the deployment needs inside the repository`,
      `local:dev: tree: ../../../../tmp/tree resolves to /tmp/tree, outside the project folder ${PROJECT}; keep files the deployment needs inside the repository`,
    ]);
  });

  it("absolute paths are kept as written, with no note", () => {
    const { network, local, notes } = resolved("/etc/ssl/ca.pem", "/opt/tree");
    expect([network.connection.caFile, local.tree]).toEqual(["/etc/ssl/ca.pem", "/opt/tree"]);
    expect(notes).toEqual([]);
  });
});
