import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { importViolations, layerOf, type ImportRules } from "./check-imports";
import { importGraph, importSpecifiers, resolveSpecifier, sourceFiles, tsconfigAliases, type ImportEdge } from "./import-graph";
import { ACYCLIC_WITHIN, LAYERS, PUBLIC_ENTRY_POINTS } from "./layers";

const ROOT = resolve(__dirname, "../..");
const RULES: ImportRules = { layers: LAYERS, publicEntryPoints: PUBLIC_ENTRY_POINTS, acyclicWithin: ACYCLIC_WITHIN };

/** The violations of a graph made of `from → to` pairs; a `to` without `/` or `.` is a package. */
function violationsOf(...pairs: [from: string, to: string][]): string[] {
  const edges: ImportEdge[] = pairs.map(([from, to]) => (to.includes(".") ? { from, specifier: to, target: to } : { from, specifier: to }));
  return importViolations(edges, RULES);
}

describe("the tree keeps the import rules of docs/architecture.md", () => {
  it("every import of every .ts file is allowed", () => {
    const edges = importGraph(ROOT);
    expect(edges.length).toBeGreaterThan(1000);
    expect(importViolations(edges, RULES)).toEqual([]);
  });

  it("the rules name only layers that exist", () => {
    const named = Object.values(LAYERS).flatMap((layer) => layer.mayImport);
    expect(named.filter((name) => name !== "public" && !(name in LAYERS))).toEqual([]);
  });

  it("every .ts file belongs to a layer", () => {
    expect(sourceFiles(ROOT).filter((file) => layerOf(file, LAYERS) === undefined)).toEqual([]);
  });
});

describe("the import scanner", () => {
  it("sees every form of import, type-only ones included", () => {
    const text = [
      `import { a } from "./a";`,
      `import type { B } from "../b";`,
      `import "./side-effect";`,
      `export * from "./c";`,
      `export { d } from "./d";`,
      `import e = require("./e");`,
      `const f = require("./f");`,
      `const g = await import("./g");`,
      "const text = `import { h } from \"./not-code\"`;",
    ].join("\n");
    expect(importSpecifiers(text)).toEqual(["./a", "../b", "./side-effect", "./c", "./d", "./e", "./f", "./g"]);
  });

  it("resolves folders to their index and the package's own names to its entry points", () => {
    const aliases = tsconfigAliases(ROOT);
    expect(resolveSpecifier(ROOT, "examples/basic-usage.ts", "../index", aliases)).toBe("index.ts");
    expect(resolveSpecifier(ROOT, "provider/environment/deploy.ts", "../../sdk/env", aliases)).toBe("sdk/env/index.ts");
    expect(resolveSpecifier(ROOT, "examples/gitops/index.ts", "bioxen-luavm/provider", aliases)).toBe("provider/index.ts");
    expect(resolveSpecifier(ROOT, "sdk/env/load.ts", "yaml", aliases)).toBeUndefined();
  });
});

describe("a broken rule is reported", () => {
  it("sdk importing Pulumi, provider, sim or test", () => {
    expect(violationsOf(["sdk/vm/a.ts", "@pulumi/pulumi"])).toEqual(["sdk/vm/a.ts: imports package @pulumi/pulumi; sdk must not import @pulumi/*"]);
    for (const target of ["provider/index.ts", "sim/index.ts", "test/support/sim.ts"]) {
      expect(violationsOf(["sdk/xapi/client.ts", target])).toEqual([expect.stringContaining(`sdk/xapi/client.ts: imports ${target}`)]);
    }
  });

  it("sdk/base importing the rest of sdk, while all of sdk may import it", () => {
    expect(violationsOf(["sdk/base/deadline.ts", "sdk/xapi/index.ts"])).toHaveLength(1);
    expect(violationsOf(["sdk/xapi/client.ts", "sdk/base/index.ts"], ["sdk/ssh/pool.ts", "sdk/base/semaphore.ts"])).toEqual([]);
  });

  it("provider importing sim or test, in whatever sub-folder its files live", () => {
    expect(violationsOf(["provider/xcpng-lua-vm/operations.ts", "sim/index.ts"], ["provider/impl/vm-network.ts", "test/support/sim.ts"])).toHaveLength(2);
    expect(violationsOf(["provider/xcpng-lua-vm/operations.ts", "sdk/vm/xcpng/index.ts"], ["provider/vm-network/diff.ts", "provider/runtime/inputs.ts"])).toEqual([]);
  });

  it("sim importing sdk beyond the wire codecs", () => {
    expect(violationsOf(["sim/server/call.ts", "sdk/base/errors.ts"], ["sim/rpc/core.ts", "sdk/xapi/client.ts"])).toHaveLength(2);
    expect(violationsOf(["sim/server/call.ts", "sdk/xapi/wire/index.ts"])).toEqual([]);
  });

  it("examples importing past the public entry points", () => {
    expect(violationsOf(["examples/basic-usage.ts", "sdk/vm/index.ts"], ["examples/pulumi-local/program.ts", "provider/lua-package.ts"])).toHaveLength(2);
    expect(violationsOf(["examples/basic-usage.ts", "index.ts"], ["examples/pulumi-local/program.ts", "provider/index.ts"], ["examples/integration-demo.ts", "scripts/support/rocks-server.ts"])).toEqual([]);
  });

  it("anything but the examples importing examples/support or test", () => {
    for (const from of ["test/examples/workload.test.ts", "bench/create-vms.ts", "scripts/pack-rocks.ts", "sdk/vm/index.ts", "provider/index.ts"]) {
      expect(violationsOf([from, "examples/support/workload.ts"])).toEqual([expect.stringContaining(`${from}: imports examples/support/workload.ts`)]);
    }
    for (const from of ["sdk/vm/index.ts", "provider/index.ts", "sim/index.ts", "examples/basic-usage.ts", "scripts/support/demo-pool.ts"]) {
      expect(violationsOf([from, "test/support/sim.ts"])).toHaveLength(1);
    }
  });

  it("an import cycle between sim/model and sim/rpc, or between a sim/ file and a sub-folder", () => {
    expect(violationsOf(["sim/model/store.ts", "sim/rpc/errors.ts"], ["sim/rpc/to-wire.ts", "sim/model/record.ts"])).toEqual([
      "import cycle in sim/: sim/model → sim/rpc → sim/model; make the arrows point one way",
    ]);
    expect(violationsOf(["sim/core.ts", "sim/rpc/method.ts"], ["sim/rpc/method.ts", "sim/core.ts"])).toHaveLength(1);
    expect(violationsOf(["sim/rpc/to-wire.ts", "sim/model/record.ts"], ["sim/methods/vm.ts", "sim/rpc/core.ts"])).toEqual([]);
  });

  it("the command line importing Pulumi, the provider or the simulator", () => {
    expect(violationsOf(["cli/repl.ts", "@pulumi/pulumi"], ["cli/repl.ts", "provider/index.ts"], ["cli/main.ts", "sim/index.ts"])).toHaveLength(3);
    expect(violationsOf(["cli/repl.ts", "sdk/lua/index.ts"], ["cli/main.ts", "cli/repl.ts"], ["test/cli/repl.tmux.test.ts", "cli/main.ts"])).toEqual([]);
  });

  it("a file in no layer", () => {
    expect(violationsOf(["tools/x.ts", "sdk/vm/index.ts"])).toEqual(["tools/x.ts: in no layer of the rules; add its folder to test/architecture/layers.ts"]);
  });
});
