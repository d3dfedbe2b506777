/**
 * Import cost (issue #12 target 6): `require("bioxen-luavm")` (the built package root, dist/)
 * against `require("xen-api")`, each in a fresh Node process: milliseconds the require takes and
 * the process's RSS after it. Interleaved rounds; run `npm run build` first.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { compareInRounds, type Comparison } from "./rounds";

const run = promisify(execFile);
const ROUNDS = 9;
const root = join(__dirname, "..", "..");

/** Requires `target` in a new process; its time and the RSS after it. */
async function requireCost(target: string): Promise<Record<string, number>> {
  const program = `const t = process.hrtime.bigint(); require(${JSON.stringify(target)}); const ms = Number(process.hrtime.bigint() - t) / 1e6; console.log(JSON.stringify({ ms, rss: process.memoryUsage().rss / 1e6 }))`;
  const { stdout } = await run(process.execPath, ["-e", program], { cwd: root });
  return JSON.parse(stdout.trim()) as Record<string, number>;
}

/** Interleaved rounds of both requires. */
export async function compareImport(): Promise<Comparison[]> {
  if (!existsSync(join(root, "dist", "index.js"))) throw new Error("dist/index.js is missing: run npm run build first");
  return compareInRounds({
    rounds: ROUNDS,
    ours: { name: 'require("bioxen-luavm")', run: () => requireCost(root) },
    peer: { name: 'require("xen-api")', run: () => requireCost("xen-api") },
    measures: {
      ms: { workload: "import: require() of the package root, fresh process", unit: "ms" },
      rss: { workload: "import: RSS after require(), fresh process", unit: "MB" },
    },
  });
}
