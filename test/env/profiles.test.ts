import { describe, expect, it } from "vitest";
import { checkEnvironment, formatIssue, planEnvironment, type LuaPackagePlanArgs, type ResourcePlan } from "../../sdk/env";
import { validSpec } from "./helpers";

const VM = `    connection: lab
    template: t
    networks: [{ poolNetwork: eth0 }]
    ssh: { user: lua, privateKey: { env: KEY } }`;
const HEAD = `version: 1
connections:
  lab: { url: https://lab.example.org, username: root, password: { env: PW } }
`;

function issues(text: string): string[] {
  return checkEnvironment(text, "env.yaml").issues.map(formatIssue);
}

function packages(plan: readonly ResourcePlan[]): Record<string, LuaPackagePlanArgs> {
  return Object.fromEntries(plan.filter((p): p is ResourcePlan<"LuaPackage"> => p.kind === "LuaPackage").map((p) => [p.name, p.args]));
}

describe("package profiles", () => {
  it("a VM and a local installation get their profile's packages, inherited ones included, a child's replacing its parent's", () => {
    const spec = validSpec(
      `${HEAD}profiles:
  base:
    packages:
      - { name: alpha, version: "1.0-1" }
      - { name: beta, constraint: ">= 1.0" }
  bio:
    extends: base
    packages:
      - { name: alpha, constraint: ">= 2", servers: [ "https://rocks.example.org" ] }
      - { name: gamma }
vms:
  web:
${VM}
    count: 2
    profile: bio
    packages: [{ name: delta }]
local:
  dev: { profile: base }
`,
      "env.yaml",
    );
    expect(packages(planEnvironment(spec))).toEqual({
      "pkg:local:dev/alpha": { target: { ref: "local:dev", output: "target" }, name: "alpha", version: "1.0-1" },
      "pkg:local:dev/beta": { target: { ref: "local:dev", output: "target" }, name: "beta", constraint: ">= 1.0" },
      ...Object.fromEntries(
        ["web-0", "web-1"].flatMap((vm) => {
          const target = { ref: `vm:${vm}`, output: "sshTarget" };
          return [
            [`pkg:${vm}/alpha`, { target, name: "alpha", constraint: ">= 2", servers: ["https://rocks.example.org"] }],
            [`pkg:${vm}/beta`, { target, name: "beta", constraint: ">= 1.0" }],
            [`pkg:${vm}/delta`, { target, name: "delta" }],
            [`pkg:${vm}/gamma`, { target, name: "gamma" }],
          ];
        }),
      ),
    });
  });

  it("an unknown profile, an unknown parent and a cycle are errors at their line and column", () => {
    expect(
      issues(`${HEAD}profiles:
  a: { extends: b }
  b: { extends: c }
  c: { extends: a }
  d: { extends: nope }
  e: { extends: e }
vms:
  web:
${VM}
    profile: bioo
local:
  dev: { profile: missing }
`),
    ).toEqual([
      'env.yaml:5:17: profiles.a.extends: profiles extend each other in a cycle: a → b → c → a; remove one of these extends',
      'env.yaml:8:17: profiles.d.extends: unknown profile "nope"; expected one of: a, b, c, d, e (under profiles)',
      "env.yaml:9:17: profiles.e.extends: profiles extend each other in a cycle: e → e; remove one of these extends",
      'env.yaml:16:14: vms.web.profile: unknown profile "bioo"; expected one of: a, b, c, d, e (under profiles)',
      'env.yaml:18:19: local.dev.profile: unknown profile "missing"; expected one of: a, b, c, d, e (under profiles)',
    ]);
  });

  it("a package a VM lists itself and gets from its profile is declared twice; profile packages are validated like any", () => {
    expect(
      issues(`${HEAD}profiles:
  bio:
    packages:
      - { name: alpha, version: "1 beta" }
      - { name: beta, tree: /opt/rocks }
vms:
  web:
${VM}
    profile: bio
    packages: [{ name: alpha }]
local:
  dev: { profile: bio }
`),
    ).toEqual([
      'env.yaml:7:33: profiles.bio.packages[0].version: invalid version "1 beta": a version is dot-separated letters/digits with an optional "-<revision>", e.g. "1.2" or "1.2-1"',
      'env.yaml:8:29: profiles.bio.packages[1].tree: this profile reaches local installation "dev", whose packages go into its own tree; drop tree here or use another profile there',
      'env.yaml:16:16: vms.web.packages[0]: package "alpha" is already declared for web by profiles.bio.packages[0] (env.yaml:7:9); declare each package once per VM or local installation',
    ]);
  });
});
