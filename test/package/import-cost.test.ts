/**
 * Issue #12 target 6: `require("bioxen-luavm")` loads neither the simulator nor ssh2, yaml, ajv,
 * selfsigned, undici or luaparse until they are used. The built package root (dist/, as `npm test` builds
 * it) is required in a fresh Node process, which reports what its require.cache holds.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(__dirname, "..", "..");

/** Module paths (relative to the checkout) in require.cache after requiring `script`'s target. */
function modulesLoadedBy(script: string): string[] {
  const program = `${script}; console.log(JSON.stringify(Object.keys(require.cache)))`;
  const stdout = execFileSync(process.execPath, ["-e", program], { cwd: root, encoding: "utf8" });
  return (JSON.parse(stdout.trim().split("\n").pop()!) as string[]).map((path) => path.slice(root.length + 1));
}

const LAZY = /(^|\/)node_modules\/(ssh2|yaml|ajv|selfsigned|undici|luaparse)\//;
const SIMULATOR = /^dist\/sim\//;

describe('require("bioxen-luavm")', () => {
  it("is built (npm test builds dist/ first)", () => {
    expect(existsSync(join(root, "dist", "index.js"))).toBe(true);
  });

  it("loads no simulator, ssh2, yaml, ajv, selfsigned, undici or luaparse module", () => {
    const loaded = modulesLoadedBy(`require(${JSON.stringify(root)})`);
    expect(loaded.some((path) => path.startsWith("dist/sdk/"))).toBe(true);
    expect(loaded.filter((path) => LAZY.test(path) || SIMULATOR.test(path))).toEqual([]);
  });

  it("loads ssh2, yaml and ajv when a host key, meta-data or an environment file is made", () => {
    const use = [`const sdk = require(${JSON.stringify(root)})`, `sdk.generateSshHostKey()`, `sdk.renderMetaData({ instanceId: "i-1", hostname: "vm-1" })`, `try { sdk.parseEnvironment("{}", "env.yaml") } catch {}`];
    const packages = new Set(modulesLoadedBy(use.join("; ")).map((path) => LAZY.exec(path)?.[2]).filter(Boolean));
    expect([...packages].sort()).toEqual(["ajv", "ssh2", "yaml"]);
  });
});
