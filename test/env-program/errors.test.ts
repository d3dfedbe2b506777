import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import main from "../../program";
import { runEnvironmentProgram } from "../../provider/environment";
import { checkEnvironment, formatIssue } from "../../sdk/env";
import { createProgramDir, type ProgramDir } from "../support/engine";
import { runUnderMocks } from "./mocks";

const ROOT = resolve(__dirname, "../..");
const FIXTURES = join(ROOT, "test/fixtures/env");
const BROKEN = readdirSync(join(FIXTURES, "broken"));

let dir: string;
let linked: ProgramDir;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "bioxen-env-errors-"));
  linked = createProgramDir({ "bioxen-luavm": ROOT });
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  linked?.remove();
});

/** Runs the environment program in `projectDir` with `bioxen:environment` = `file`; resolves with the names it declared. */
async function run(projectDir: string, config: Record<string, string>, env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const { declared } = await runUnderMocks(() => runEnvironmentProgram({ projectDir, env }), config);
  return declared.map((d) => d.name).sort();
}

describe("the environment program refuses broken files with every problem at its place", () => {
  it.each(BROKEN)("broken/%s: fails before declaring anything, listing exactly the validator's issues under the configured path", async (file) => {
    const text = readFileSync(join(FIXTURES, "broken", file), "utf8");
    const issues = checkEnvironment(text, `broken/${file}`).issues.map(formatIssue);
    expect(issues.length).toBeGreaterThan(0);
    const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
    let declared: string[] | undefined;
    await expect(
      (async () => {
        declared = await run(FIXTURES, { "bioxen:environment": `broken/${file}` });
      })(),
    ).rejects.toThrow(`environment file broken/${file} has ${count}:\n${issues.join("\n")}`);
    expect(declared).toBeUndefined();
  });

  it("names the place of an inline password without repeating it", async () => {
    const failure = run(FIXTURES, { "bioxen:environment": "broken/inline-password.yaml" });
    await expect(failure).rejects.toThrow(
      'environment file broken/inline-password.yaml has 1 problem:\nbroken/inline-password.yaml:6:15: connections.lab.password: an inline secret is not allowed; reference it instead: {config: "bioxen:<key>"} (stored with `pulumi config set --secret bioxen:<key>`) or {env: "<VARIABLE>"}',
    );
    await expect(failure).rejects.not.toThrow("hunter2");
  });

  it("names an unknown connection at its line and column", async () => {
    await expect(run(FIXTURES, { "bioxen:environment": "broken/unknown-connection.yaml" })).rejects.toThrow(
      'broken/unknown-connection.yaml:6:17: vms.web.connection: unknown connection "labs"; expected one of: lab (under connections)',
    );
  });
});

describe("the environment program's other failures", () => {
  it("says how to name the environment file when bioxen:environment is not set", async () => {
    await expect(run(dir, {})).rejects.toThrow(
      `stack config bioxen:environment is not set; name the environment file with \`pulumi config set bioxen:environment environments/<name>.yaml\` (relative to ${dir})`,
    );
  });

  it("names an unreadable file, resolved against the project folder", async () => {
    await expect(run(dir, { "bioxen:environment": "envs/missing.yaml" })).rejects.toThrow(`cannot read environment file ${join(dir, "envs/missing.yaml")}: ENOENT`);
  });

  it("lists every reference without a value by its file key, and declares nothing", async () => {
    writeFileSync(
      join(dir, "refs.yaml"),
      [
        "version: 1",
        "connections:",
        "  lab: { url: { env: LAB_URL }, username: root, password: { config: 'bioxen:labPassword' } }",
        "  unused: { url: https://other.example.org, username: root, password: { env: UNUSED_PASSWORD } }",
        "vms:",
        "  web: { connection: lab, template: t, networks: [{ poolNetwork: eth0 }], ssh: { user: lua, privateKey: { env: WEB_KEY } } }",
        "  idle: { connection: unused, template: t, count: 0, networks: [{ poolNetwork: eth0 }], ssh: { user: lua, privateKey: { env: IDLE_KEY } } }",
        "",
      ].join("\n"),
    );
    const failure = run(dir, { "bioxen:environment": "refs.yaml" }, { LAB_URL: "https://lab.example.org" });
    await expect(failure).rejects.toThrow(
      [
        "refs.yaml: 2 reference(s) without a value:",
        "refs.yaml: connections.lab.password: stack config bioxen:labPassword is not set; set it with `pulumi config set --secret bioxen:labPassword <value>`",
        "refs.yaml: vms.web.ssh.privateKey: environment variable WEB_KEY is not set; export it in the deployment's environment (in CI, from the secret store)",
      ].join("\n"),
    );
    const names = await run(dir, { "bioxen:environment": "refs.yaml", "bioxen:labPassword": "p" }, { LAB_URL: "https://lab.example.org", WEB_KEY: "k" });
    expect(names).toEqual(["vm:web"]);
  });
});

describe("the root program (Pulumi.yaml main)", () => {
  it("says how to make the providers loadable when bioxen-luavm is not installed in the project folder", async () => {
    await expect(runUnderMocks(() => main(dir), { "bioxen:environment": "refs.yaml" })).rejects.toThrow(
      "the dynamic providers cannot find the bioxen-luavm package from " + dir,
    );
  });

  it("deploys the configured file from a project folder where the package is installed", async () => {
    writeFileSync(join(linked.dir, "env.yaml"), "version: 1\nlocal:\n  dev:\n    packages: [{ name: inspect }]\n");
    const { result, declared } = await runUnderMocks(() => main(linked.dir), { "bioxen:environment": "env.yaml" });
    expect(declared.map((d) => `${d.kind} ${d.name}`).sort()).toEqual(["LocalLua local:dev", "LuaPackage pkg:local:dev/inspect"]);
    expect(result).toMatchObject({ environment: "env.yaml", resources: ["local:dev", "pkg:local:dev/inspect"] });
    expect(declared.find((d) => d.name === "local:dev")!.inputs).toMatchObject({ projectDir: linked.dir });
  });
});
