import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EnvironmentError, formatIssue, loadEnvironmentFile, lockEnvironmentFile, lockedDependencies, parseLock, planEnvironment, type ResourcePlan } from "../../sdk/env";
import { startRocksServer, type RocksServer } from "../support/rocks-server";

let rocks: RocksServer;
let onlyBeta: RocksServer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "bioxen-env-lock-"));
  [rocks, onlyBeta] = await Promise.all([startRocksServer({ rocks: ["alpha", "beta", "gamma"] }), startRocksServer({ rocks: ["beta"] })]);
});

afterAll(async () => {
  await Promise.all([rocks?.stop(), onlyBeta?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

// luarocks keeps a download cache under $HOME: keep it in this test's folder.
const options = () => ({ env: { HOME: dir } });

/** Writes an environment file with a profile and a local installation, and returns its path. */
function environment(name: string, alpha: string, extra = ""): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    [
      "version: 1",
      "profiles:",
      "  base:",
      `    packages: [{ name: beta, servers: ["${rocks.url}"] }]`,
      "  bio:",
      "    extends: base",
      `    packages: [{ name: alpha, ${alpha}, servers: ["${rocks.url}"] }]`,
      "local:",
      "  dev: { profile: bio, tree: lua_modules }",
      extra,
      "",
    ].join("\n"),
  );
  return path;
}

function lockedVersions(plan: readonly ResourcePlan[]): Record<string, string | undefined> {
  return Object.fromEntries(plan.flatMap((p) => (p.kind === "LuaPackage" ? [[p.name, `${p.args.version ?? ""}|${p.args.constraint ?? ""}`]] : [])));
}

async function issuesOf(path: string): Promise<string[]> {
  const error = await loadEnvironmentFile(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EnvironmentError);
  return (error as EnvironmentError).issues.map(formatIssue);
}

describe("bioxen-luavm lock", () => {
  it("resolves every package to the servers' highest fitting version, writes <file>.lock sorted and byte-for-byte the same each time", async () => {
    const path = environment("lab.yaml", 'constraint: ">= 1.0"');
    const lock = await lockEnvironmentFile(path, options());
    expect(lock).toEqual({ file: `${path}.lock`, packages: { alpha: "2.0-1", beta: "1.0-1" }, dependencies: { beta: ["alpha"] } });
    const text = readFileSync(`${path}.lock`, "utf8");
    expect(text).toBe(
      [
        "# The exact version of every package of lab.yaml and of every rock they depend on: written by `bioxen-luavm lock lab.yaml`; commit it next to lab.yaml.",
        "version: 1",
        "packages:",
        '  alpha: "2.0-1"',
        '  beta: "1.0-1"',
        "dependencies:",
        '  beta: ["alpha"]',
        "",
      ].join("\n"),
    );
    await lockEnvironmentFile(path, options());
    expect(readFileSync(`${path}.lock`, "utf8")).toBe(text);
  });

  it("a committed lock pinning an older version makes the plan ask for exactly that version", async () => {
    const path = environment("pinned.yaml", 'constraint: ">= 1.0"');
    writeFileSync(`${path}.lock`, 'version: 1\npackages:\n  alpha: "1.0-1"\n  beta: "1.0-1"\n');
    const loaded = await loadEnvironmentFile(path);
    expect(loaded.lock?.packages).toEqual({ alpha: "1.0-1", beta: "1.0-1" });
    expect(lockedVersions(planEnvironment(loaded.spec, loaded.lock))).toEqual({ "pkg:local:dev/alpha": "1.0-1|", "pkg:local:dev/beta": "1.0-1|" });
  });

  it("a lock that no longer satisfies the file is an error at the declaration's line and column; a stale entry at the lock's", async () => {
    const path = environment("drift.yaml", 'constraint: ">= 2"', `  ci: { packages: [{ name: gamma }] }`);
    writeFileSync(`${path}.lock`, 'version: 1\npackages:\n  alpha: "1.0-1"\n  beta: "1.0-1"\n  old: "0.1-1"\n');
    expect(await issuesOf(path)).toEqual([
      `${path}:7:43: profiles.bio.packages[0].constraint: the lock pins alpha 1.0-1 (${path}.lock:3:10), which does not satisfy ">= 2"; run \`bioxen-luavm lock ${path}\` to update ${path}.lock`,
      `${path}:10:28: local.ci.packages[0].name: package "gamma" is not in the lock file ${path}.lock; run \`bioxen-luavm lock ${path}\` to update ${path}.lock`,
      `${path}.lock:5:3: packages.old: package "old" is locked but ${path} no longer declares it nor a package depending on it; run \`bioxen-luavm lock ${path}\` to update ${path}.lock`,
    ]);
  });

  it("locked dependencies: each package gets its closure in install order, a dependency is not stale, a bad edge is reported at its place", async () => {
    const path = environment("deps.yaml", 'version: "2.0-1"');
    writeFileSync(`${path}.lock`, 'version: 1\npackages:\n  alpha: "2.0-1"\n  beta: "1.0-1"\n  gamma: "0.3-1"\n  delta: "1.1-1"\ndependencies:\n  beta: ["gamma", "alpha"]\n  gamma: ["delta"]\n');
    const loaded = await loadEnvironmentFile(path);
    const beta = planEnvironment(loaded.spec, loaded.lock).find((p): p is ResourcePlan<"LuaPackage"> => p.name === "pkg:local:dev/beta");
    expect(beta?.args.dependencies).toEqual([
      { name: "delta", version: "1.1-1" },
      { name: "gamma", version: "0.3-1" },
      { name: "alpha", version: "2.0-1" },
    ]);
    expect(lockedDependencies(loaded.lock!, "alpha")).toEqual([]);

    const broken = parseLock('version: 1\npackages:\n  beta: "1.0-1"\ndependencies:\n  beta: ["alpha"]\n  zeta: []\n', "x.lock");
    expect(broken.issues.map(formatIssue)).toEqual([
      'x.lock:5:10: dependencies.beta[0]: "alpha" is not a rock of packages; write it again with `bioxen-luavm lock`',
      'x.lock:6:3: dependencies.zeta: "zeta" is not in packages; write it again with `bioxen-luavm lock`',
    ]);
  });

  it("a declared version that another declared package's dependencies replace is an error at its declaration; no lock is written", async () => {
    const path = environment("replaced.yaml", 'version: "1.0-1"', `  ci: { packages: [{ name: gamma, servers: ["${rocks.url}"] }] }`);
    const error = await lockEnvironmentFile(path, options()).then(
      () => undefined,
      (e: unknown) => e as EnvironmentError,
    );
    expect(error?.issues.map(formatIssue)).toEqual([
      `${path}:7:24: profiles.bio.packages[0].name: alpha resolves to 1.0-1, but another declared package depends on another version of it (luarocks installed 2.0-1 instead); declare a version both accept`,
    ]);
    expect(() => readFileSync(`${path}.lock`)).toThrow(/ENOENT/);
  });

  it("a broken lock file is reported at its own line and column", async () => {
    const path = environment("broken-lock.yaml", 'version: "1.0-1"');
    writeFileSync(`${path}.lock`, 'version: 1\npackages:\n  alpha: "1 beta"\n');
    expect(await issuesOf(path)).toEqual([
      `${path}.lock:3:10: packages.alpha: invalid LuaRocks version "1 beta": a version is dot-separated letters/digits with an optional "-<revision>", e.g. "1.2" or "1.2-1"; write it again with \`bioxen-luavm lock\``,
    ]);
  });

  it("a rock no version of which fits every declaration (and its servers) is an error at the first declaration; no lock is written", async () => {
    const path = environment("conflict.yaml", 'version: "2.0-1"', `  ci: { packages: [{ name: alpha, constraint: "< 2", servers: ["${rocks.url}"] }, { name: beta, servers: ["${onlyBeta.url}"] }] }`);
    const error = await lockEnvironmentFile(path, options()).then(
      () => undefined,
      (e: unknown) => e as EnvironmentError,
    );
    expect(error?.issues.map(formatIssue)).toEqual([
      `${path}:7:24: profiles.bio.packages[0].name: no version of alpha fits every declaration (profiles.bio.packages[0] asks 2.0-1 from ${rocks.url}; local.ci.packages[0] asks < 2 from ${rocks.url}); offered: 2.0-1, 1.0-1`,
    ]);
    expect(() => readFileSync(`${path}.lock`)).toThrow(/ENOENT/);
  });
});
