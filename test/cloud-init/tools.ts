/**
 * Independent checkers for the cloud-init tests: Debian's dosfstools, mtools, util-linux,
 * openssh-client and cloud-init, run as child processes on files in a scratch directory.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A tool's outcome; stdout as bytes so file contents compare exactly. */
export interface ToolRun {
  status: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs argv without a shell. */
export function run(argv: string[], env: NodeJS.ProcessEnv = {}): ToolRun {
  const result = spawnSync(argv[0], argv.slice(1), { env: { ...process.env, LC_ALL: "C.UTF-8", ...env }, timeout: 60_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.toString("utf8") };
}

/** A scratch directory for one test file; `dispose()` removes it. */
export function scratch(): { path(name: string): string; write(name: string, content: Buffer | string, mode?: number): string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), "bioxen-cloud-init-"));
  return {
    path: (name) => join(dir, name),
    write(name, content, mode = 0o644) {
      const file = join(dir, name);
      writeFileSync(file, content, { mode });
      return file;
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** `fsck.fat -n` (check only, change nothing). */
export const fsckFat = (image: string) => run(["fsck.fat", "-n", image]);

/** The long names mtools lists in the image's root directory (`mdir -b`: one path per line). */
export function mtoolsNames(image: string): string[] {
  const listing = run(["mdir", "-b", "-i", image, "::/"]);
  if (listing.status !== 0) throw new Error(`mdir failed: ${listing.stderr}`);
  return listing.stdout.toString("utf8").split("\n").filter(Boolean).map((line) => line.replace(/^::\//, "")).sort();
}

/** A file's bytes as mtools reads them (`mcopy` to stdout, no text conversion). */
export function mtoolsRead(image: string, name: string): Buffer {
  const copy = run(["mcopy", "-n", "-i", image, `::/${name}`, "-"]);
  if (copy.status !== 0) throw new Error(`mcopy ${name} failed: ${copy.stderr}`);
  return copy.stdout;
}

/** `blkid`'s view of the image as KEY=value pairs (`TYPE`, `LABEL`, …). */
export function blkid(image: string): Record<string, string> {
  const probe = run(["blkid", "-p", "-o", "export", image]);
  if (probe.status !== 0) throw new Error(`blkid failed (${probe.status}): ${probe.stderr}`);
  return Object.fromEntries(probe.stdout.toString("utf8").split("\n").filter(Boolean).map((line) => line.split(/=(.*)/s).slice(0, 2)));
}
