/**
 * `npm run bench:peers`: bioxen-luavm against the tools users would pick instead (SSH: OpenSSH
 * ControlMaster and a new ssh2 connection per command; XAPI: Xen Orchestra's `xen-api`; LuaRocks:
 * raw `luarocks`), each as interleaved A/B rounds. Prints every median ratio ours/peer with its
 * min and max and writes them to bench/results/peers.json (a run of some groups to
 * peers-<groups>.json, leaving the whole run's file alone). A benchmark, not a test: nothing is
 * asserted. Also: the XAPI traffic of one VM create/refresh/delete in a 2,000-VM pool against a
 * 10-VM pool (scale), the cost of require("bioxen-luavm") against require("xen-api") (import),
 * and VM creates against their critical path (provision).
 * Optional arguments pick groups: ssh, xapi, rocks, scale, import, provision (default: all).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import type { Comparison } from "./rounds";
import { compareImport } from "./import";
import { compareProvisioning } from "./provision";
import { compareRocks } from "./rocks";
import { compareScale } from "./scale";
import { compareSsh } from "./ssh";
import { compareXapi } from "./xapi";

const GROUPS: Record<string, () => Promise<Comparison[]>> = {
  ssh: compareSsh,
  xapi: compareXapi,
  rocks: compareRocks,
  scale: compareScale,
  import: compareImport,
  provision: compareProvisioning,
};

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !(name in GROUPS));
  if (unknown.length > 0) throw new Error(`unknown group(s) ${unknown.join(", ")}; known: ${Object.keys(GROUPS).join(", ")}`);
  const started = new Date();
  const loadBefore = loadavg();
  const comparisons: Comparison[] = [];
  for (const name of asked.length > 0 ? asked : Object.keys(GROUPS)) {
    console.log(`--- ${name}`);
    comparisons.push(...(await GROUPS[name]()));
  }
  const result = {
    date: started.toISOString(),
    durationS: Math.round((Date.now() - started.getTime()) / 1000),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, platform: process.platform },
    loadAverage1m: { before: loadBefore[0], after: loadavg()[0] },
    comparisons,
  };
  const dir = join(__dirname, "..", "results");
  await mkdir(dir, { recursive: true });
  // Only a run of every group replaces peers.json (docs/benchmarks.md's table comes from one).
  const file = asked.length > 0 ? `peers-${asked.join("-")}.json` : "peers.json";
  await writeFile(join(dir, file), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote bench/results/${file} (${result.durationS} s, load ${loadBefore[0].toFixed(1)} → ${loadavg()[0].toFixed(1)})`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
