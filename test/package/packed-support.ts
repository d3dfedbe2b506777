/**
 * The packed package installed as a user installs it: `npm pack` of this checkout, then
 * `npm install <tarball>` into a fresh temporary project (no link to the checkout; dependencies
 * come from the npm registry or the npm cache).
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The checkout under test. */
export const CHECKOUT = resolve(__dirname, "../..");

/** A fresh project with the packed bioxen-luavm installed from its tarball. */
export interface PackedProject {
  /** The project folder (its node_modules holds bioxen-luavm and its dependencies). */
  dir: string;
  /** Paths inside the tarball, as `npm pack` lists them (e.g. "dist/index.js"). */
  packedFiles: string[];
  /** Removes the project and the tarball. */
  remove(): void;
}

/**
 * This process's environment without the npm_* variables `npm test` sets for its scripts, which
 * would otherwise steer the child npm (prefix, lifecycle event, user agent) as no user's npm is.
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
  return { ...env, ...extra };
}

/** Runs `command args…` in `cwd` with the user environment; resolves stdout, rejects with stderr in the message. */
export async function runIn(cwd: string, command: string, args: string[], timeoutMs = 120_000, env = userEnv()): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(command, args, { cwd, env, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 });
  } catch (error) {
    const failure = error as Error & { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(" ")} (in ${cwd}) failed: ${failure.message}\nstdout: ${failure.stdout ?? ""}\nstderr: ${failure.stderr ?? ""}`);
  }
}

/**
 * Packs the checkout (its dist/ as built by `npm test`; --ignore-scripts so the pack does not
 * rebuild dist/ under suites that are reading it) and installs the tarball into a new project.
 */
export async function installPackedProject(): Promise<PackedProject> {
  const root = mkdtempSync(join(tmpdir(), "bioxen-packed-"));
  try {
    const packed = await runIn(CHECKOUT, "npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", root]);
    const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const dir = join(root, "project");
    mkdirSync(dir);
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "packed-user", version: "1.0.0", private: true }, null, 2));
    await runIn(dir, "npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", join(root, info!.filename)], 540_000);
    return { dir, packedFiles: info!.files.map((f) => f.path), remove: () => rmSync(root, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

/** The README's first TypeScript block after `heading` (a line of prose that introduces it). */
export function readmeBlock(readme: string, heading: string): string {
  const start = readme.indexOf(heading);
  if (start < 0) throw new Error(`README.md has no "${heading}"`);
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(start));
  if (!block) throw new Error(`README.md has no ts block after "${heading}"`);
  return block[1]!;
}
