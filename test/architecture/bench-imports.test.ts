/**
 * Benchmarks run under tsx, outside vitest, where importing vitest throws ("Vitest cannot be
 * imported in a CommonJS module"). Issue #12: bench/peers/scale.ts reached vitest through the
 * suites' helpers and `npm run bench:peers` died before measuring anything.
 */
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { importGraph, sourceFiles, type ImportEdge } from "./import-graph";
import { chainsToPackages } from "./reachable";

const ROOT = resolve(__dirname, "../..");
const run = promisify(execFile);

/** vitest itself, its sub-paths and its own packages. */
function isVitest(specifier: string): boolean {
  return specifier === "vitest" || specifier.startsWith("vitest/") || specifier.startsWith("@vitest/");
}

describe("no benchmark imports vitest", () => {
  it("no bench/ file reaches vitest, directly or through what it imports (type-only imports count too)", () => {
    const edges = importGraph(ROOT);
    const benchFiles = sourceFiles(ROOT).filter((file) => file.startsWith("bench/"));
    expect(benchFiles).toContain("bench/peers/index.ts");
    expect(chainsToPackages(edges, benchFiles, isVitest)).toEqual([]);
    // The walk does find vitest where it is: the suites' leak check imports it.
    expect(chainsToPackages(edges, ["test/provider/support/xcpng-sim.ts"], isVitest)).toEqual([
      "test/provider/support/xcpng-sim.ts → test/support/sim-suite.ts → vitest",
    ]);
  });

  it("`npm run bench:peers` loads its whole module graph under tsx (an unknown group then stops it before any side effect)", async () => {
    const failure = await run(process.execPath, ["--import", "tsx", "bench/peers/index.ts", "no-such-group"], { cwd: ROOT }).then(
      () => undefined,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(failure?.stderr).toContain("unknown group(s) no-such-group");
    expect(failure?.stderr).not.toContain("Vitest cannot be imported");
    expect(failure?.code).toBe(1);
  });
});

describe("the chain finder", () => {
  const edge = (from: string, to: string): ImportEdge => (to.includes(".") ? { from, specifier: to, target: to } : { from, specifier: to });

  it("names the shortest chain from each root that reaches an unwanted package, and nothing for the others", () => {
    const edges = [edge("bench/a.ts", "test/x.ts"), edge("test/x.ts", "test/y.ts"), edge("test/y.ts", "vitest"), edge("bench/a.ts", "test/y.ts"), edge("bench/b.ts", "ssh2"), edge("test/z.ts", "test/z.ts")];
    expect(chainsToPackages(edges, ["bench/a.ts", "bench/b.ts", "test/z.ts"], isVitest)).toEqual(["bench/a.ts → test/y.ts → vitest"]);
  });

  it("follows import cycles without looping", () => {
    const edges = [edge("a.ts", "b.ts"), edge("b.ts", "a.ts"), edge("b.ts", "@vitest/expect")];
    expect(chainsToPackages(edges, ["a.ts"], isVitest)).toEqual(["a.ts → b.ts → @vitest/expect"]);
  });
});
