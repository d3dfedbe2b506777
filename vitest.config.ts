import { configDefaults, defineConfig } from "vitest/config";

const ALL = "test/**/*.test.ts";

/**
 * Quick files (unit tests, the simulator, XAPI, in-process provider calls) where a fresh worker
 * process and a fresh import of the SDK per file cost more than the tests. `npm test` runs them in
 * the "shared" project with `--no-isolate` (worker processes reused from file to file): on CI's
 * 2 cores that cut their CPU time by 42% and their wall time by 35%, all passing. Every other file
 * (provider hosts, luarocks, sshd launchers, whole stacks, CLIs, the long ownership model) keeps a
 * process of its own in the "isolated" project, which runs after the shared one ends: no long
 * file here, so no core idles at that boundary. A new file matching these globs runs shared: it
 * must leave no process-wide state (env, listeners, settings) behind.
 */
const SHARED = [
  "test/{architecture,base,cloud-init,docs,sim,sim-disk-io,sim-xo,target,vm,xapi,xapi-recipes}/**/*.test.ts",
  "test/compat/state-0.1.0.test.ts",
  "test/env/{broken,json,placement,plan-stability,profiles,vm-options}.test.ts",
  "test/provider/{create-limit,layering,local-lua,ownership-legacy,secret-echo}.test.ts",
  "test/provider/{vm-network,vm-network-failures,vm-network-inputs}.test.ts",
  "test/provider/{xcpng-lua-vm,xcpng-lua-vm-cloud-init,xcpng-lua-vm-drift,xcpng-lua-vm-scale}.test.ts",
  "test/ssh/{auth,dial,host-key,known-hosts,quote,retry-closed,write-file}.test.ts",
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Suites start real servers (sshd, simulator, rocks server); two cores, so keep parallelism modest.
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    // `vitest run FILE` runs any file in a process of its own; `npm test` runs the projects one after the other.
    projects: [
      { extends: true, test: { name: "shared", include: SHARED } },
      { extends: true, test: { name: "isolated", include: [ALL], exclude: [...configDefaults.exclude, ...SHARED] } },
    ],
  },
});
