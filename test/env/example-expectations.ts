/**
 * What the example environment files hold, shared by the planner suite (test/env) and the
 * environment-program suite (test/env-program): the files, and the resource graph each must give.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./helpers";

/** kind, name and dependencies of one resource, as `graph` (test/env) and `graphOf` (test/env-program) give them. */
export type GraphEntry = [kind: string, name: string, dependsOn: string[]];

/** Every example environment file (YAML or JSON), relative to the repository root. */
export const EXAMPLE_FILES: readonly string[] = [
  ...readdirSync(join(ROOT, "examples/environments")).map((f) => `examples/environments/${f}`),
  ...readdirSync(join(ROOT, "examples/gitops/environments")).map((f) => `examples/gitops/environments/${f}`),
].filter((f) => /\.(ya?ml|json)$/.test(f));

/** The graph of examples/environments/local-dev.yaml: two LocalLua installations and their packages. */
export const LOCAL_DEV_GRAPH: readonly GraphEntry[] = [
  ["LocalLua", "local:compat", []],
  ["LocalLua", "local:dev", []],
  ["LuaPackage", "pkg:local:compat/busted", ["local:compat"]],
  ["LuaPackage", "pkg:local:dev/busted", ["local:dev"]],
  ["LuaPackage", "pkg:local:dev/lpeg", ["local:dev"]],
  ["LuaPackage", "pkg:local:dev/lua-cjson", ["local:dev"]],
];

const WORKERS = [0, 1, 2].map((i) => `worker-${i}`);

/** The graph of examples/environments/small-cluster.yaml: networks, a head, three workers, their packages. */
export const SMALL_CLUSTER_GRAPH: readonly GraphEntry[] = [
  ["VmNetwork", "net:backend", []],
  ["VmNetwork", "net:storage", []],
  ["XcpngLuaVM", "vm:head", ["net:backend"]],
  ...WORKERS.map((w): GraphEntry => ["XcpngLuaVM", `vm:${w}`, ["net:backend", "net:storage"]]),
  ["LuaPackage", "pkg:head/lua-cjson", ["vm:head"]],
  ["LuaPackage", "pkg:head/luasocket", ["vm:head"]],
  ...WORKERS.flatMap((w): GraphEntry[] => [
    ["LuaPackage", `pkg:${w}/lpeg`, [`vm:${w}`]],
    ["LuaPackage", `pkg:${w}/luasocket`, [`vm:${w}`]],
  ]),
];

/** The pool connection of small-cluster.yaml without its password (which each suite resolves its own way). */
export const SMALL_CLUSTER_POOL = {
  url: "https://xcp-lab.example.org",
  username: "root",
  tlsFingerprint: "5E:9A:21:7C:0B:44:D1:83:6F:2E:90:17:AA:C3:58:E6:12:7D:4B:F0:39:86:C5:0E:A1:D7:64:2B:9F:38:E0:5C",
} as const;

/** The graph of examples/gitops/environments/lab.yaml: two VMs and their packages. */
export const LAB_GRAPH: readonly GraphEntry[] = [
  ["XcpngLuaVM", "vm:analysis-0", []],
  ["XcpngLuaVM", "vm:analysis-1", []],
  ["LuaPackage", "pkg:analysis-0/lua-cjson", ["vm:analysis-0"]],
  ["LuaPackage", "pkg:analysis-0/luasocket", ["vm:analysis-0"]],
  ["LuaPackage", "pkg:analysis-1/lua-cjson", ["vm:analysis-1"]],
  ["LuaPackage", "pkg:analysis-1/luasocket", ["vm:analysis-1"]],
];
