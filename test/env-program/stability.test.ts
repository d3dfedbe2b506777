import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { isMap, isSeq, parseDocument, type Document } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runEnvironmentProgram } from "../../provider/environment";
import { graphOf, runUnderMocks, type Declared } from "./mocks";

const ROOT = resolve(__dirname, "../..");
const CLUSTER = readFileSync(join(ROOT, "examples/environments/small-cluster.yaml"), "utf8");
const CONFIG = { "bioxen:poolPassword": "pool-password-5d0", "bioxen:sshPrivateKey": "key-text-91c" };

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "bioxen-env-stability-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Declares the resources of `text` (written to a file in the temp project folder). */
async function declare(text: string): Promise<Map<string, Declared>> {
  writeFileSync(join(dir, "env.yaml"), text);
  const { declared } = await runUnderMocks(() => runEnvironmentProgram({ projectDir: dir }), { "bioxen:environment": "env.yaml", ...CONFIG }, Object.keys(CONFIG));
  return new Map(declared.map((d) => [d.name, d]));
}

function edited(text: string, edit: (doc: Document) => void): string {
  const doc = parseDocument(text);
  edit(doc);
  return doc.toString();
}

/** Reverses the keys of every section and of every entry, and the order of package rules and package lists. */
function reorder(doc: Document): void {
  const reverse = (node: unknown, depth: number) => {
    if (isMap(node)) {
      node.items.reverse();
      if (depth < 3) for (const pair of node.items) reverse(pair.value, depth + 1);
    } else if (isSeq(node) && depth < 3) {
      node.items.reverse();
      for (const item of node.items) reverse(item, depth + 1);
    }
  };
  reverse(doc.contents, 0);
  // VIF order is device order: restore it, it is meaning, not layout.
  for (const vm of ["head", "worker"]) {
    const original = parseDocument(CLUSTER).getIn(["vms", vm, "networks"]);
    doc.setIn(["vms", vm, "networks"], original);
  }
}

function add(doc: Document): void {
  doc.setIn(["networks", "aaa-first"], doc.createNode({ connection: "lab", mtu: 1500 }));
  doc.setIn(["vms", "aaa-extra"], doc.createNode({ connection: "lab", template: "t", count: 2, networks: ["aaa-first", "backend"], ssh: { user: "lua", privateKey: { config: "bioxen:sshPrivateKey" } } }));
  doc.setIn(["local", "dev"], doc.createNode({ packages: [{ name: "penlight" }] }));
  (doc.get("packages") as { items: unknown[] }).items.unshift(doc.createNode({ name: "inspect", vms: ["head", "aaa-extra"] }));
  (doc.getIn(["vms", "head", "packages"]) as { items: unknown[] }).items.unshift(doc.createNode({ name: "argparse", version: "0.7.1-1" }));
}

describe("names and inputs come from the file's keys, never from positions", () => {
  let base: Map<string, Declared>;
  beforeAll(async () => {
    base = await declare(CLUSTER);
  });

  it("reordering every section, entry and package list declares the same resources with the same inputs and dependencies", async () => {
    const text = edited(CLUSTER, reorder);
    expect(text).not.toBe(CLUSTER);
    const reordered = await declare(text);
    expect(graphOf([...reordered.values()])).toEqual(graphOf([...base.values()]));
    for (const [name, resource] of base) expect(reordered.get(name), name).toEqual(resource);
  });

  it("adding entries everywhere only adds resources; every existing one is declared exactly as before", async () => {
    const grown = await declare(edited(CLUSTER, add));
    const added = [...grown.keys()].filter((name) => !base.has(name)).sort();
    expect(added).toEqual([
      "local:dev",
      "net:aaa-first",
      "pkg:aaa-extra-0/inspect",
      "pkg:aaa-extra-1/inspect",
      "pkg:head/argparse",
      "pkg:head/inspect",
      "pkg:local:dev/penlight",
      "vm:aaa-extra-0",
      "vm:aaa-extra-1",
    ]);
    for (const [name, resource] of base) expect(grown.get(name), name).toEqual(resource);
    expect(grown.get("vm:aaa-extra-1")!.dependsOn).toEqual(["net:aaa-first", "net:backend"]);
  });

  it("raising a count adds the next instances and nothing else changes; lowering it drops the highest", async () => {
    const more = await declare(edited(CLUSTER, (doc) => doc.setIn(["vms", "worker", "count"], 4)));
    expect([...more.keys()].filter((name) => !base.has(name)).sort()).toEqual(["pkg:worker-3/lpeg", "pkg:worker-3/luasocket", "vm:worker-3"]);
    for (const [name, resource] of base) expect(more.get(name), name).toEqual(resource);
    const fewer = await declare(edited(CLUSTER, (doc) => doc.setIn(["vms", "worker", "count"], 2)));
    expect([...base.keys()].filter((name) => !fewer.has(name)).sort()).toEqual(["pkg:worker-2/lpeg", "pkg:worker-2/luasocket", "vm:worker-2"]);
    for (const [name, resource] of fewer) expect(resource, name).toEqual(base.get(name));
  });
});
