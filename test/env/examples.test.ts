import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import schema from "../../schema/bioxen-environment.schema.json";
import { EXAMPLE_FILES, LAB_GRAPH, LOCAL_DEV_GRAPH, SMALL_CLUSTER_GRAPH, SMALL_CLUSTER_POOL } from "./example-expectations";
import { graph, planFile, ROOT } from "./helpers";

describe("example environment files", () => {
  it("there are examples to check", () => {
    expect(EXAMPLE_FILES).toEqual(
      expect.arrayContaining(["examples/environments/local-dev.yaml", "examples/environments/small-cluster.yaml", "examples/gitops/environments/lab.yaml"]),
    );
  });

  it.each(EXAMPLE_FILES)("%s validates and plans at least one resource", (file) => {
    expect(planFile(file).length).toBeGreaterThan(0);
  });

  it.each(EXAMPLE_FILES)("%s validates against the published schema with a plain ajv (what editors see)", (file) => {
    const ajv = new Ajv({ allowUnionTypes: true, strict: false });
    const validate = ajv.compile(schema);
    expect(validate(parse(readFileSync(join(ROOT, file), "utf8"))), JSON.stringify(validate.errors)).toBe(true);
  });

  it("local-dev maps to two LocalLua installations and their packages", () => {
    const plan = planFile("examples/environments/local-dev.yaml");
    expect(graph(plan)).toEqual(LOCAL_DEV_GRAPH);
    expect(plan.find((p) => p.name === "local:dev")?.args).toEqual({ interpreter: "lua5.4", tree: "../../lua_modules" });
    expect(plan.find((p) => p.name === "pkg:local:dev/lua-cjson")?.args).toEqual({
      target: { ref: "local:dev", output: "target" },
      name: "lua-cjson",
      constraint: ">= 2.1, < 3",
    });
  });

  it("small-cluster maps to networks, a head, three workers and their packages", () => {
    const plan = planFile("examples/environments/small-cluster.yaml");
    expect(graph(plan)).toEqual(SMALL_CLUSTER_GRAPH);
    const connection = { ...SMALL_CLUSTER_POOL, password: { config: "bioxen:poolPassword" } };
    expect(plan.find((p) => p.name === "net:storage")?.args).toEqual({ connection, name: "storage", vlan: { pifDevice: "eth1", tag: 42 } });
    expect(plan.find((p) => p.name === "vm:worker-1")?.args).toEqual({
      connection,
      template: "7d4e1c2a-93b5-4f06-8a1d-2c5e9b3f7a10",
      name: "worker-1",
      vcpus: 4,
      memoryMiB: 4096,
      networks: [
        { network: "Pool-wide network associated with eth0" },
        { network: { ref: "net:backend", output: "networkUuid" }, expectedCidr: "10.77.0.0/24" },
        { network: { ref: "net:storage", output: "networkUuid" } },
      ],
      ssh: { user: "lua", privateKey: { config: "bioxen:sshPrivateKey" }, port: 22 },
      luaInterpreter: "lua5.4",
      tags: ["bioxen", "worker"],
      cloudInit: { writeFiles: [{ path: "/etc/motd", content: "bioxen analysis worker\n" }] },
    });
    expect(plan.find((p) => p.name === "pkg:worker-2/lpeg")?.args).toEqual({
      target: { ref: "vm:worker-2", output: "sshTarget" },
      name: "lpeg",
      constraint: "~> 1.1",
    });
  });

  it("the gitops lab environment takes every credential from environment variables", () => {
    const plan = planFile("examples/gitops/environments/lab.yaml");
    expect(graph(plan).map(([, name]) => name)).toEqual(LAB_GRAPH.map(([, name]) => name));
    const vm = plan.find((p) => p.name === "vm:analysis-0")!.args as Record<string, any>;
    expect(vm.connection).toEqual({
      url: "https://xcp-lab.example.org",
      username: { env: "POOL_USERNAME" },
      password: { env: "POOL_PASSWORD" },
      caFile: "../certs/lab-ca.pem",
    });
    expect(vm.ssh.privateKey).toEqual({ env: "SSH_PRIVATE_KEY" });
  });
});

describe("the GitHub Actions example", () => {
  const workflow = readFileSync(join(ROOT, "examples/gitops/.github/workflows/bioxen.yml"), "utf8");
  const parsed = parse(workflow) as { on: Record<string, any>; jobs: Record<string, any> };
  const pulumiStep = (job: string) => parsed.jobs[job].steps.find((s: any) => String(s.uses).startsWith("pulumi/actions@"));

  it("previews on pull requests and applies on pushes to main", () => {
    expect(Object.keys(parsed.on)).toEqual(["pull_request", "push"]);
    expect(parsed.on.push.branches).toEqual(["main"]);
    expect(parsed.jobs.preview.if).toBe("github.event_name == 'pull_request'");
    expect(pulumiStep("preview").with.command).toBe("preview");
    expect(parsed.jobs.up.if).toContain("refs/heads/main");
    expect(pulumiStep("up").with.command).toBe("up");
  });

  it("takes every credential from the CI secret store", () => {
    for (const job of ["preview", "up"]) {
      const env = pulumiStep(job).env as Record<string, string>;
      for (const name of ["PULUMI_ACCESS_TOKEN", "POOL_PASSWORD", "SSH_PRIVATE_KEY"]) expect(env[name]).toBe(`\${{ secrets.${name} }}`);
    }
    // The variables the lab environment refers to are exactly those the workflow provides.
    const lab = readFileSync(join(ROOT, "examples/gitops/environments/lab.yaml"), "utf8");
    const wanted = [...lab.matchAll(/\{ ?env: ([A-Z_]+) ?\}/g)].map((m) => m[1]);
    expect(Object.keys(pulumiStep("up").env)).toEqual(expect.arrayContaining(wanted));
  });
});
