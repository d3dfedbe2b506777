import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isSeq, parseDocument, visit } from "yaml";
import { describe, expect, it } from "vitest";
import { planEnvironment, type ResourcePlan } from "../../sdk/env";
import { byName, FIXTURES, validSpec } from "./helpers";

const EVERYTHING = readFileSync(join(FIXTURES, "valid/everything.yaml"), "utf8");

function plan(text: string): ResourcePlan[] {
  return planEnvironment(validSpec(text, "everything.yaml"));
}

/** The same file with every mapping's keys and every list of package rules in reverse order. */
function reversed(text: string): string {
  const document = parseDocument(text);
  visit(document, {
    Map(_, node) {
      node.items.reverse();
    },
    Pair(_, pair) {
      const key = String((pair.key as { value?: unknown })?.value);
      if (key === "packages" && isSeq(pair.value)) pair.value.items.reverse();
    },
  });
  return document.toString();
}

/** The file with `edit` applied to its parsed document. */
function edited(text: string, edit: (doc: ReturnType<typeof parseDocument>) => void): string {
  const document = parseDocument(text);
  edit(document);
  return document.toString();
}

/** Every resource of `before` is in `after` with identical kind, args and dependencies. */
function expectUnchanged(before: ResourcePlan[], after: ResourcePlan[]): void {
  const later = byName(after);
  for (const entry of before) expect(later.get(entry.name), entry.name).toEqual(entry);
}

describe("plan stability", () => {
  const base = plan(EVERYTHING);

  it("plans every kind of resource with names derived from keys", () => {
    expect(base.map((p) => p.name)).toEqual([
      "net:backend",
      "net:edge-net",
      "net:storage",
      "local:ci",
      "local:dev",
      "vm:edge-box",
      "vm:gpu-0",
      "vm:head",
      "vm:worker-0",
      "vm:worker-1",
      "vm:worker-2",
      "pkg:edge-box/lpeg",
      "pkg:edge-box/luasocket",
      "pkg:gpu-0/lpeg",
      "pkg:gpu-0/luasocket",
      "pkg:head/lpeg",
      "pkg:head/lua-cjson",
      "pkg:head/luasocket",
      "pkg:local:ci/luasocket",
      "pkg:local:dev/busted",
      "pkg:local:dev/luasocket",
      "pkg:worker-0/lpeg",
      "pkg:worker-0/luasocket",
      "pkg:worker-1/lpeg",
      "pkg:worker-1/luasocket",
      "pkg:worker-2/lpeg",
      "pkg:worker-2/luasocket",
    ]);
  });

  it("reordering every mapping and the package rules changes nothing", () => {
    const text = reversed(EVERYTHING);
    expect(text).not.toBe(EVERYTHING);
    expect(plan(text)).toEqual(base);
  });

  it("adding a VM, a network, a local installation and a package rule leaves every other resource unchanged", () => {
    const text = edited(EVERYTHING, (doc) => {
      doc.setIn(["networks", "extra"], doc.createNode({ connection: "lab" }));
      doc.setIn(["vms", "aaa"], doc.createNode({ connection: "lab", template: "t", networks: ["extra"], ssh: { user: "lua", privateKey: { env: "K" } } }));
      doc.setIn(["local", "aaa"], doc.createNode({}));
      (doc.get("packages") as { items: unknown[] }).items.unshift(doc.createNode({ name: "penlight", vms: ["aaa"], local: ["aaa"] }));
    });
    const after = plan(text);
    expectUnchanged(base, after);
    expect(after.map((p) => p.name).filter((name) => !byName(base).has(name)).sort()).toEqual([
      "local:aaa",
      "net:extra",
      "pkg:aaa/penlight",
      "pkg:local:aaa/penlight",
      "vm:aaa",
    ]);
  });

  it("raising a count adds instances and changes none of the existing ones", () => {
    const after = plan(edited(EVERYTHING, (doc) => doc.setIn(["vms", "worker", "count"], 5)));
    expectUnchanged(base, after);
    expect(after.length - base.length).toBe(2 * 3); // worker-3 and worker-4, each with lpeg and luasocket
  });

  it("changing one VM's inputs changes only that VM's instances", () => {
    const after = plan(edited(EVERYTHING, (doc) => doc.setIn(["vms", "worker", "memoryMiB"], 8192)));
    const changed = after.filter((entry) => JSON.stringify(entry) !== JSON.stringify(byName(base).get(entry.name))).map((e) => e.name);
    expect(changed).toEqual(["vm:worker-0", "vm:worker-1", "vm:worker-2"]);
  });

  it("a VM with count: 0 plans nothing but stays selectable", () => {
    expect(base.some((p) => p.name.startsWith("vm:idle"))).toBe(false);
    const text = edited(EVERYTHING, (doc) => (doc.get("packages") as { items: unknown[] }).items.push(doc.createNode({ name: "penlight", vms: ["idle"] })));
    expect(plan(text)).toEqual(base);
  });

  it("keeps secrets as references and normalises tags and trees", () => {
    const head = byName(base).get("vm:head")!.args as Record<string, any>;
    expect(head.connection).toEqual({
      url: { env: "BIOXEN_XAPI_URL" },
      username: { config: "bioxen:xapiUsername" },
      password: { config: "bioxen:poolPassword" },
      caFile: "certs/lab-ca.pem",
    });
    expect(head.ssh).toEqual({ user: "lua", privateKey: { config: "bioxen:sshPrivateKey" }, port: 2222 });
    expect(head.tags).toEqual(["alpha", "zeta"]);
    expect(byName(base).get("pkg:edge-box/luasocket")!.args).toEqual({
      target: { ref: "vm:edge-box", output: "sshTarget" },
      name: "luasocket",
      tree: { path: "/opt/lua" },
    });
    expect(byName(base).get("pkg:gpu-0/lpeg")!.args).toMatchObject({ tree: "user", constraint: "~> 1.1" });
  });

  it("the plan does not share objects with the spec (mutating one leaves the other intact)", () => {
    const spec = validSpec(EVERYTHING, "everything.yaml");
    const first = planEnvironment(spec);
    (first[0].args as Record<string, any>).connection.password.config = "changed";
    expect(planEnvironment(spec)).toEqual(base);
  });
});

